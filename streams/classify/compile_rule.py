"""One rule of a file -> a CompiledRule: its any/all/none groups and query as one test, its terms scored.

Plain terms of an ``any:``/``none:`` group become one leaf (a single set test
per article); ``all:`` items, nested queries, regexes and topic references
are compiled one by one. Every error is located at its item, or at the column
inside the rule's query; lint advice (very short terms and wildcards) goes to
the warnings.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from pantau.streams.classify.compiled import ALL_FIELDS, FIELD_INDEX, Collected, CompiledRule, Test
from pantau.streams.classify.compiler import RuleCompiler
from pantau.streams.classify.cues import check_beside, salience_keys
from pantau.streams.classify.named_lists import TermLists
from pantau.streams.classify.problems import Loc, Problem, Report, RuleFile, locate
from pantau.streams.classify.query import (
    And,
    ListRef,
    Near,
    Node,
    Not,
    Or,
    QueryError,
    Scope,
    Term,
    parse_item,
    parse_query,
)
from pantau.streams.classify.requirements import required_keys, requirements
from pantau.streams.classify.salience import Salience
from pantau.streams.classify.scan import run_regex
from pantau.streams.classify.schema import RuleSpec, SalienceSpec, TermSpec
from pantau.streams.classify.terms import CompileError, TermTable
from pantau.streams.classify.text import fold_term

__all__ = ["compile_rule"]


def compile_rule(
    f: RuleFile,
    index: int,
    rule: RuleSpec,
    table: TermTable,
    lists: TermLists,
    topics: frozenset[str],
    report: Report,
    used: set[str],
    lint: bool,
    file_mentions: frozenset[int] = frozenset(),
    file_other: frozenset[int] = frozenset(),
) -> CompiledRule | None:
    """One rule as a CompiledRule; None (and located errors in ``report``) when any of its items is broken."""
    base = ("rules", index)
    fields = frozenset(FIELD_INDEX[x] for x in rule.fields) or ALL_FIELDS
    acc = Collected()
    compiler = RuleCompiler(table, dict(lists), topics, run_regex)
    parts: list[Test] = []
    needs: list[frozenset[int]] = []  # key sets the rule cannot match without (requirements.py)
    ok = True

    def keys_of(node: Node) -> tuple[int, ...]:
        return compiler.leaf(node, fields, False, Collected()).keys

    def item_node(group: str, i: int, item: str | TermSpec) -> Node:
        if isinstance(item, TermSpec):
            name = f"~{rule.id}.{group}.{i}"
            compiler.lists[name] = [(item.term, item.weight, item.exact)]
            return ListRef(name)
        node = parse_item(item)
        if isinstance(node, ListRef):
            used.add(node.name)
        return node

    for group in ("any", "all", "none"):
        nodes: list[Node] = []
        for i, item in enumerate(getattr(rule, group)):
            try:
                node = item_node(group, i, item)
                if lint:
                    _lint_item(f, base + (group, i), node, report)
                if group == "all" or not isinstance(node, (Term, ListRef)):
                    parts.append(_negate(compiler.compile(node, fields, group != "none", acc), group == "none"))
                    if group != "none":
                        needs.extend(required_keys(node, keys_of))
                else:
                    # Resolved one by one here, so an unknown @list or an empty term is located at its
                    # own item; the group is then compiled as one leaf below.
                    compiler.leaf(node, fields, False, Collected())
                    nodes.append(node)
            except CompileError as exc:
                ok = False
                report.errors.append(
                    Problem(f.name, *locate(f.tree, base + (group, i)), f"rule {rule.id!r}: {exc.message}", exc.hint)
                )
        if nodes and ok:
            # Plain terms of an any/none group become one leaf: a single set test per article.
            test = compiler.compile(
                Or(tuple(nodes)) if len(nodes) > 1 else nodes[0], fields, group != "none", acc, merge=True
            )
            parts.append(_negate(test, group == "none"))
            if group == "any":
                needs.extend(required_keys(Or(tuple(nodes)), keys_of))
    if rule.query is not None:
        raw_query = f.tree["rules"][index].get("query", rule.query)  # keeps its quoting style, for columns
        try:
            node, advice = parse_query(rule.query)
            for pos, text in advice:
                report.warnings.append(Problem(f.name, *_query_pos(f.tree, base, raw_query, pos), text, "", "warning"))
            for ref in _list_refs(node):
                used.add(ref)
            parts.append(compiler.compile(node, fields, True, acc))
            needs.extend(required_keys(node, keys_of))
        except (QueryError, CompileError) as exc:
            ok = False
            pos = exc.pos if exc.pos is not None else 0
            report.errors.append(
                Problem(
                    f.name,
                    *_query_pos(f.tree, base, raw_query, pos),
                    f"rule {rule.id!r} query: {exc.message}",
                    exc.hint,
                )
            )
    if not ok:
        return None
    if not (acc.leaves or acc.regexes or acc.topics):
        report.errors.append(
            Problem(
                f.name,
                *locate(f.tree, base + ("id",)),
                f"rule {rule.id!r} has nothing to look for",
                "add terms under any: or all:, or a query:",
            )
        )
        return None
    weights: dict[int, tuple[float, frozenset[int]]] = {}
    for leaf in acc.leaves:
        for key, weight in zip(leaf.keys, leaf.weights, strict=False):
            w, fs = weights.get(key, (0.0, frozenset()))
            weights[key] = (max(w, weight), fs | leaf.fields)
    test_parts = tuple(parts)
    test = test_parts[0] if len(test_parts) == 1 else (lambda ctx: all(p(ctx) for p in test_parts))
    salience = rule.salience or f.spec.salience
    mentions, other = file_mentions, file_other
    if rule.salience is not None:
        mentions = salience_keys(rule.salience, "mentions", base, f, table, lists, report, used)
        # A rule's own salience keeps the file's other names unless it lists its own.
        other = salience_keys(rule.salience, "other_names", base, f, table, lists, report, used)
        other = other or file_other
        check_beside(rule.salience, base + ("salience", "beside"), f, topics, report)
    return CompiledRule(
        id=rule.id,
        topic=f.spec.topic,
        severity=rule.severity,
        tags=tuple(rule.tags),
        languages=frozenset(rule.languages),
        min_score=rule.min_score,
        title_boost=rule.title_boost,
        max_per_term=rule.max_per_term,
        test=test,
        score_keys=tuple((k, w, fs) for k, (w, fs) in weights.items()),
        regexes=tuple(acc.regexes),
        topic_refs=tuple(dict.fromkeys(acc.topics)),
        always=bool(acc.regexes) or rule.min_score <= 0,
        salience=_salience(salience, frozenset(weights), mentions, other),
        source=_source(rule),
        veto_keys=tuple(sorted({k for leaf in acc.vetoes for k in leaf.keys})),
        requires=requirements(needs),
    )


def _salience(
    spec: SalienceSpec | None, rule_keys: frozenset[int], mentions: frozenset[int], other: frozenset[int] = frozenset()
) -> Salience | None:
    """The compiled check; ``mentions`` narrowed to the rule's own terms (none of them: every term counts)."""
    if spec is None or (spec.lead_words == 0 and spec.min_hits <= 1):
        return None  # any hit will do: no check at all
    mine = rule_keys & mentions
    return Salience(
        spec.lead_words,
        spec.min_hits,
        spec.lead_paragraphs,
        spec.per_sentence,
        mine if spec.mentions and mine else None,
        tuple(spec.beside),
        title_alone_words=spec.title_alone_words,
        title_like_text=spec.title_like_text,
        other_names=other - rule_keys,
    )


