"""The judge alone on a batch (Judge.alone_many, one kernel call for every lead) against ``decide`` one by one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify import judge_features as jf
from pantau.streams.classify.corpus import load_corpus
from pantau.streams.classify.judge import _SCRATCH, ALONE_CHARS, Judge, _floor, article_text
from tests.streams.classify.conftest import make_article

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def judge() -> Judge:
    judged = load_ruleset(default_rules_dir()).judge
    assert judged is not None
    return judged


@pytest.mark.parametrize("name", ["heldout12", "heldout11", "devset3", "breadth8"])
def test_a_batch_gets_the_verdicts_of_one_by_one(name, judge):
    articles = [item.article() for item in load_corpus(FIXTURES / name)]
    topics = judge.topics
    batched = judge.alone_many(articles, topics)
    assert batched == [judge.decide(a, {}, topics) for a in articles]
    assert any(batched), "no article the judge holds alone: the exact path went untested"
    assert not _SCRATCH.counts.any()  # the counts are left all zero for the next text


def test_each_row_is_the_one_by_one_score_bit_for_bit(judge):
    texts = [
        article_text(make_article("Polisi menangkap peretas yang menjual data nasabah", title="Peretas ditangkap")),
        "",
        "İstanbul ÇAĞ 😀 end",
        "ransomware " * 200,
        "x" * 3000,
    ]
    models = judge._alone
    rows = jf.lead_scores(texts, ALONE_CHARS, models.table, models.bias, np.zeros(jf.WIDTH, dtype=np.int32))
    for text, row in zip(texts, rows, strict=True):
        assert row.tolist() == models.scores(jf.lead_grams(text, ALONE_CHARS)).tolist()
    assert judge.alone_many([], judge.topics) == []


@pytest.mark.parametrize("bar", [1e-30, 0.001, 0.15, 0.5, 0.8, 0.999, 1.0])
def test_a_score_under_the_floor_never_reaches_the_bar(bar):
    floor = _floor(bar)
    for z in (floor - 1.0, floor - 1e-9, max(-60.0, floor)):
        if z >= floor:
            continue
        assert 1.0 / (1.0 + np.exp(-max(-60.0, min(60.0, z)))) < bar
