"""Validated rule files -> a compiled RuleSet, with every semantic problem located.

Named lists are resolved across files (``@dprk``, ``@north-korea.dprk``), each
rule's any/all/none groups and query become one test closure, and the terms of
all rules go into one TermTable (one automaton). Unknown lists and topics,
queries that do not parse and regexes that do not compile are reported at
their line and column; lint advice goes to the warnings.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from pantau.core.logs import get_logger
from pantau.streams.classify.compiler import ALL_FIELDS, FIELD_INDEX, Collected, CompiledRule, RuleCompiler, Test
from pantau.streams.classify.engine import RuleSet, TopicJudgement, run_regex
from pantau.streams.classify.judgement import (
    CLAUSE_BREAKS,
    DENIED,
    SENTENCE_BREAKS,
    Cue,
    Frame,
    HeadlineScope,
    Salience,
)
from pantau.streams.classify.problems import Loc, Problem, Report, RuleFile, did_you_mean, locate
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
from pantau.streams.classify.schema import RuleSpec, SalienceSpec, TermSpec
from pantau.streams.classify.terms import CompileError, TermTable
from pantau.streams.classify.text import fold_term

__all__ = ["build_ruleset", "unexpected"]

log = get_logger(component="rules")

TermLists = dict[str, list[tuple[str, float, bool]]]
"""Visible list name -> [(term, weight, exact)]."""


def _resolve_lists(files: list[RuleFile], report: Report) -> dict[str, TermLists]:
    """Per file: visible list name -> [(term, weight, exact)], @refs expanded."""
    raw: dict[str, tuple[RuleFile, str, Any]] = {}
    for f in files:
        for name, value in f.spec.terms.items():
            raw[f"{f.spec.topic}.{name}"] = (f, name, value)

    def expand(qual: str, stack: tuple[str, ...]) -> list[tuple[str, float, bool]]:
        f, name, value = raw[qual]
        items = value.terms if hasattr(value, "terms") else value
        weight, exact = getattr(value, "weight", 1.0), getattr(value, "exact", False)
        out: list[tuple[str, float, bool]] = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            where = locate(f.tree, ("terms", name, "terms", i) if hasattr(value, "terms") else ("terms", name, i))
            if isinstance(item, TermSpec):
                out.append((item.term, item.weight * weight, item.exact or exact))
                continue
            if item.startswith("@"):
                ref = item[1:] if "." in item else f"{f.spec.topic}.{item[1:]}"
                if ref in stack:
                    report.errors.append(
                        Problem(
                            f.name,
                            *where,
                            f"list '@{name}' refers to itself through {item!r}",
                            "remove the circular reference",
                        )
                    )
                elif ref not in raw:
                    names = [q.split(".", 1)[1] for q in raw if q.startswith(f.spec.topic + ".")] + list(raw)
                    report.errors.append(
                        Problem(
                            f.name,
                            *where,
                            f"unknown list {item!r}{did_you_mean(item[1:], names)}",
                            "define it under terms:",
                        )
                    )
                else:
                    out.extend((t, w * weight, x) for t, w, x in expand(ref, stack + (ref,)))
                continue
            if item.startswith(("topic:", "regex:")):
                report.errors.append(
                    Problem(
                        f.name, *where, f"{item!r} cannot be in a term list", "use it in a rule's any/all/none or query"
                    )
                )
                continue
            if fold_term(item.rstrip("*")) in seen:
                report.warnings.append(
                    Problem(
                        f.name, *where, f"term {item!r} is listed twice in '@{name}'", "remove the duplicate", "warning"
                    )
                )
            seen.add(fold_term(item.rstrip("*")))
            out.append((item, weight, exact))
        return out

    view: dict[str, TermLists] = {f.spec.topic: {} for f in files}
    resolved = {qual: expand(qual, (qual,)) for qual in raw}
    for f in files:
        for qual, items in resolved.items():
            view[f.spec.topic][qual] = items
            topic, name = qual.split(".", 1)
            if topic == f.spec.topic:
                view[f.spec.topic][name] = items
    return view


def build_ruleset(files: list[RuleFile], version: str, report: Report, directory: str, located: bool) -> RuleSet | None:
    """Compile every enabled rule into one RuleSet; None (and errors in ``report``) when any rule is broken."""
    table = TermTable()
    lists = _resolve_lists(files, report)
    topics = frozenset(f.spec.topic for f in files)
    compiled: list[CompiledRule] = []
    seen_ids: dict[str, str] = {}
    budget = min((f.spec.regex_budget_ms for f in files), default=50.0) / 1000
    used_lists: set[str] = set()
    cues: dict[str, tuple[Cue, ...]] = {}
    scopes: dict[str, HeadlineScope] = {}
    frames: dict[str, tuple[Frame, ...]] = {}
    for f in files:
        file_mentions = _mention_keys(
            f.spec.salience, ("salience", "mentions"), f, table, lists[f.spec.topic], report, used_lists
        )
        _check_beside(f.spec.salience, ("salience", "beside"), f, topics, report)
        for position, rule in enumerate(f.spec.rules):
            index = f.rule_index[position]
            base = ("rules", index)
            if rule.id in seen_ids:
                report.errors.append(
                    Problem(
                        f.name,
                        *locate(f.tree, base + ("id",)),
                        f"rule id {rule.id!r} is already used in {seen_ids[rule.id]}",
                        "give every rule a unique id",
                    )
                )
            seen_ids[rule.id] = f.name
            try:
                result = _compile_rule(
                    f, index, rule, table, lists[f.spec.topic], topics, report, used_lists, located, file_mentions
                )
            except Exception as exc:  # a rule nobody foresaw must be a located refusal, never a dead reload
                report.errors.append(unexpected(f, base, f"rule {rule.id!r} could not be compiled", exc))
                continue
            if result is not None and rule.enabled and f.spec.enabled:
                compiled.append(result)
            if not rule.enabled:
                report.warnings.append(
                    Problem(
                        f.name,
                        *locate(f.tree, base + ("enabled",)),
                        f"rule {rule.id!r} is disabled",
                        "set enabled: true to use it",
                        "warning",
                    )
                )
            if not (rule.examples.should_match or rule.examples.should_not_match):
                report.warnings.append(
                    Problem(
                        f.name,
                        *locate(f.tree, base),
                        f"rule {rule.id!r} has no examples",
                        "add examples: should_match / should_not_match so every edit is checked",
                        "warning",
                    )
                )
        cues[f.spec.topic] = _judgement(f, table, lists[f.spec.topic], report, used_lists)
        headline = f.spec.denials.headline if f.spec.denials is not None else None
        if headline is not None:
            where = ("denials", "headline", "needs")
            needs = _cue_keys(headline.needs, table, lists[f.spec.topic], where, f, report, used_lists)
            scopes[f.spec.topic] = HeadlineScope(needs, headline.min_hits)
        frames[f.spec.topic] = tuple(
            Frame(
                fr.why,
                _cue_keys(fr.title, table, lists[f.spec.topic], ("frames", i, "title"), f, report, used_lists),
                _cue_keys(fr.needs, table, lists[f.spec.topic], ("frames", i, "needs"), f, report, used_lists),
                fr.min_hits,
            )
            for i, fr in enumerate(f.spec.frames)
        )
        for name in f.spec.terms:
            if name not in used_lists and f"{f.spec.topic}.{name}" not in used_lists:
                report.warnings.append(
                    Problem(
                        f.name,
                        *locate(f.tree, ("terms", name), key=True),
                        f"list '@{name}' is not used by any rule",
                        "use it or remove it",
                        "warning",
                    )
                )
    if report.errors:
        return None
    key_rules: dict[int, list[int]] = {}
    for i, rule in enumerate(compiled):
        for key, _w, _f in rule.score_keys:
            key_rules.setdefault(key, []).append(i)
    judgement = {}
    for topic, topic_cues in cues.items():
        keys = frozenset(k for r in compiled if r.topic == topic for k, _w, _f in r.score_keys)
        if topic_cues or frames.get(topic):
            judgement[topic] = TopicJudgement(keys, topic_cues, scopes.get(topic), frames.get(topic, ()))
    return RuleSet(
        version=version,
        topics=tuple(sorted(f.spec.topic for f in files if f.spec.enabled)),
        rules=tuple(compiled),
        automaton=table.automaton(),
        labels=tuple(table.labels),
        accented=table.accented(),
        key_rules={k: tuple(v) for k, v in key_rules.items()},
        regex_budget=budget,
        directory=directory,
        judgement=judgement,
    )


def _compile_rule(
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
) -> CompiledRule | None:
    base = ("rules", index)
    fields = frozenset(FIELD_INDEX[x] for x in rule.fields) or ALL_FIELDS
    acc = Collected()
    compiler = RuleCompiler(table, dict(lists), topics, run_regex)
    parts: list[Test] = []
    ok = True

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
    if rule.query is not None:
        raw_query = f.tree["rules"][index].get("query", rule.query)  # keeps its quoting style, for columns
        try:
            node, advice = parse_query(rule.query)
            for pos, text in advice:
                report.warnings.append(Problem(f.name, *_query_pos(f.tree, base, raw_query, pos), text, "", "warning"))
            for ref in _list_refs(node):
                used.add(ref)
            parts.append(compiler.compile(node, fields, True, acc))
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
    mention_keys = file_mentions
    if rule.salience is not None:
        mention_keys = _mention_keys(rule.salience, base + ("salience", "mentions"), f, table, lists, report, used)
        _check_beside(rule.salience, base + ("salience", "beside"), f, topics, report)
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
        salience=_salience(salience, frozenset(weights), mention_keys),
        source=_source(rule),
        veto_keys=tuple(sorted({k for leaf in acc.vetoes for k in leaf.keys})),
    )


def _salience(spec: SalienceSpec | None, rule_keys: frozenset[int], mentions: frozenset[int]) -> Salience | None:
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
    )


def _source(rule: RuleSpec) -> str:
    """The rule's conditions in one line, as an editor wrote them."""

    def items(group: list[str | TermSpec]) -> str:
        return ", ".join(i.term if isinstance(i, TermSpec) else i for i in group)

    parts = [f"{g}: [{items(getattr(rule, g))}]" for g in ("any", "all", "none") if getattr(rule, g)]
    if rule.query:
        parts.append(f"query: {rule.query}")
    return "; ".join(parts)