def _source(rule: RuleSpec) -> str:
    """The rule's conditions in one line, as an editor wrote them."""

    def items(group: list[str | TermSpec]) -> str:
        return ", ".join(i.term if isinstance(i, TermSpec) else i for i in group)

    parts = [f"{g}: [{items(getattr(rule, g))}]" for g in ("any", "all", "none") if getattr(rule, g)]
    if rule.query:
        parts.append(f"query: {rule.query}")
    return "; ".join(parts)


def _negate(test: Test, negate: bool) -> Test:
    """``test``, or its negation for a none: group."""
    return (lambda ctx: not test(ctx)) if negate else test


def _list_refs(node: Node) -> list[str]:
    if isinstance(node, ListRef):
        return [node.name]
    children: tuple[Node, ...] = ()
    if isinstance(node, (And, Or)):
        children = node.items
    elif isinstance(node, (Not, Scope)):
        children = (node.item,)
    elif isinstance(node, Near):
        children = (node.left, node.right)
    return [ref for child in children for ref in _list_refs(child)]


def _lint_item(f: RuleFile, path: Loc, node: Node, report: Report) -> None:
    if isinstance(node, Term):
        folded = fold_term(node.text.rstrip("*"))
        if node.text.endswith("*") and len(folded) < 3:
            report.warnings.append(
                Problem(
                    f.name,
                    *locate(f.tree, path),
                    f"wildcard {node.text!r} has a very short stem and will match many words",
                    "write at least three letters before *",
                    "warning",
                )
            )
        elif len(folded) <= 2 and folded.isascii():
            report.warnings.append(
                Problem(
                    f.name,
                    *locate(f.tree, path),
                    f"term {node.text!r} is very short and may match unrelated words",
                    "prefer a phrase",
                    "warning",
                )
            )


def _query_pos(tree: Any, base: Loc, query: Any, pos: int) -> tuple[int, int]:
    """File line/col of character ``pos`` of a rule's query string."""
    line, col = locate(tree, base + ("query",))
    if isinstance(query, (LiteralScalarString, FoldedScalarString)):
        before = str(query)[:pos]
        key_line, key_col = locate(tree, base + ("query",), key=True)
        return key_line + 1 + before.count("\n"), key_col + 2 + len(before) - (before.rfind("\n") + 1)
    quoted = type(query).__name__ in ("SingleQuotedScalarString", "DoubleQuotedScalarString")
    return line, col + pos + (1 if quoted else 0)
