"""The shipped rules on a second held-out set, written blind: floors per topic.

tests/fixtures/heldout2/ (63 articles: 37 Indonesian, 10 English, 8
Vietnamese, 8 Korean) was written BLIND, before its author read rules/*.yaml,
the fixture corpus or the first held-out set. The articles are long, as a
feed's full text carries them: datelines, photo captions, "Baca juga" lines,
editor credits, stories where the topic is secondary (a parliament hearing
that touches on judi online, an ASEAN Regional Forum statement on North
Korea), and hard negatives typical of Indonesian news (HMPV "virus", a
football "serangan balik", a pest "serangan", "meretas jalan" as a metaphor,
a Korean drama about a hacker, OJK licensing of legal online lenders, the
ASEAN Para Games and the AFF Cup).

Scored BEFORE any rule change (precision/recall): asean 1.00/1.00,
north-korea 1.00/1.00, cybercrime 0.92/0.83 (missed: a ransom demanded for a
locked data centre with no word "ransomware", a deepfake "rekayasa
kecerdasan buatan" investment pitch, sextortion "melalui sistem elektronik",
a robot-trading app, a Vietnamese "chiếm đoạt tài sản qua mạng"; false
alarms: "meretas jalan" and a drama series about a hacker). The rules were
then changed for the topic (ransom next to data or servers, sham investments
sold online, the Vietnamese legal phrase, metaphor and fiction exclusions),
reaching 1.00/1.00 on every topic; the floor is that minus a margin of about
two articles. Those AFTER figures were reached on text the rules were tuned
with; the BEFORE figures are the honest estimate for unseen news. Do not edit
the texts or labels to make a rule pass: add a new file instead.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

HELDOUT2 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout2"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.88, 0.88),
    "north-korea": (0.9, 0.9),
    "cybercrime": (0.93, 0.9),
}


# A failure lists the mistakes.
TestHeldout2 = set_checks(
    HELDOUT2, FLOOR, Shape(at_least=50, negatives=15, per_topic=8, indonesian_share=0.55), blind=False
)