def _mention_keys(
    spec: SalienceSpec | None,
    where: Loc,
    f: RuleFile,
    table: TermTable,
    lists: TermLists,
    report: Report,
    used: set[str],
) -> frozenset[int]:
    """Key ids of a salience's ``mentions:`` (empty: every term of a rule counts)."""
    if spec is None or not spec.mentions:
        return frozenset()
    return _cue_keys(spec.mentions, table, lists, where, f, report, used)


def _check_beside(spec: SalienceSpec | None, where: Loc, f: RuleFile, topics: frozenset[str], report: Report) -> None:
    """A ``beside:`` topic must be one of the rule set's topics."""
    for i, topic in enumerate(spec.beside if spec is not None else ()):
        if topic not in topics:
            report.errors.append(
                Problem(
                    f.name,
                    *locate(f.tree, where + (i,)),
                    f"salience beside: unknown topic {topic!r}{did_you_mean(topic, topics)}",
                    f"name a topic of this folder: {', '.join(sorted(topics))}",
                )
            )


def _cue_keys(
    items: list[str | TermSpec],
    table: TermTable,
    lists: TermLists,
    where: Loc,
    f: RuleFile,
    report: Report,
    used: set[str],
) -> frozenset[int]:
    """Key ids of denial/sense cue items (terms or @lists)."""
    keys: set[int] = set()
    for i, item in enumerate(items):
        try:
            if isinstance(item, TermSpec):
                keys.add(table.key_for(item.term, item.exact))
                continue
            node = parse_item(item)
            if isinstance(node, ListRef):
                if node.name not in lists:
                    raise CompileError(
                        f"unknown list '@{node.name}'{did_you_mean(node.name, lists)}",
                        0,
                        "define it under terms: or fix the name",
                    )
                used.add(node.name)
                keys.update(table.key_for(t, x) for t, _w, x in lists[node.name])
            elif isinstance(node, Term):
                keys.add(table.key_for(node.text, False))
            else:
                raise CompileError(f"{item!r} cannot be a cue", 0, "cues are terms or @lists")
        except (QueryError, CompileError) as exc:
            report.errors.append(
                Problem(
                    f.name,
                    *locate(f.tree, where + (i,)),
                    exc.message if hasattr(exc, "message") else str(exc),
                    getattr(exc, "hint", ""),
                )
            )
    return frozenset(keys)


