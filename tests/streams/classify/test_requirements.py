"""What a rule cannot match without (requirements.py): read off its items, and used to skip tests that would fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify.corpus import load_corpus
from pantau.streams.classify.query import parse_query
from pantau.streams.classify.requirements import holds, required_keys, requirements

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
KEYS = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}


def _needs(query: str) -> set[frozenset[int]]:
    node, _advice = parse_query(query)
    return set(required_keys(node, lambda leaf: (KEYS[leaf.text],)))  # type: ignore[union-attr]  # terms only


@pytest.mark.parametrize(
    ("query", "needed"),
    [
        ("a", {frozenset({1})}),
        ("a AND b", {frozenset({1}), frozenset({2})}),
        ("a OR b", {frozenset({1, 2})}),
        ("(a AND b) OR c", {frozenset({1, 3})}),  # one set per branch (the smallest), their union
        ("a AND (b OR c) AND NOT d", {frozenset({1}), frozenset({2, 3})}),
        ("a NEAR/3 (b OR c)", {frozenset({1}), frozenset({2, 3})}),
        ("title:a AND content:b", {frozenset({1}), frozenset({2})}),
        ("NOT a", set()),
        ("a OR NOT b", set()),  # a branch that needs no term: neither does the OR
        ("a OR topic:cybercrime", set()),
        ("regex:/x+/ AND e", {frozenset({5})}),
    ],
)
def test_required_keys_are_read_off_the_query(query, needed):
    assert _needs(query) == needed


def test_requirements_drop_repeats_smallest_first_and_hold_only_when_every_set_is_hit():
    required = requirements([frozenset({2, 3}), frozenset({1}), frozenset({2, 3})])
    assert required == (frozenset({1}), frozenset({2, 3}))
    assert holds(required, {1: [], 3: []})
    assert not holds(required, {2: [], 3: []})
    assert holds((), {})


RULES = """
rules:
  - id: pair
    any: [serangan]
    all: [ransomware]
  - id: query
    any: [bank]
    query: 'bank AND (peretas NEAR/3 data OR regex:/bobol\\w*/)'
  - id: anything
    any: [serangan]
    none: [latihan]
"""


def test_a_candidate_missing_a_required_term_is_not_tested_and_the_verdicts_stand(rules_dir, article):
    rules = load_ruleset(rules_dir(cybercrime=RULES))
    by_id = {r.id: r for r in rules.rules}
    labels = rules.labels
    assert {tuple(labels[k] for k in keys) for keys in by_id["pair"].requires} == {("serangan",), ("ransomware",)}
    assert [[labels[k] for k in keys] for keys in by_id["query"].requires] == [["bank"]]  # regex: no term
    assert [[labels[k] for k in keys] for keys in by_id["anything"].requires] == [["serangan"]]  # none: nothing
    tested: list[str] = []
    for rule in rules.rules:
        test = rule.test
        rule.test = lambda ctx, test=test, rule_id=rule.id: tested.append(rule_id) or test(ctx)
    found = rules.classify(article("serangan terhadap jaringan kantor"), judged=False)
    assert [m.rule for m in found.matches] == ["anything"]
    assert tested == ["anything"]  # "pair" was a candidate (serangan), but ransomware is nowhere
    tested.clear()
    found = rules.classify(article("serangan ransomware terhadap jaringan kantor"), judged=False)
    assert sorted(m.rule for m in found.matches) == ["anything", "pair"]
    assert sorted(tested) == ["anything", "pair"]
    tested.clear()
    found = rules.classify(article("bank itu dibobol kemarin"), judged=False)
    assert [m.rule for m in found.matches] == ["query"] and tested == ["query"]


@pytest.mark.parametrize("name", ["heldout12", "heldout11", "devset3", "breadth8"])
def test_no_shipped_rule_holds_on_a_fixture_article_without_its_requirements(name):
    """Necessary, never sufficient: wherever a rule's test holds, so do its requirements."""
    rules = load_ruleset(default_rules_dir())
    checked = 0
    for item in load_corpus(FIXTURES / name):
        ctx, views, _voided = rules.prepare(item.article())
        base = ctx.hits
        for rule in rules.rules:
            if rule.topic_refs:
                continue
            ctx.hits = views.get(rule.topic, base)
            if rule.test(ctx):
                assert holds(rule.requires, ctx.hits), (item.id, rule.id)
                checked += 1
    assert checked > 50
