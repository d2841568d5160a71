"""The shipped rules on the fourth development set (round 4, recall): floors per topic.

tests/fixtures/devset4/ (255 articles: 94 Indonesian, 74 English, 44
Vietnamese, 43 Korean; 74 with no topic) was written in round 4 by the recall
tuner, from the topic definitions and the kinds of issue 11, BEFORE any rule
or engine change of that round. A blind measurement had shown that the
round-3 recall fixes were tied to the phrasings of the earlier sets, so every
kind of "crime told without its name" is written here in several phrasings
per language (different verbs, nouns and story shapes: police release, court
report, victim's story, one-line RSS headline): sextortion after a video
call; a malicious app or file disguised as an invitation, parcel, traffic
fine, tax or public-service app that empties a balance; paid "tasks" and
daily-profit apps; romance scams (customs fees for a gift, love then money);
fake jobs abroad ending in compounds forced to scam; files locked for a
bitcoin ransom; account takeover with a forwarded code and SIM swaps; a
deepfake boss ordering a transfer; money mules renting accounts; insiders
selling customer data; hidden cameras streamed or sold online; gambling pages
planted on official sites; long-running email espionage; "virtual
kidnapping"; remote-control apps installed for a fake official; trials and
extraditions. ASEAN is told as "the regional bloc", "the grouping",
"Perhimpunan Bangsa-Bangsa Asia Tenggara", "khối", "ngôi nhà chung", "동남아
11개국", its newest member Timor-Leste; North Korea through defectors and
minders. Hard negatives are their lawful look-alikes: e-invitations, a
bank's warning campaign, placement schemes abroad, an offline kidnapping,
a network outage, CCTV, a site's redesign, voice cloning for dubbing, G7/NATO
"groupings", Timor-Leste's own news, the junta's own election news, tour guides.

Scored BEFORE any rule or engine change of round 4 (the rules of commit
89582ad), precision / recall / F1:

    asean        1.000 / 0.375 / 0.545   (tp 6, fp 0, fn 10)
    cybercrime   0.986 / 0.442 / 0.611   (tp 69, fp 1, fn 87)
    north-korea  1.000 / 1.000 / 1.000   (tp 9, fp 0, fn 0)

The rules were then tuned on this set (rules that need an act AND a harm
together, in all four languages, rather than fixed phrases); these are not
estimates for unseen news. The floor is the AFTER figure minus a margin of
about one article. Do not edit the texts or labels to make a rule pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.streams.classify.corpus import load_corpus
from tests.streams.classify.heldout import assert_floor, assert_shape, evaluate_shipped

DEVSET4 = Path(__file__).resolve().parents[2] / "fixtures" / "devset4"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.95, 0.37),
    "north-korea": (0.95, 0.95),
    "cybercrime": (0.95, 0.44),
}


@pytest.fixture(scope="module")
def items():
    return load_corpus(DEVSET4)


@pytest.fixture(scope="module")
def evaluation(items):
    return evaluate_shipped(items)


def test_dev_set_has_every_language_and_hard_negatives(items):
    assert_shape(
        items,
        at_least=250,
        languages={"id", "en", "vi", "ko"},
        indonesian_share=0.35,
        negatives=70,
        per_topic=9,
        topics=FLOOR,
    )


@pytest.mark.parametrize("topic", sorted(FLOOR))
def test_topic_meets_its_floor_on_the_dev_set(topic, evaluation):
    assert_floor(evaluation, topic, FLOOR[topic], blind=False)
