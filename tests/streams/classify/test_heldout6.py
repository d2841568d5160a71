"""The shipped rules and judge on the sixth blind set: floors per topic.

tests/fixtures/heldout6/ (335 articles: 200 Indonesian = 60%, 45 English, 45
Vietnamese, 45 Korean; 194 with no topic) was written BLIND in round 5 by five
helpers who read only the topic definitions of issue 11 (never the rules, the
judge, the engine, any other set or test, and ran no classifier), one file per
writer, in outlets' real shapes. Unlike heldout5, the writers were given NO
list of hard kinds: they were asked to invent their own (at least 15 each, at
most three articles of a kind, at most a third of kinds the issue names), so
this set measures kinds nobody tuned for: "serangan fajar" (vote buying),
Joseon-era "Triều Tiên", 북한산 (a mountain), civilian rockets, fibre-cable
theft, court reports in statutory wording, SIM swaps told by their symptoms,
ASEAN told by its secretariat's address or Korean full name, and many more.

Scored BEFORE any change of round 5 (the rules of commit 9531baa, no judge),
precision / recall / F1:

    asean        0.863 / 1.000 / 0.926   (tp 44, fp 7, fn 0)
    cybercrime   0.800 / 0.845 / 0.822   (tp 60, fp 15, fn 11)
    north-korea  0.816 / 0.851 / 0.833   (tp 40, fp 9, fn 7)

AFTER round 5 (the rules tuned by two helpers who never saw this set, and the
judge trained on every labelled set except this one), measured once on commit
1074d68:

    asean        0.957 / 1.000 / 0.978   (tp 44, fp 2, fn 0)
    cybercrime   0.861 / 0.873 / 0.867   (tp 62, fp 10, fn 9)
    north-korea  0.900 / 0.957 / 0.928   (tp 45, fp 5, fn 2)

The same commit's rules without the judge: asean 0.917 / 1.000, cybercrime
0.836 / 0.859, north-korea 0.880 / 0.936. So of the round's gain on text
nobody tuned for, most came from the rules' new mechanisms (bloc framing,
passing mentions beside another topic, frames) and a smaller part from the
judge (two to one fewer false alarms per topic, one more catch each for
cybercrime and north-korea). Both are still short of the 0.95 target for
cybercrime and north-korea: the writers' own kinds (statutory wording,
symptoms instead of names, place names inside other words) are what the
next round must generalise to.

The floor is the AFTER figure minus a margin of about one article. Do not edit
the texts or labels, do not tune on this set's mistakes, and do not list it
under the judge's `train:` (rules/judge/judge.yaml): it becomes a development
set next round, when a new blind set measures again.

Opened as a development set in round 6. r6-rules grouped its mistakes into
kinds, wrote new articles of each kind (tests/fixtures/devset6/) before the
fix, and fixed the kinds by mechanism (a fiction frame for both topics, an
explainer / reader's question / obituary frame, a kin-impostor act+harm
rule, the IT-worker rule's halves, told- rules for a fake cell tower and
credential stuffing, a remote-control app told without its name, "dikira"
and "mistaken for" as denials, senses for a letter of assignment, a QR label, the
Joseon dynasty and a city's cold noodles, and dprk-launch-told: a ballistic
missile with the alarm abroad, the North unnamed). Figures on this set
after r6-rules' changes, with the round-5 judge (tuned with the set in view,
so not estimates), precision / recall:

    asean        0.957 / 1.000  ->  0.957 / 1.000
    cybercrime   0.861 / 0.873  ->  0.972 / 0.986   (rules alone 0.836 / 0.859 -> 0.932 / 0.972)
    north-korea  0.900 / 0.957  ->  0.958 / 0.979   (rules alone 0.880 / 0.936 -> 0.938 / 0.957)

r6-judge: the judge now learns from it too (listed under `train:`), so its
figures here measure fitting, not generalising. Its honest figures are the
round's leave-one-writer-set-out cross-validation (tests/bench/judge_cv.py), where
heldout6 is scored by a judge trained on every other set: with round 5's rules, cybercrime 0.861 / 0.873, north-korea
0.900 / 0.957, asean 0.957 / 1.000 (the judge's shipped design, C=10). With r6-rules' rules and
the judge trained on every set (this one and devset6 included): asean 0.957 / 1.000, cybercrime
0.986 / 0.986, north-korea 0.979 / 1.000 (fitted figures; floors one article under).
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

HELDOUT6 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout6"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.97, 0.97),  # round 10 (r10-nk rules, round 9's judge): 1.000 / 1.000 (0.957 / 1.000 before)
    "north-korea": (0.97, 0.97),  # round 9 (r9-nk rules, round 8's judge): 1.000 / 1.000
    "cybercrime": (0.97, 0.97),  # r7-judge (r7-rules' rules), trained on it: 0.986 / 1.000
}

# Fails without naming articles: the set stays blind.
TestHeldout6 = set_checks(
    HELDOUT6, FLOOR, Shape(at_least=330, negatives=190, per_topic=35, indonesian_share=0.59), blind=True
)


def test_opened_in_round_6_the_set_now_teaches_the_judge():
    """Opened as a development set in round 6: the judge learns from it (a new blind set measures instead)."""
    assert judge_learns_from(HELDOUT6) is True
