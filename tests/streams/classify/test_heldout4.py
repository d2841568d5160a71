"""The shipped rules on the fourth blind set: floors per topic.

tests/fixtures/heldout4/ (322 articles: 196 Indonesian, 42 English, 38
Vietnamese, 46 Korean; 174 with no topic) was written BLIND in round 3 from
the topic definitions in issue 11 and rules/README.md by three helpers who
never opened the rules, the engine or any other evaluation set, in outlets'
real shapes (datelines, captions, "Baca juga"/"Xem thêm"/관련기사 teasers,
trailers, RSS one-liners, reader's letters). Hard negatives: denied attacks,
hackathons and CTFs, fiction about hackers, football and politics "attacks",
ASEAN as a brand, cup, comparison or geography, member states' own news,
North Korea once in a list, "Kim" and "북" that are not North Korea, offline
frauds and ATM break-ins, data-protection fines without a breach. Hard
positives: crimes told without their name (sextortion after a video call,
APKs disguised as invitations, fines or parcel notices, task and
"profit harian" scams, fake jobs ending in scam compounds, ransom without the
word ransomware, SIM swaps, OTP takeovers, court language of UU ITE), North
Korea told only as Pyongyang/Korut/북/Triều Tiên, ASEAN bodies by acronym.

Scored BEFORE any rule or engine change of round 3 (the rules of commit
96c7f95), precision / recall / F1:

    asean        0.893 / 0.980 / 0.935   (tp 50, fp 6, fn 1)
    cybercrime   0.800 / 0.901 / 0.848   (tp 64, fp 16, fn 7)
    north-korea  0.925 / 0.961 / 0.942   (tp 49, fp 4, fn 2)

AFTER the round-3 tuning (which never read this set), measured once:

    asean        0.926 / 0.980 / 0.952   (tp 50, fp 4, fn 1)
    cybercrime   0.864 / 0.986 / 0.921   (tp 70, fp 11, fn 1)
    north-korea  0.926 / 0.980 / 0.952   (tp 50, fp 4, fn 1)

Recall is near the 0.95 target everywhere; precision is not (passing mentions
in a story's lead still make a story, and cybercrime takes security stories
with scam words for crimes).

Opened as a development set in round 4 (recall tuner, branch r4-recall): its
two remaining misses were read and their kinds fixed in general form (a
romance scam told with love words, a dating app and "biaya bea cukai"; the
ASEAN Regional Forum named only as ARF). After that tuning:

    asean        0.927 / 1.000 / 0.962   (tp 51, fp 4, fn 0)
    cybercrime   0.866 / 1.000 / 0.928   (tp 71, fp 11, fn 0)
    north-korea  0.926 / 0.980 / 0.952   (tp 50, fp 4, fn 1)   (unchanged)

Those round-3 figures were the honest estimates for unseen news. The floor is the AFTER figure
minus a margin of about one article. Do not edit the texts or labels, and do
not tune on this set's mistakes: write a new set to measure again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.streams.classify.corpus import load_corpus
from tests.streams.classify.heldout import assert_floor, assert_shape, evaluate_shipped

HELDOUT4 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout4"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.89, 0.98),
    "north-korea": (0.89, 0.96),
    "cybercrime": (0.84, 0.98),
}


@pytest.fixture(scope="module")
def items():
    return load_corpus(HELDOUT4)


@pytest.fixture(scope="module")
def evaluation(items):
    return evaluate_shipped(items)


def test_blind_set_has_every_language_and_hard_negatives(items):
    assert_shape(
        items,
        at_least=300,
        languages={"id", "en", "vi", "ko"},
        indonesian_share=0.6,
        negatives=150,
        per_topic=45,
        topics=FLOOR,
    )


@pytest.mark.parametrize("topic", sorted(FLOOR))
def test_topic_meets_its_floor_on_blind_articles(topic, evaluation):
    """Only the aggregate is asserted; the failure message lists no articles (the set stays blind)."""
    assert_floor(evaluation, topic, FLOOR[topic], blind=True)
