"""The shipped rules on the third held-out set: floors per topic.

tests/fixtures/heldout3/ (185 articles: 105 Indonesian, 30 English, 24
Vietnamese, 26 Korean) was written BLIND from the topic definitions in
rules/README.md by a helper who never read the rules, in outlets' real shapes,
with the hard negatives and hard positives of issue 11 (denied attacks,
hackathons, names and brands that carry "ASEAN", North Korea in a list, crimes
told without their name). During round 2 of issue 11 it stayed blind: only
the aggregate figures per topic were looked at, before and after.

Round 2, scored BEFORE any rule or engine change (precision/recall/F1):

    asean        0.741 / 1.000 / 0.851   (tp 20, fp 7, fn 0)
    cybercrime   0.667 / 0.679 / 0.673   (tp 38, fp 19, fn 18)
    north-korea  0.889 / 1.000 / 0.941   (tp 24, fp 3, fn 0)

Round 2, AFTER the engine learnt denials, other senses and salience and the
rules were tuned on tests/fixtures/devset3/ (measured once on this set, not
tuned on it; the honest estimate for unseen news at the time):

    asean        0.833 / 1.000 / 0.909   (tp 20, fp 4, fn 0)
    cybercrime   0.855 / 0.839 / 0.847   (tp 47, fp 8, fn 9)
    north-korea  1.000 / 1.000 / 1.000   (tp 24, fp 0, fn 0)

Round 3: this set BECAME A DEVELOPMENT SET. Its mistakes were read, and for
each one the general cause was fixed from the topic definitions in all four
languages (denial reach per language and denials after the noun, headlines of
another sense, ethical hacking and figurative "meretas", brand and comparison
cues, teaser lines, charges under cybercrime laws, scam compounds, task scams,
account takeover, sold data, accent-sensitive Vietnamese terms), never by
copying a text. TUNED ON, so no longer an estimate for unseen news:

    asean        1.000 / 1.000 / 1.000   (tp 20, fp 0, fn 0)    tuned on
    cybercrime   1.000 / 1.000 / 1.000   (tp 56, fp 0, fn 0)    tuned on
    north-korea  1.000 / 1.000 / 1.000   (tp 24, fp 0, fn 0)    tuned on

The floor below is that minus a margin of about one article, so an edit that
loses what was fixed fails here. The next blind set (heldout4) is the
estimate for unseen news. Do not edit the texts or labels to make a rule pass.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

HELDOUT3 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout3"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.95, 0.95),
    "north-korea": (0.95, 0.95),
    "cybercrime": (0.97, 0.97),
}


# A failure lists the mistakes.
TestHeldout3 = set_checks(
    HELDOUT3, FLOOR, Shape(at_least=160, negatives=70, per_topic=20, indonesian_share=0.55), blind=False
)
