"""The judge's compiled kernels (streams/classify/judge_kernel.py) against round 8's numpy implementation.

The shipped model was trained on round 8's features: the kernels must give the same feature indices bit for
bit, in the same order, on every labelled article we have, and the same scores to float rounding, so that
every verdict stays what it was (no retraining).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify import judge_features as jf
from pantau.streams.classify.corpus import CorpusItem, load_corpus
from pantau.streams.classify.judge import ALONE_CHARS, VETO_CHARS, Judge, article_text
from tests.streams.classify import judge_reference as ref

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SETS = sorted(d.name for d in FIXTURES.iterdir() if (d / "index.yaml").exists() or any(d.glob("*.yaml")))


def _items(name: str) -> list[CorpusItem]:
    try:
        return load_corpus(FIXTURES / name)
    except Exception:  # noqa: BLE001  (crosslang holds translation pairs, not a corpus)
        return []


@pytest.fixture(scope="module")
def judge() -> Judge:
    judged = load_ruleset(default_rules_dir()).judge
    assert judged is not None
    return judged


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@pytest.mark.parametrize("name", SETS)
def test_every_fixture_article_gets_round_8s_indices_scores_and_verdicts(name, judge):
    items = _items(name)
    if name != "crosslang":
        assert items, f"no articles read from {name}"
    for item in items:
        text = article_text(item.article())
        veto, lead = jf.grams_and_lead(text, VETO_CHARS, ALONE_CHARS)
        veto_ref, lead_ref = ref.grams(text, VETO_CHARS, lead=ALONE_CHARS)
        assert veto.tolist() == veto_ref.tolist()
        assert lead_ref is not None and lead.tolist() == lead_ref.tolist()
        alone = jf.lead_grams(text, ALONE_CHARS)
        assert alone.tolist() == ref.grams(text, ALONE_CHARS + 1, chars=False, lead=ALONE_CHARS)[1].tolist()
        assert jf.grams(text, VETO_CHARS).tolist() == veto_ref.tolist()
        for models, index, kind in ((judge._veto, veto, "veto"), (judge._alone, alone, "alone")):
            z = models.scores(index)
            z_ref = ref.scores(index, models.table, models.bias)
            assert z == pytest.approx(z_ref, abs=1e-4)
            for topic, column in models.column.items():
                bars = judge.thresholds[topic]
                bar = bars.veto if kind == "veto" else bars.alone
                assert (_sigmoid(z[column]) >= bar) == (_sigmoid(float(z_ref[column])) >= bar), (item.id, topic)


EDGES = [
    "Polisi MENANGKAP peretas! yang menjual data-pribadi, 북한 해커 tin tặc Việt Nam a b. É",
    "a",
    "!!",
    "",
    "  ",
    "a b",
    "İstanbul ÇAĞ 😀😀 end_of_line İİİİ",
    "ransomware " * 200,
    "x" * 3000,
    "Vie\u0302\u0323t nam",
]


@pytest.mark.parametrize("text", EDGES)
@pytest.mark.parametrize("cap", [1, 2, 5, 600, 1200, 5000])
@pytest.mark.parametrize("orders", [(2, 3, 4, 5), (3, 4, 5), (1, 2), (4,), ()])
def test_short_long_and_odd_texts_and_other_orders_match_round_8(text, cap, orders):
    chars = bool(orders)
    kernel = jf.grams(text, cap, chars=chars, orders=orders)
    assert kernel.tolist() == ref.grams(text, cap, chars=chars, orders=orders or (2,))[0].tolist()
    assert kernel.dtype == np.intp


@pytest.mark.parametrize("text", EDGES)
@pytest.mark.parametrize("lead", [0, 1, 3, 8, 600])
def test_the_lead_matches_round_8_wherever_it_cuts(text, lead):
    assert jf.lead_grams(text, lead).tolist() == ref.grams(text, lead + 1, chars=False, lead=lead)[1].tolist()
    for cap in (lead + 1, lead + 4, 1200):
        both = jf.grams_and_lead(text, cap, lead)
        expected = ref.grams(text, cap, lead=lead)
        assert both[0].tolist() == expected[0].tolist() and both[1].tolist() == expected[1].tolist()


def test_scoring_leaves_no_counts_behind_for_the_next_text(judge):
    first = jf.grams("ransomware ransomware menyerang bank", VETO_CHARS)
    second = jf.grams("KTT ASEAN di Jakarta", VETO_CHARS)
    alone = judge._veto.scores(second).tolist()
    judge._veto.scores(first)
    assert judge._veto.scores(second).tolist() == alone
    from pantau.streams.classify.judge import _SCRATCH

    assert not _SCRATCH.counts.any()
