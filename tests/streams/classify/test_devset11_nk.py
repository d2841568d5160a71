"""The shipped rules on r11-nk's part of the eleventh development set (round 11): floors per topic.

tests/fixtures/devset11/nk.yaml was written in round 11 by r11-nk after reading
the north-korea and asean mistakes of heldout11 (a spy verdict told by the
North's spy unit and its orders, 문화교류국 and 지령문; Timor-Leste's accession
told from Dili's streets as "the 11th family"), trainset11 (a drama review with
a border guard as its hero) and heldout8, one KIND per group, in other words
than those sets' and in all four languages, BEFORE the rules were changed.
The folder is shared (r11-cyber writes devset11/cyber.yaml): this module reads
the d11-nk- ids only.

    nk-spy-jargon     a spy trial told by the handler's unit (the Cultural
                      Exchange Bureau in en, id, vi, ko) and the National
                      Security Act's offences, the North never named
    nk-by-its-deeds   trash balloons (ko, en, id, vi), a boat of people asking
                      to come South (귀순), the nuclear and launch sites in
                      Korean and by their lesser-known names (풍계리, Kangson,
                      Tongchang-ri), its state TV, its officials, its corps in
                      Kursk, the US-North summit (북미 정상회담), the 9.19 accord
    nk-not-news       a Chinese spy case (간첩, 공작원, 지령), a Russian ring under
                      Britain's National Security Act, Britain's and
                      Australia's Labour parties (노동당, Partai Buruh), the North
                      American market (북미 시장), north of the Han (한강 이북),
                      Vietnam's People's Army, a drama review, a balloon festival
    asean-unnamed     Timor-Leste's accession as 동티모르, Đông Timor, Timor
                      Leste; the region's leaders (동남아 국가 정상들) and its
                      ministers by portfolio (Menteri Ekonomi Asia Tenggara,
                      bộ trưởng quốc phòng các nước Đông Nam Á)
    asean-not-bloc    Timor-Leste's coffee, medal and bilateral visit; the
                      region's leaders met one by one at APEC; a food fair; a
                      minister at a Southeast Asian travel fair

Figures, precision / recall (rules and judge; rules alone in brackets), 44
articles, 20 north-korea and 7 asean positives:

    main 1536d69 (before):   asean        1.000 / 0.714 (1.000 / 0.429)
                             north-korea  0.833 / 0.250 (0.857 / 0.300)
    after r11-nk:            asean        1.000 / 1.000 (1.000 / 1.000)
                             north-korea  1.000 / 0.900 (1.000 / 1.000)

The two north-korea misses after are the judge's (d11-nk-010 Kangson, d11-nk-019
Punggye-ri named in a two-line brief: the rules match both); rules/judge/ is the
lead's. The after figures are fitted, not estimates for unseen news. The floor
is the figure minus a margin of about one article. Do not edit the texts or
labels to make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pantau.streams.classify.corpus import CorpusItem, Evaluation, load_corpus
from tests.streams.classify.heldout import assert_floor, assert_shape, evaluate_shipped

DEVSET11 = Path(__file__).resolve().parents[2] / "fixtures" / "devset11"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.87, 0.85),  # round 11, after r11-nk: 1.000 / 1.000 (7 positives; 1.000 / 0.714 before)
    "north-korea": (0.94, 0.85),  # round 11, after r11-nk: 1.000 / 0.900 (20 positives; 0.833 / 0.250 before)
}


@cache
def _mine() -> tuple[CorpusItem, ...]:
    return tuple(i for i in load_corpus(DEVSET11) if i.id.startswith("d11-nk-"))


@cache
def _evaluation() -> Evaluation:
    return evaluate_shipped(list(_mine()))


def test_the_nk_file_has_its_promised_shape():
    assert_shape(
        list(_mine()),
        at_least=44,
        languages={"id", "en", "vi", "ko"},
        negatives=17,
        per_topic=7,
        topics=FLOOR,
    )


@pytest.mark.parametrize("topic", sorted(FLOOR))
def test_topic_meets_its_floor(topic: str):
    assert_floor(_evaluation(), topic, FLOOR[topic], blind=False)
