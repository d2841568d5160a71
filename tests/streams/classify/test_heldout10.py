"""The shipped rules and judge on the tenth set, blind in round 9: floors per topic.

Opened as a development set in round 10 (its mistakes may now be read and
grouped into kinds; its texts and labels stay as written). The BEFORE and
AFTER figures below are its honest blind measurements of round 9.

tests/fixtures/heldout10/ (266 articles: 160 Indonesian = 60%, 36 English, 35
Vietnamese, 35 Korean; 152 with no topic) was written BLIND in round 9 by five
helpers who read only the topic definitions of issue 11 (never the rules, the
judge, the engine, any other set or test, and ran no classifier), one file per
writer, each with its own desk: Indonesian national wire, TV and print
newsrooms and their regional bureaus; Indonesian specialist desks and trade
media (OJK, BI, BSSN, courts, campuses, church and religious media, gaming,
agriculture); English-language wires and papers writing about Asia;
Vietnamese outlets; Korean outlets. Each writer invented their own hard kinds
(at least 15, at most three articles of a kind, at most a third of kinds the
issue names), and this round gave north-korea and asean their full share:
North Korea told only as "RDRK", "CHDCND", 북측, "dari utara" or through Nampo
and Hyesan; the bloc told only as "perhimpunan", "the club", 동남아국가연합,
AIPA or its chair's special envoy; and, the other way, "Stasiun ASEAN", a
mock summit, an ASEAN-branded factory index, the actress 김정은, Malaysian
party "defectors", Joseon-era "Triều Tiên", vote-buying "serangan fajar",
a game patch closing an "exploit", QRIS stickers swapped on a donation box.

Scored BEFORE any change of round 9 (commit 5d33d6b: the rules and judge of
round 8), precision / recall / F1:

    asean        0.964 / 0.871 / 0.915   (tp 27, fp 1, fn 4)
    cybercrime   0.964 / 0.871 / 0.915   (tp 54, fp 2, fn 8)
    north-korea  0.914 / 0.941 / 0.928   (tp 32, fp 3, fn 2)

The same commit's rules without the judge:

    asean        0.857 / 0.774   (tp 24, fp 4, fn 7)
    cybercrime   0.963 / 0.839   (tp 52, fp 2, fn 10)
    north-korea  0.914 / 0.941   (tp 32, fp 3, fn 2)

AFTER round 9 (commit 33c1f83: r9-nk's north-korea and asean rules (title_alone_words,
in_lines, the bloc's bodies by acronym) and devset9; r9-rules' first cybercrime
frames; the judge trained with heldout9, devset9 and trainset10 as well), measured once:

    asean        0.966 / 0.903 / 0.933   (tp 28, fp 1, fn 3)
    cybercrime   0.965 / 0.887 / 0.924   (tp 55, fp 2, fn 7)
    north-korea  0.939 / 0.912 / 0.925   (tp 31, fp 2, fn 3)

The same commit's rules without the judge:

    asean        0.839 / 0.839   (tp 26, fp 5, fn 5)
    cybercrime   0.963 / 0.839   (tp 52, fp 2, fn 10)
    north-korea  0.939 / 0.912   (tp 31, fp 2, fn 3)

So on text nobody tuned for, round 9 caught one more asean and one more
cybercrime story and dropped one north-korea false alarm, but missed one
north-korea story more. Recall, not precision, is this set's gap: stories
told without the words the rules and the judge know.

Round 10, cybercrime (r10-cyber: corrections that keep or take back the crime,
editorials, identity misused for online loans, cybercrime law as the story,
defacement told, buyer's guides; the judge unchanged):

    cybercrime   0.965 / 0.887 -> 1.000 / 0.984   (tp 61, fp 0, fn 1)
    rules alone  0.963 / 0.839 -> 1.000 / 0.952   (tp 59, fp 0, fn 3)

(its one miss, h10-id-b-058, a cyber bill with criminal sanctions, is found by
rule cyber-law-made and vetoed by the judge at 0.07: the judge's to learn.)

The floor is the AFTER figure minus a margin of about one article. Do not edit
the texts or labels. Round 10 may read its mistakes, tune on their kinds and
teach it to the judge; heldout11 measures blind in its place.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

HELDOUT10 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout10"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.96, 0.96),  # round 10 (r10-nk rules, round 9's judge): 1.000 / 1.000 (0.966 / 0.903 before)
    "north-korea": (0.97, 0.97),  # round 10 (r10-nk rules, round 9's judge): 1.000 / 1.000 (0.939 / 0.912 before)
    "cybercrime": (0.98, 0.96),  # round 10 (r10-cyber): 1.000 / 0.984, one article under
}

# A development set since round 10: a failure lists the mistakes.
TestHeldout10 = set_checks(
    HELDOUT10, FLOOR, Shape(at_least=260, negatives=145, per_topic=30, indonesian_share=0.59), blind=False
)


def test_the_set_does_not_teach_the_judge_yet():
    """Round 10 weighed teaching it (tests/bench/judge_cv.py --configs r10base,h10): the other folds' errors rose
    43 -> 45 and the model alerted alone on rules/corpus en-31, so heldout10 stays out of `train:` for now."""
    assert judge_learns_from(HELDOUT10) is False
