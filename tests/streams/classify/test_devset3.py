"""The shipped rules on the third development set: floors per topic.

tests/fixtures/devset3/ (149 articles: 80 Indonesian, 24 English, 22
Vietnamese, 23 Korean) was written BLIND from the topic definitions in
rules/README.md by a helper who never read the rules, in outlets' real shapes
(datelines, captions, "Baca juga" teasers, trailers, RSS one-liners). It is
full of the hard cases of issue 11: outages where the company denies an
attack, hackathons, ASEAN-branded hotels and cups, North Korea once in a list,
crimes told without their name (sextortion after a video call, an APK
"wedding invitation", a Telegram "daily profit" Ponzi, scam compounds, files
encrypted for a bitcoin ransom), and physical crimes with cyber-sounding verbs.

This is the DEVELOPMENT set of round 3: the rules were tuned on it (its twin,
tests/fixtures/heldout3/, was not looked at). Scored BEFORE any rule or engine
change (precision/recall/F1):

    asean        0.679 / 1.000 / 0.809   (tp 19, fp 9, fn 0)
    cybercrime   0.727 / 0.667 / 0.696   (tp 32, fp 12, fn 16)
    north-korea  0.739 / 1.000 / 0.850   (tp 17, fp 6, fn 0)

The engine then learnt denials, other senses and salience (issue 11) and the
rules gained vocabulary for crimes told without their name, written from the
topic definitions; AFTER, on this set: 1.00 / 1.00 for every topic. The floor
below is that minus a margin of about one article; since the rules were tuned
here, these are not estimates for unseen news (a blind set is; heldout3 was
until round 3). Do not edit the texts or labels to make a rule pass: add a new set instead.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET3 = Path(__file__).resolve().parents[2] / "fixtures" / "devset3"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.95, 0.95),
    "north-korea": (0.94, 0.94),
    "cybercrime": (0.97, 0.97),
}


# A failure lists the mistakes.
TestDevset3 = set_checks(
    DEVSET3, FLOOR, Shape(at_least=140, negatives=60, per_topic=15, indonesian_share=0.5), blind=False
)
