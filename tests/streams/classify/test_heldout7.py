"""The shipped rules and judge on the seventh blind set: floors per topic.

tests/fixtures/heldout7/ (266 articles: 160 Indonesian = 60%, 36 English, 35
Vietnamese, 35 Korean; 151 with no topic) was written BLIND in round 6 by five
helpers who read only the topic definitions of issue 11 (never the rules, the
judge, the engine, any other set or test, and ran no classifier), one file per
writer, each with an emphasis so the set is varied: Indonesian regional and
metro desks, Indonesian national desks (economy, tech, politics, opinion,
press releases), English-language outlets and wires of the region, Vietnamese
outlets, Korean outlets. As in heldout6, each writer invented their own hard
kinds (at least 15, at most three articles of a kind, at most a third of kinds
the issue names): a QR sticker swapped on a charity box, an insider editing
core-banking balances told in court legalese, a fake base station in a car,
"the 11-member grouping", ADMM-Plus, 북한산 and 북콘서트, "phía Bắc", a
stock-exchange filing describing ransomware without the word, and many more.

Scored BEFORE any change of round 6 (commit 48f89c5: the rules and judge of
round 5), precision / recall / F1:

    asean        0.935 / 1.000 / 0.967   (tp 29, fp 2, fn 0)
    cybercrime   0.866 / 0.879 / 0.872   (tp 58, fp 9, fn 8)
    north-korea  0.941 / 0.970 / 0.955   (tp 32, fp 2, fn 1)

The same commit's rules without the judge: asean 0.903 / 0.966, cybercrime
0.844 / 0.818, north-korea 0.914 / 0.970.

AFTER round 6 (the rules tuned by r6-rules with heldout6 opened and a new
devset6; the judge trained on every writer set except this one, with bars
chosen by leave-one-writer-set-out cross-validation), measured once on commit
200a75d:

    asean        0.935 / 1.000 / 0.967   (tp 29, fp 2, fn 0)
    cybercrime   0.891 / 0.864 / 0.877   (tp 57, fp 7, fn 9)
    north-korea  0.970 / 0.970 / 0.970   (tp 32, fp 1, fn 1)

The same commit's rules without the judge: asean 0.903 / 0.966, cybercrime
0.844 / 0.818, north-korea 0.941 / 0.970. So on text nobody tuned for the
round gained north-korea precision (two false alarms to one) and cybercrime
precision (nine to seven), lost one cybercrime catch, and left asean as it
was; the rules' new kinds (devset6) did not reach this set's cybercrime
kinds, and the judge did the rest. Cybercrime stays well short of 0.95.

The floor is the AFTER figure minus a margin of about one article. Do not edit
the texts or labels, do not tune on this set's mistakes, and do not list it
under the judge's `train:` (rules/judge/judge.yaml): it becomes a development
set next round, when a new blind set measures again.

Round 7, r7-rules (heldout7 opened as a development set; its mistakes grouped
into kinds, each written anew in tests/fixtures/devset7 before the fix):
an opinion frame (column, essay, satire), an impostor claiming an institution
by a call, a text or an email with the money gone, the payment machinery
tampered with (a card copier, a covered QR code, balances edited), more
obituary cues. Rules and the round-6 judge:

    cybercrime   0.891 / 0.864  ->  0.938 / 0.924   (tp 61, fp 4, fn 5)
    north-korea unchanged

Second landing (asean: a membership word alone is not the bloc at work,
"the ASEAN way" as an idiom, "hợp tác xã" a cooperative):

    asean        0.935 / 1.000  ->  1.000 / 1.000   (tp 29, fp 0, fn 0)

Rules alone: cybercrime 0.844 / 0.818 -> 0.922 / 0.894, asean 0.903 / 0.966
-> 0.966 / 0.966. Tuned with the set in view: not an estimate for unseen news.

Opened as a development set in round 7: r7-judge lists it under the judge's
`train:` (with devset7), so its figures here measure fitting, not generalising.
Its honest judge figures are the leave-one-writer-set-out fold of
tests/bench/judge_cv.py (the judge trained on every other set, the rules of
main 4ece201 before r7-rules): asean 0.935 / 1.000, cybercrime 0.894 / 0.894
(tp 59, fp 7, fn 7; round 6's judge in the same place 0.891 / 0.864),
north-korea 0.971 / 1.000. With r7-rules' rules and the judge trained on it
(fitted; floors one article under):

    asean        0.935 / 1.000  ->  1.000 / 1.000   (tp 29, fp 0, fn 0)
    cybercrime   0.938 / 0.924  ->  0.943 / 1.000   (tp 66, fp 4, fn 0; veto 0.1)
    north-korea  0.971 / 1.000  ->  0.971 / 1.000   (tp 33, fp 1, fn 0)
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

HELDOUT7 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout7"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.96, 0.96),  # r7-judge, trained on it: 1.000 / 1.000
    "north-korea": (0.97, 0.96),  # round 9 (r9-nk rules, round 8's judge): 1.000 / 1.000
    "cybercrime": (0.93, 0.98),  # r7-judge, trained on it: 0.943 / 1.000
}

# Fails without naming articles: the set stays blind.
TestHeldout7 = set_checks(
    HELDOUT7, FLOOR, Shape(at_least=260, negatives=145, per_topic=28, indonesian_share=0.59), blind=True
)


def test_opened_in_round_7_the_set_now_teaches_the_judge():
    """Opened as a development set in round 7: the judge learns from it (a new blind set measures instead)."""
    assert judge_learns_from(HELDOUT7) is True
