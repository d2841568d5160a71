"""The shipped rules and judge on trainset10, the north-korea and asean boundary text of round 9.

tests/fixtures/trainset10/ (140 articles: t-c.yaml 45 Indonesian and 25
English; t-d.yaml 35 Korean and 35 Vietnamese; 73 with no topic; north-korea
31, asean 24, cybercrime 20) was written in round 9 by two helpers who read
only the topic definitions of issue 11 (never the rules, the judge or any set),
as text to TEACH where north-korea and asean end: about three quarters of it
sits on those boundaries, the topic told in unexpected words (북측 and 북녘,
"RRDK", a tanker held for sanctions evasion, the AHA Centre sent after a
typhoon, AEM, AMMTC and ADMM by acronym, the gavel handed over at a summit)
beside stories that only share their words (a Kimilsungia orchid at a flower
show, 조선 as shipbuilding, a station's north exit, Korean ginseng, an ASEAN
housing estate, airline "ASEAN routes", the Shangri-La Dialogue).

Scored once as written, BEFORE any change of round 9 (commit 5d33d6b: the
rules and judge of round 8), precision / recall:

    asean        0.889 / 1.000   (tp 24, fp 3, fn 0)
    cybercrime   0.950 / 0.950   (tp 19, fp 1, fn 1)
    north-korea  0.939 / 1.000   (tp 31, fp 2, fn 0)

Rules alone: asean 0.885 / 0.958, cybercrime 0.864 / 0.950, north-korea
0.886 / 1.000.

The floor is the BEFORE figure minus a margin of about one article. It is
development text, open to the tuners; the judge learns from it since round 9
(decided by leaving each writer set out, tests/bench/judge_cv.py).
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

TRAINSET10 = Path(__file__).resolve().parents[2] / "fixtures" / "trainset10"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.95, 0.95),  # round 10 (r10-nk rules, round 9's judge): 1.000 / 1.000 (0.960 / 1.000 before)
    "north-korea": (0.91, 0.96),
    "cybercrime": (0.90, 0.90),
}

TestTrainset10 = set_checks(
    TRAINSET10, FLOOR, Shape(at_least=140, negatives=70, per_topic=18, indonesian_share=0.31), blind=False
)


def test_the_judge_learns_from_it():
    """Listed under the judge's `train:` in round 9: leaving each writer set out, the other 19 sets' pooled errors
    fell 85 -> 82 with it (tests/bench/judge_cv.py --configs h9d9,h9d9t10)."""
    assert judge_learns_from(TRAINSET10) is True
