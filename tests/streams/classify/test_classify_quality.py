"""The shipped rules on real seed articles and on the labelled fixture corpus."""

from __future__ import annotations

import pytest
from conftest import CORPUS, make_article
from ruamel.yaml import YAML

from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify.corpus import load_corpus


@pytest.fixture(scope="module")
def shipped():
    return load_ruleset(default_rules_dir())


def test_every_seed_gets_exactly_its_expected_topics(seeds_dir, shipped):
    index = YAML(typ="safe").load((seeds_dir / "index.yaml").read_text(encoding="utf-8"))
    assert index
    for entry in index:
        text = (seeds_dir / entry["file"]).read_text(encoding="utf-8")
        got = shipped.classify(
            make_article(text, title=entry.get("title") or "", language=entry.get("language"))
        ).topics
        assert got == tuple(sorted(entry["expected_topics"])), entry["file"]


ITEMS = load_corpus(CORPUS)


def test_corpus_is_large_and_multilingual():
    assert len(ITEMS) >= 80
    assert {i.language for i in ITEMS} == {"id", "en", "vi", "ko"}
    assert sum(1 for i in ITEMS if not i.topics) >= 30


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_corpus_item_classifies_as_labelled(item, shipped):
    assert shipped.classify(item.article()).topics == tuple(sorted(item.topics))


def test_mistakes_on_lists_only_the_items_wrong_for_that_topic():
    from pantau.streams.classify.corpus import CorpusItem, Evaluation

    wrong_nk = CorpusItem(id="a", language="en", title="t", topics=["north-korea"])
    wrong_asean = CorpusItem(id="b", language="en", title="t", topics=[])
    result = Evaluation(mistakes=[(wrong_nk, ("north-korea",), ()), (wrong_asean, (), ("asean",))])
    assert result.mistakes_on("north-korea") == ["a: want ['north-korea'] got []"]
    assert result.mistakes_on("asean") == ["b: want [] got ['asean']"]
    assert result.mistakes_on("cybercrime") == []
