"""The shipped rules and judge on trainset9, the cybercrime-boundary training text of round 8.

tests/fixtures/trainset9/ (70 Indonesian articles, 35 with no topic; cybercrime
25, north-korea 7, asean 7) was written in round 8 by a helper who read only
the topic definitions of issue 11 (never the rules, the judge or any set), to
TEACH the judge where cybercrime ends: about two thirds of it sits on that
boundary, crimes told in everyday words (an OTP taken by a fake courier, a
lookalike escrow site, a water utility's files locked for a crypto ransom, a
fake phone mast sending bank texts) beside stories that only share their words
(a goal "dibobol", copper cable stolen from a tower, a phishing drill, a breach
claim that was recycled old data, a capture-the-flag contest).

Scored once as written, BEFORE any change of round 8 (commit 468f3d4: the
rules and judge of round 7), precision / recall:

    asean        0.875 / 1.000   (tp 7, fp 1, fn 0)
    cybercrime   0.960 / 0.960   (tp 24, fp 1, fn 1)
    north-korea  1.000 / 1.000   (tp 7, fp 0, fn 0)

Rules alone: asean 0.875 / 1.000, cybercrime 0.923 / 0.960, north-korea
1.000 / 1.000. So round 7 already drew this boundary well on text it never
saw; the set is offered to the judge's `train:` list as more of the boundary,
decided by leaving each writer set out (tests/bench/judge_cv.py).

The floor is the BEFORE figure minus a margin of about one article.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

TRAINSET9 = Path(__file__).resolve().parents[2] / "fixtures" / "trainset9"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.75, 0.85),
    "north-korea": (0.87, 0.85),
    "cybercrime": (0.92, 0.92),
}

TestTrainset9 = set_checks(
    TRAINSET9, FLOOR, Shape(at_least=70, negatives=35, per_topic=7, languages=frozenset({"id"})), blind=False
)
