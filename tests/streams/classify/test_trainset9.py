"""The shipped rules and judge on trainset9, the cybercrime-boundary text of round 8.

tests/fixtures/trainset9/ (140 articles: t-a.yaml 70 Indonesian; t-b.yaml 25
English, 25 Vietnamese, 20 Korean; 71 with no topic; cybercrime 50,
north-korea 14, asean 12) was written in round 8 by two helpers who read only
the topic definitions of issue 11 (never the rules, the judge or any set), as
text to TEACH the judge where cybercrime ends: about two thirds of it sits on
that boundary, crimes told in everyday words (an OTP taken by a fake courier, a
lookalike escrow site, a water utility's files locked for a crypto ransom, a
transfer fee lost to an impostor email, a "son" on a faked video call) beside
stories that only share their words (a goal "dibobol", copper cable stolen from
a tower, a phishing drill, authorised break-in tests at banks, a breach claim
that was recycled old data, a storm that "tấn công" the coast).

Scored once as written, BEFORE any change of round 8 (commit 468f3d4: the
rules and judge of round 7), precision / recall:

    asean        0.923 / 1.000   (tp 12, fp 1, fn 0)
    cybercrime   0.939 / 0.920   (tp 46, fp 3, fn 4)
    north-korea  1.000 / 1.000   (tp 14, fp 0, fn 0)

Rules alone: asean 0.923 / 1.000, cybercrime 0.918 / 0.900, north-korea
1.000 / 1.000. Per file, cybercrime: t-a 0.960 / 0.960, t-b 0.917 / 0.880.
AFTER round 8 (commit 6c99968), measured once: cybercrime 0.923 / 0.960 (tp 48,
fp 4, fn 2), rules alone 0.940 / 0.940; asean and north-korea unchanged.
r8-judge scored it as a fold of tests/bench/judge_cv.py and left it out of the
judge's `train:` list, so it still measures text nobody tuned for (t-b landed
after round 8's tuning).

The floor is the lower of BEFORE and AFTER minus a margin of about one article.

Not added to the judge's `train:` (round 8, r8-judge): leaving each writer set
out over the 15 other sets (the rules of main 2f5e0e2, breadth8 never learned
from), with trainset9's first file (t-a; t-b came later and was not weighed)
in every fold's training the pooled cybercrime figures
went from tp 1190, fp 32, fn 27 to 1188 / 33 / 29 (heldout8's fold 64/9/4 ->
63/8/5, devset8's 36/7/10 -> 36/8/10; asean and north-korea unchanged): no gain.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

TRAINSET9 = Path(__file__).resolve().parents[2] / "fixtures" / "trainset9"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.92, 0.91),  # round 9 (r9-nk rules, round 8's judge): 1.000 / 1.000
    "north-korea": (0.93, 0.92),
    "cybercrime": (0.90, 0.90),
}

TestTrainset9 = set_checks(
    TRAINSET9, FLOOR, Shape(at_least=140, negatives=70, per_topic=12, indonesian_share=0.49), blind=False
)


def test_the_judge_does_not_learn_from_it_cv_showed_no_gain():
    """Leave-one-set-out CV with and without it in training: no gain on the other sets, so it stays out."""
    assert judge_learns_from(TRAINSET9) is False
