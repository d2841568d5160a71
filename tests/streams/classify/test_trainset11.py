"""The shipped rules and judge on trainset11, teaching text written in round 10: floors per topic.

tests/fixtures/trainset11/ (140 articles: t-a.yaml 45 Indonesian and 25
English; t-b.yaml 35 Korean and 35 Vietnamese; 50 with no topic; cybercrime
44, north-korea 30, asean 27) was written in round 10 by two helpers who read only the topic definitions of issue
11 (never the rules, the judge or any set), as text to TEACH the judge what
the topics look like told in unexpected words: a victim's loss, a charge
sheet, a regulator's notice, a hospital's locked servers, crypto jargon, North
Korea by its ports, its state media or RRDK, ASEAN by AICHR, ADMM, AMRO or "the
regional grouping"; beside the same words in other senses (a football
"bobol", vote-buying "serangan fajar", an ASEAN housing estate, South Korea
alone, 북한산 the mountain, Triều Tiên the old kingdom).

Nobody tuned for it, so it is also a measurement of hard unseen text. Scored
once as written on round 9's rules and judge (b57e268) and on round 10's
(main eea3e08): the same, precision / recall:

    asean        1.000 / 1.000   (tp 27, fp 0, fn 0)
    cybercrime   0.976 / 0.932   (tp 41, fp 1, fn 3)
    north-korea  0.968 / 1.000   (tp 30, fp 1, fn 0)

Rules alone: asean 0.964 / 1.000, cybercrime 0.952 / 0.909, north-korea
0.909 / 1.000. The three cybercrime misses are all in t-a: crimes told in
crypto jargon and by a hacker group's name alone, the next round's work.

The floor is that figure minus a margin of about one article. It is not yet
in the judge's training (round 10 had no time to weigh it by leaving each
writer set out, tests/bench/judge_cv.py).
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

TRAINSET11 = Path(__file__).resolve().parents[2] / "fixtures" / "trainset11"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.96, 0.96),
    "north-korea": (0.96, 0.96),  # round 11, after r11-nk: 1.000 / 1.000 (a drama review's FP gone; 0.968 before)
    "cybercrime": (0.95, 0.9),
}

TestTrainset11 = set_checks(
    TRAINSET11,
    FLOOR,
    Shape(at_least=140, negatives=50, per_topic=27, indonesian_share=0.32),
    blind=False,
)


def test_the_judge_does_not_learn_from_it_yet():
    """Not under the judge's `train:` until leaving each writer set out says it helps."""
    assert judge_learns_from(TRAINSET11) is False
