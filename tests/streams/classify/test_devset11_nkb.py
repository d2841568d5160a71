"""The shipped rules on r11-nkb's part of the eleventh development set (round 11): floors per topic.

tests/fixtures/devset11/nkb.yaml (ids d11-nkb-NNN) was written in round 11 by
r11-nkb after reading the north-korea and asean mistakes over every
tests/fixtures folder (rules and judge, and the rules alone), one KIND per
group, in other words than those sets' and in all four languages, BEFORE the
rules were changed. The folder is shared with other tuners: only d11-nkb- ids
are scored here.

    nk-spy-jargon   a Seoul spy verdict told by the party's spy bureau
                    (문화교류국, 225국, the Cultural Exchange Bureau), its agents,
                    directives and the National Security Law, without 북한
    nk-sanctions    ship-to-ship transfers and dark tankers told by the UN
                    resolutions by number (2397, 2270), the 1718 Committee, the
                    Multilateral Sanctions Monitoring Team (MSMT)
    nk-it-workers   IT workers under false identities, laptop farms, the
                    "Chollima" and "Sleet" names of its hacker groups
    nk-sites        풍계리, 영변, 동창리; state media and propaganda bodies by
                    their full names (Uriminzokkiri, the Korean Central News Agency)
    nk-not-news     a Chinese spy case in Korea in the same jargon, Russia's and
                    Iran's dark fleets, a job-identity fraud ring, a [리뷰] of a
                    film about soldiers of the two sides, the Joseon dynasty, a
                    weekly calendar's one line, the South's own missile, a play
                    called Chollima
    asean-unnamed   Timor-Leste's accession told from Dili (Timor Leste, Đông
                    Timor, 동티모르), the Treaty of Amity and Cooperation,
                    SEANWFZ, ZOPFAN, 동아시아정상회의, Hội nghị Cấp cao Đông Á,
                    the Chiang Mai Initiative
    asean-not-bloc  Mekong-Lancang, BIMSTEC, APEC in Gyeongju, the Shangri-La
                    Dialogue, the China-Japan-Korea summit, a calendar line, a
                    Southeast Asian market report and food festival

Figures, precision / recall (rules and judge; rules alone in brackets), 44 articles:

    main 1536d69:    asean        0.750 / 0.600 (0.833 / 0.500)
                     north-korea  0.889 / 0.500 (0.857 / 0.375)
                     cybercrime   1.000 / 1.000 (1.000 / 0.800)
    after r11-nkb:   asean        0.909 / 1.000 (1.000 / 1.000)
                     north-korea  1.000 / 1.000 (1.000 / 1.000)

The one mistake left (d11-nkb-034, BIMSTEC's summit) is the judge's: the rules
alone leave it out. The after figures are fitted, not estimates for unseen
news. The floor is the figure minus a margin of about one article. Do not edit
the texts or labels to make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pantau.streams.classify.corpus import CorpusItem, Evaluation, load_corpus
from tests.streams.classify.heldout import Shape, assert_floor, assert_shape, evaluate_shipped

DEVSET11 = Path(__file__).resolve().parents[2] / "fixtures" / "devset11"
PREFIX = "d11-nkb-"

FLOOR = {
    "asean": (0.83, 0.90),  # round 11, after r11-nkb: 0.909 / 1.000 (10 positives; 0.750 / 0.600 before)
    "north-korea": (0.93, 0.93),  # round 11, after r11-nkb: 1.000 / 1.000 (16 positives; 0.889 / 0.500 before)
}
SHAPE = Shape(at_least=40, negatives=16, per_topic=10)


@cache
def _items() -> tuple[CorpusItem, ...]:
    return tuple(item for item in load_corpus(DEVSET11) if item.id.startswith(PREFIX))


@cache
def _evaluation() -> Evaluation:
    return evaluate_shipped(list(_items()))


class TestDevset11Nkb:
    def test_set_has_its_promised_shape(self) -> None:
        assert_shape(
            list(_items()),
            at_least=SHAPE.at_least,
            languages=SHAPE.languages,
            indonesian_share=SHAPE.indonesian_share,
            negatives=SHAPE.negatives,
            per_topic=SHAPE.per_topic,
            topics=FLOOR,
        )

    @pytest.mark.parametrize("topic", sorted(FLOOR))
    def test_topic_meets_its_floor(self, topic: str) -> None:
        assert_floor(_evaluation(), topic, FLOOR[topic], blind=False)
