"""The shipped rules and judge on the ninth set, blind in round 8: floors per topic.

Opened as a development set in round 9 (its mistakes may now be read and
grouped into kinds; its texts and labels stay as written). The BEFORE and
AFTER figures below are its honest blind measurements of round 8.

tests/fixtures/heldout9/ (266 articles: 160 Indonesian = 60%, 36 English, 35
Vietnamese, 35 Korean; 151 with no topic) was written BLIND in round 8 by five
helpers who read only the topic definitions of issue 11 (never the rules, the
judge, the engine, any other set or test, and ran no classifier), one file per
writer, each with its own desk: Indonesian national wire, TV and print
newsrooms and their regional bureaus; Indonesian specialist desks and trade
media (banking and OJK, courts, campuses, religious media, agency press
releases); English-language global wires and papers writing about Asia;
Vietnamese outlets; Korean outlets. Each writer invented their own hard kinds
(at least 15, at most three articles of a kind, at most a third of kinds the
issue names): 북한산 and 북한강 in a weather roundup, "hack não" about an exam,
a fake mobile mast sending scam texts, gambling pages planted in village
websites, ASEAN called only 동남아시아국가연합 or "the regional grouping", a
typhoon name North Korea contributed, "pembajakan" of ships, and many more.

Scored BEFORE any change of round 8 (commit 468f3d4: the rules and judge of
round 7), precision / recall / F1:

    asean        0.970 / 0.941 / 0.955   (tp 32, fp 1, fn 2)
    cybercrime   0.866 / 0.921 / 0.892   (tp 58, fp 9, fn 5)
    north-korea  0.897 / 1.000 / 0.946   (tp 35, fp 4, fn 0)

The same commit's rules without the judge: asean 0.914 / 0.941, cybercrime
0.829 / 0.921, north-korea 0.833 / 1.000.

AFTER round 8 (commit 6c99968: the rules tuned by r8-rules with heldout8 and
breadth8 opened and a new devset8; the judge trained on every writer set but
this one, breadth8 and trainset9, with one featurisation pass and cybercrime
`alone` at 0.75), measured once:

    asean        0.970 / 0.941 / 0.955   (tp 32, fp 1, fn 2)
    cybercrime   0.924 / 0.968 / 0.946   (tp 61, fp 5, fn 2)
    north-korea  0.897 / 1.000 / 0.946   (tp 35, fp 4, fn 0)

The same commit's rules without the judge: asean 0.914 / 0.941, cybercrime
0.831 / 0.937, north-korea 0.833 / 1.000. So on text nobody tuned for the
round took away four cybercrime false alarms and caught three more cybercrime
stories, nearly all through the judge (the rules alone moved by two catches);
asean and north-korea did not move, and north-korea's precision (four false
alarms of 39 alerts, three of them vetoed from the rules' seven) is now the
widest gap to 0.95 on this set.

The floor is the AFTER figure minus a margin of about one article. Do not edit
the texts or labels. Until the judge is retrained with it, it stays out of the
judge's `train:` list (rules/judge/judge.yaml).
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

HELDOUT9 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout9"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.94, 0.91),
    "north-korea": (0.87, 0.97),
    "cybercrime": (0.91, 0.95),
}

# Opened in round 9: a failure names the articles it got wrong.
TestHeldout9 = set_checks(
    HELDOUT9, FLOOR, Shape(at_least=260, negatives=145, per_topic=30, indonesian_share=0.59), blind=False
)


def test_the_set_does_not_teach_the_judge_yet():
    """heldout9 stays out of the judge's `train:` list until the judge is retrained with it."""
    assert judge_learns_from(HELDOUT9) is False
