"""The shipped rules on the third held-out set: floors per topic.

tests/fixtures/heldout3/ (185 articles: 105 Indonesian, 30 English, 24
Vietnamese, 26 Korean) was written BLIND from the topic definitions in
rules/README.md by a helper who never read the rules, in outlets' real shapes,
with the hard negatives and hard positives of issue 11 (denied attacks,
hackathons, names and brands that carry "ASEAN", North Korea in a list, crimes
told without their name). Unlike its twin tests/fixtures/devset3/, nobody
tuning the rules read its texts or its individual mistakes: only the
aggregate figures per topic were looked at, before and after.

Scored BEFORE any rule or engine change (precision/recall/F1):

    asean        0.741 / 1.000 / 0.851   (tp 20, fp 7, fn 0)
    cybercrime   0.667 / 0.679 / 0.673   (tp 38, fp 19, fn 18)
    north-korea  0.889 / 1.000 / 0.941   (tp 24, fp 3, fn 0)

Those are the honest estimate of how the round-2 rules did on unseen news.
Then the engine learnt denials, other senses and salience, and the rules were
tuned on tests/fixtures/devset3/ (1.00 on every topic there) and extended from
the topic definitions. AFTER, measured once on this set (nothing tuned on it
since):

    asean        0.833 / 1.000 / 0.909   (tp 20, fp 4, fn 0)
    cybercrime   0.855 / 0.839 / 0.847   (tp 47, fp 8, fn 9)
    north-korea  1.000 / 1.000 / 1.000   (tp 24, fp 0, fn 0)

Short of the 0.95 target for asean precision and cybercrime: that, not the
dev set's 1.00, is the estimate for unseen news. The floor below is the AFTER
figure minus a margin of about one article. Do not edit the texts or labels, and do not tune on this set's
mistakes: write a new set to measure again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.streams.classify.corpus import load_corpus
from tests.streams.classify.heldout import assert_floor, assert_shape, evaluate_shipped

HELDOUT3 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout3"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.8, 0.95),
    "north-korea": (0.95, 0.95),
    "cybercrime": (0.83, 0.82),
}


@pytest.fixture(scope="module")
def items():
    return load_corpus(HELDOUT3)


@pytest.fixture(scope="module")
def evaluation(items):
    return evaluate_shipped(items)


def test_blind_set_has_every_language_and_hard_negatives(items):
    assert_shape(
        items,
        at_least=160,
        languages={"id", "en", "vi", "ko"},
        indonesian_share=0.55,
        negatives=70,
        per_topic=20,
        topics=FLOOR,
    )


@pytest.mark.parametrize("topic", sorted(FLOOR))
def test_topic_meets_its_floor_on_blind_articles(topic, evaluation):
    """Only the aggregate is asserted; the failure message lists no articles (the set stays blind)."""
    assert_floor(evaluation, topic, FLOOR[topic], blind=True)