def _judgement(f: RuleFile, table: TermTable, lists: TermLists, report: Report, used: set[str]) -> tuple[Cue, ...]:
    """The file's denials and senses as compiled cues."""
    spec = f.spec
    cues: list[Cue] = []
    if spec.denials is not None:
        d = spec.denials
        cues.append(
            Cue(
                why=DENIED,
                targets=None,
                before=_cue_keys(d.before, table, lists, ("denials", "before"), f, report, used),
                after=_cue_keys(d.after, table, lists, ("denials", "after"), f, report, used),
                unless=_cue_keys(d.unless, table, lists, ("denials", "unless"), f, report, used),
                window=d.window,
                min_cues=1,
                breaks=CLAUSE_BREAKS,
                windows=tuple(sorted(d.windows.items())),
                contrast=True,
            )
        )
    for n, s in enumerate(spec.senses):
        base = ("senses", n)
        cues.append(
            Cue(
                why=s.why,
                targets=_cue_keys(s.terms, table, lists, base + ("terms",), f, report, used) if s.terms else None,
                before=_cue_keys(s.before, table, lists, base + ("before",), f, report, used),
                after=_cue_keys(s.after, table, lists, base + ("after",), f, report, used),
                unless=frozenset(),
                window=-1 if s.anywhere else s.window,
                min_cues=s.min_cues,
                breaks=SENTENCE_BREAKS,
                windows=tuple(sorted(s.windows.items())),
                in_list=s.in_list,
                fields=frozenset(FIELD_INDEX[name] for name in s.fields),
            )
        )
    return tuple(cues)


def unexpected(f: RuleFile, path: Loc, what: str, exc: Exception) -> Problem:
    """A located error for an exception the checks did not foresee (a pantau bug, but never a traceback)."""
    log.error("rules_check_crashed", file=f.name, what=what, error=repr(exc), exc_info=exc)
    return Problem(
        f.name,
        *locate(f.tree, path),
        f"{what}: {type(exc).__name__}: {exc}",
        "simplify this rule to find the part pantau cannot handle, and report it as a pantau bug",
    )


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
