"""Rule items to test closures (compiler.py), and the per-article Context they read (compiled.py).

Called directly with a term table and hand-made hits: what a leaf resolves
to, what a compiled query answers, what it records for scoring.
"""

from __future__ import annotations

from pantau.streams.classify.compiled import ALL_FIELDS, FIELD_INDEX, Collected, Context
from pantau.streams.classify.compiler import RuleCompiler
from pantau.streams.classify.query import parse_query
from pantau.streams.classify.scan import run_regex
from pantau.streams.classify.terms import TermTable
from pantau.streams.classify.text import build_shadow

LISTS = {"tools": [("malware", 1.0, False), ("botnet", 3.0, False)]}
CONTENT = FIELD_INDEX["content"]


def _compiler() -> RuleCompiler:
    return RuleCompiler(TermTable(), dict(LISTS), frozenset({"cyber"}), run_regex)


def _context(hits: dict[int, list[tuple[int, int, int]]], content: str = "x") -> Context:
    return Context(hits, build_shadow("", "", content), 0.05)


def test_a_leaf_resolves_terms_and_lists_of_an_or_to_their_keys_and_weights() -> None:
    compiler = _compiler()
    node, _warnings = parse_query("retas OR @tools")
    leaf = compiler.leaf(node, ALL_FIELDS, True, Collected())
    labels = [compiler.table.labels[k] for k in leaf.keys]
    assert list(zip(labels, leaf.weights, strict=True)) == [("retas", 1.0), ("malware", 1.0), ("botnet", 3.0)]
    assert leaf.fields == ALL_FIELDS


def test_a_compiled_query_tests_the_hits_and_records_only_positive_leaves_for_scoring() -> None:
    compiler = _compiler()
    acc = Collected()
    node, _warnings = parse_query("retas AND NOT latihan")
    test = compiler.compile(node, ALL_FIELDS, True, acc)
    retas = compiler.table.key_for("retas", False)
    latihan = compiler.table.key_for("latihan", False)
    assert [[compiler.table.labels[k] for k in leaf.keys] for leaf in acc.leaves] == [["retas"]]
    assert [[compiler.table.labels[k] for k in leaf.keys] for leaf in acc.vetoes] == [["latihan"]]
    assert test(_context({retas: [(0, 5, CONTENT)]}))
    assert not test(_context({retas: [(0, 5, CONTENT)], latihan: [(10, 17, CONTENT)]}))
    assert not test(_context({}))


def test_a_scoped_query_tests_hits_in_its_field_only() -> None:
    compiler = _compiler()
    node, _warnings = parse_query("title:retas")
    test = compiler.compile(node, ALL_FIELDS, True, Collected())
    retas = compiler.table.key_for("retas", False)
    assert test(_context({retas: [(0, 5, FIELD_INDEX["title"])]}))
    assert not test(_context({retas: [(0, 5, CONTENT)]}))


def test_word_index_counts_the_words_that_start_before_an_offset() -> None:
    ctx = _context({}, "satu dua tiga empat")
    text = ctx.shadow.text
    first, third = ctx.word_index(text.index("satu")), ctx.word_index(text.index("tiga"))
    assert third - first == 2  # NEAR/n measures this distance
    assert ctx.word_index(text.index("empat") - 1) == third  # the space before a word: not yet that word
