"""The shipped rules on the fifth development set (round 5): floors per topic.

tests/fixtures/devset5/ holds one file per KIND of mistake read in heldout5,
each written in other words than heldout5's, in at least three languages,
and scored BEFORE the rules were changed for it (rules of main 9531baa);
then the kind was fixed and the file re-scored. Salience tuner's kinds
(asean, north-korea), precision / recall:

    asean-no-bloc   ASEAN as a region, a market, a brand or a venue, with no bloc business
                    asean        0.476 / 1.000 -> 1.000 / 1.000   (negatives alerted 11 of 13 -> 0)
    dprk-passing    North Korea once past the first paragraph, in a numbered list, at the
                    bottom of a ranking, in a coach's fixture; places instead of the name
                    north-korea  0.400 / 0.750 -> 1.000 / 1.000   (9 of 10 -> 0; 6 of 8 -> 8)

The fixes are mechanisms more than words: asean-named needs the bloc at work
(a summit, ministers, the secretariat, an agreement, members: @bloc_frame)
next to the name, and salience counts only the bloc's names as mentions; the
north-korea lead ends with the first paragraph (salience lead_paragraphs);
North Korea's cities count in a title or with a second mention.

These AFTER figures were tuned with the set in view: they are not estimates
for unseen news. The floor is the AFTER figure minus a margin of about one
article. Do not edit the texts or labels to make a rule pass: write a new
batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET5 = Path(__file__).resolve().parents[2] / "fixtures" / "devset5"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.90, 0.90),
    "north-korea": (0.88, 0.87),
}


# A failure lists the mistakes.
TestDevset5 = set_checks(
    DEVSET5, FLOOR, Shape(at_least=40, negatives=20, per_topic=8, indonesian_share=0.3), blind=False
)
