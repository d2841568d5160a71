"""The shipped rules on held-out articles: a floor on per-topic precision and recall.

tests/fixtures/heldout/ was written to check that the rules generalise beyond
the fixture corpus they were written with (where precision and recall are 1.0
by construction):

- round 1 ({id,en,vi,ko}.yaml, 114 articles) was written BLIND, before anyone
  on the held-out work read rules/*.yaml or the corpus. The rules as they were
  then scored asean 1.00/1.00, north-korea 1.00/0.93 and cybercrime
  1.00/0.64 (precision/recall); the rules were then broadened for the topic
  (vocabulary, aliases, phrasings in four languages), never for one text.
- rounds 2, 3 and 4 (*-round2.yaml ...) were each written after the
  previous round of rule changes and scored before the next, to see how the
  changed rules did on text they had not been tuned on. Cybercrime scored
  1.00/0.60 on round 2, 0.78/0.50 on round 3 and 0.90/0.60 on round 4;
  asean was 1.00/1.00 every time and north-korea missed one article (an
  English report naming the country only as "the North"). That, not the
  floor below, is the honest estimate for unseen news: scams told as a story
  without the word "scam" are the weak spot.
- round 5 (*-round5.yaml, 26 articles) was written after the last rule change
  and left untouched: asean 1.00/1.00, north-korea 1.00/1.00, cybercrime
  1.00/0.89 (one breach report missed).

The floor is what the rules achieve on all 277 articles now (asean and
north-korea 1.00/1.00, cybercrime 0.99/0.95; 0.99/1.00 after issue 11's
round 3, which fixed the general causes of its last misses) minus a margin of a few articles, so a rule
edit that loses ground on unseen-style text fails here even when the corpus
still passes. Add new held-out articles as a new round file; do not edit the
texts or labels to make a rule pass.
"""

from __future__ import annotations

from pathlib import Path

from pantau.streams.classify.corpus import load_corpus
from tests.streams.classify.heldout import set_checks

HELDOUT = Path(__file__).resolve().parents[2] / "fixtures" / "heldout"
ROUND_ONE = ("id.yaml", "en.yaml", "vi.yaml", "ko.yaml")

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.95, 0.95),
    "north-korea": (0.95, 0.95),
    "cybercrime": (0.97, 0.97),
}


def test_blind_round_is_large_multilingual_and_has_hard_negatives():
    blind = [i for i in load_corpus(HELDOUT) if i.id.startswith("ho-")]
    assert {f"{i.language}.yaml" for i in blind} == set(ROUND_ONE)
    assert len(blind) >= 60
    assert sum(1 for i in blind if not i.topics) >= 25
    for topic in FLOOR:
        assert sum(1 for i in blind if topic in i.topics) >= 15, topic


TestHeldout = set_checks(HELDOUT, FLOOR, None, blind=False)  # shape: the round-one test above
