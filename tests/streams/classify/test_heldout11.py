"""The shipped rules and judge on the eleventh set, blind in round 10: floors per topic.

Opened as a development set in round 11 (its mistakes may now be read and
grouped into kinds; its texts and labels stay as written). The BEFORE and
AFTER figures below are its honest blind measurements of round 10.

tests/fixtures/heldout11/ (291 articles: 160 Indonesian = 55%, 36 English, 35
Vietnamese, 60 Korean; 132 with no topic; cybercrime 79, asean 52,
north-korea 52) was written BLIND in round 10 by six helpers who read only
the topic definitions of issue 11 (never the rules, the judge, the engine, any
other set or test, and ran no classifier), one file per writer, each with its
own desk: Indonesian national wire, TV and print newsrooms and their regional
bureaus (id-a); Indonesian specialist desks, local and trade media (id-b);
English-language wires and papers writing about Asia (en-a); Vietnamese
outlets (vi-a); Korean national outlets (ko-a) and regional, business and
government ones (ko-b). Unlike earlier rounds, most articles
are ordinary news of their desk, as a real stream is; about a third are hard,
of at least twelve kinds each writer invented (a victim's account without the
crime's words, a charge sheet's legal wording, a company's euphemism for
ransomware, North Korea told only by Bình Nhưỡng, RRDK or the Baekdu line, the
bloc told by AICHR, ASEANAPOL or "ten Southeast Asian states"; the other way,
an ASEAN-named football cup or company, a bank outage the bank says was no
attack, a campus capture-the-flag, North Gyeongsang, a K-drama set in the
North, BIMSTEC, ransom in an offline kidnapping, 북한산 the mountain). The
first Korean writer stalled at 12 articles, so a second wrote ko-b; then the
first finished too. Every late file (ko-a's last 23, ko-b, id-a's last 20) was
scored the same way in the same two checkouts, and all are kept: Korean is
heavier than planned and Indonesian 55% instead of 60%.

The lead froze the files and scored them once on the session's start commit
(b57e268: the rules and judge of round 9) and once after round 10's changes,
in separate checkouts. No tuner saw them.

BEFORE round 10 (b57e268), precision / recall:

    asean        1.000 / 0.981   (tp 51, fp 0, fn 1)
    cybercrime   0.951 / 0.987   (tp 78, fp 4, fn 1)
    north-korea  1.000 / 0.942   (tp 49, fp 0, fn 3)

The same commit's rules without the judge:

    asean        0.962 / 0.981   (tp 51, fp 2, fn 1)
    cybercrime   0.939 / 0.975   (tp 77, fp 5, fn 2)
    north-korea  1.000 / 0.923   (tp 48, fp 0, fn 4)

AFTER round 10 (d3e28fd: r10-nk's north-korea and asean rules (salience
other_names, the bloc told by periphrasis), r10-cyber's cybercrime rules
(corrections taken back, editorials, identity misused, cyber law); the judge
of round 9 unchanged; the late files on main 7bf5fb9, the same rules),
measured once:

    asean        1.000 / 0.981   (tp 51, fp 0, fn 1)
    cybercrime   0.951 / 0.987   (tp 78, fp 4, fn 1)
    north-korea  1.000 / 0.981   (tp 51, fp 0, fn 1)

The same rules without the judge: asean 0.962 / 0.981, cybercrime 0.939 /
0.975, north-korea 1.000 / 0.962 (tp 50, fp 0, fn 2).

So round 10's north-korea rules caught two more stories here, and every
topic is at 0.95 or better (cybercrime precision just: 0.951). The set holds
more ordinary news than heldout10, whose hard kinds had left recall at
0.89-0.91 under round 9's rules. Read together (557 blind articles, round 9's
rules and judge): asean 0.988 / 0.952, cybercrime 0.957 / 0.943, north-korea
0.976 / 0.930.

The floor is the AFTER figure minus a margin of about one article. Do not edit
the texts or labels. Round 11 may read its mistakes and tune on their kinds;
heldout12 measures blind in its place.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

HELDOUT11 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout11"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.97, 0.98),  # round 11, after r11-nk: 1.000 / 1.000 (52 positives; recall 0.981 before)
    "north-korea": (0.97, 0.98),  # round 11, after r11-nk: 1.000 / 1.000 (52 positives; recall 0.981 before)
    "cybercrime": (0.93, 0.97),
}

# A development set since round 11: a failure lists the mistakes.
TestHeldout11 = set_checks(
    HELDOUT11, FLOOR, Shape(at_least=290, negatives=130, per_topic=50, indonesian_share=0.54), blind=False
)


def test_the_set_does_not_teach_the_judge_yet():
    """Round 11 weighed teaching it (tests/bench/judge_cv.py --configs r11base,h11): the other folds' errors rose
    37 -> 39 (cybercrime), so heldout11 stays out of `train:` for now."""
    assert judge_learns_from(HELDOUT11) is False
