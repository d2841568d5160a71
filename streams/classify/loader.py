"""Load a rules directory: read, validate, compile, check examples, in one pass.

Every problem in every file is collected before anything is refused, so an
editor sees the whole list at once (``pantau rules check``), and a live reload
refuses a broken edit with the same located messages.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from sources.article import Article
from streams.classify.compiler import ALL_FIELDS, FIELD_INDEX, CompileError, CompiledRule, RuleCompiler, TermTable
from streams.classify.engine import RuleSet, run_regex
from streams.classify.problems import Problem, did_you_mean, locate
from streams.classify.query import ListRef, Or, QueryError, Regex, Term, parse_item, parse_query
from streams.classify.schema import ExampleSpec, RuleSpec, TermSpec, TopicFile
from streams.classify.text import fold_term
from streams.classify.validate import schema_problems
from streams.errors import RulesError

__all__ = ["Report", "check_ruleset", "load_ruleset", "rule_files", "example_article"]

_SLOW_REGEX = re.compile(r"\([^()]*[+*][^()]*\)[+*{]")


@dataclass
class Report:
    """The outcome of checking a rules directory: a rule set only when there are no errors."""

    ruleset: RuleSet | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent reading/validating (``parse``), compiling and running examples."""


# Parsed files by (path, content hash): a reload re-reads only the files an editor changed.
_PARSED: dict[tuple[str, str], "_File"] = {}


@dataclass
class _File:
    path: Path
    name: str
    tree: Any
    spec: TopicFile
    rule_index: list[int]
    """Position in the file of each rule in ``spec.rules`` (rules with schema errors are left out)."""


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory (``*.yaml``/``*.yml``), sorted by name."""
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith("."))


def load_ruleset(directory: Path) -> RuleSet:
    """Load and compile a rules directory; raises RulesError listing every located error.

    Valid sets take the fast path (libyaml parser, no positions); only a set
    with errors is read again with positions, so reloads of large sets stay fast.
    """
    report = check_ruleset(directory, located=False)
    if report.errors:
        report = check_ruleset(directory)
        raise RulesError(report.errors or [Problem(str(directory), 1, 1, "rule set changed while loading")], directory=str(directory))
    assert report.ruleset is not None
    return report.ruleset


def check_ruleset(directory: Path, *, located: bool = True) -> Report:
    """Every error and warning of a rules directory, and the rule set if it is valid.

    ``located=False`` skips the line/column bookkeeping (and warnings): for loading, not for editors.
    """
    collecting = gc.isenabled()
    gc.disable()  # loading allocates ~10 objects per term; the cycle collector would rescan them all, repeatedly
    try:
        return _check(Path(directory), located)
    finally:
        if collecting:
            gc.enable()


def _check(directory: Path, located: bool) -> Report:
    report = Report(None)
    if not directory.is_dir():
        report.errors.append(Problem(str(directory), 1, 1, f"rules directory {str(directory)!r} does not exist", "pass the directory holding the *.yaml rule files"))
        return report
    paths = rule_files(directory)
    if not paths:
        report.errors.append(Problem(str(directory), 1, 1, "no rule files (*.yaml) in the directory", "add one file per topic, e.g. cybercrime.yaml"))
        return report
    digest = hashlib.sha256()
    files: list[_File] = []
    began = time.perf_counter()
    fresh: dict[tuple[str, str], _File] = {}
    for path in paths:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        cache_key = (str(path.resolve()), hashlib.sha256(raw).hexdigest())
        parsed = None if located else _PARSED.get(cache_key)
        if parsed is None:
            errors_before = len(report.errors)
            parsed = _parse(path, raw, report, located)
            if parsed is not None and not located and len(report.errors) == errors_before:
                fresh[cache_key] = parsed
        elif not located:
            fresh[cache_key] = parsed
        if parsed is not None:
            files.append(parsed)
    if not located:
        for key in [k for k in _PARSED if Path(k[0]).parent == directory.resolve()]:
            del _PARSED[key]  # forget this directory's old versions
        _PARSED.update(fresh)
    version = digest.hexdigest()[:12]
    report.timings["parse"] = time.perf_counter() - began
    began = time.perf_counter()
    ruleset = _compile(files, version, report, str(directory), located)
    report.timings["compile"] = time.perf_counter() - began
    began = time.perf_counter()
    if ruleset is not None and not report.errors:
        _check_examples(files, ruleset, report)
    report.timings["examples"] = time.perf_counter() - began
    report.errors.sort()
    report.warnings.sort()
    if not report.errors:
        report.ruleset = ruleset
    if not located:
        report.warnings = []
    return report


def _display(path: Path) -> str:
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def _parse(path: Path, raw: bytes, report: Report, located: bool) -> _File | None:
    name = _display(path)
    yaml = YAML(typ="rt" if located else "safe")
    yaml.preserve_quotes = True
    try:
        tree = yaml.load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        report.errors.append(Problem(name, 1, 1, f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8"))
        return None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.errors.append(Problem(name, line, col, f"YAML syntax: {what}", "check the indentation, colons and quotes on this line"))
        return None
    if not isinstance(tree, dict):
        report.errors.append(Problem(name, 1, 1, "the file must be a mapping with topic:, title:, owner:, rules:", "see rules/README.md"))
        return None
    try:
        spec, kept = TopicFile.model_validate(tree), list(range(len(tree.get("rules") or [])))
    except ValidationError as exc:
        report.errors.extend(schema_problems(exc, tree, name))
        partial = _without_bad_rules(tree, exc)
        if partial is None:
            return None
        spec, kept = partial
    if spec.topic != path.stem:
        line, col = locate(tree, ("topic",))
        report.errors.append(Problem(name, line, col, f"topic {spec.topic!r} does not match the file name {path.name!r}", f"write topic: {path.stem}, or rename the file"))
    return _File(path, name, tree, spec, kept)


def _without_bad_rules(tree: Any, exc: ValidationError) -> tuple[TopicFile, list[int]] | None:
    """The file without its invalid rules, so the valid ones still get checked in this pass."""
    bad: set[int] = set()
    for err in exc.errors():
        loc = err["loc"]
        if len(loc) < 2 or loc[0] != "rules" or not isinstance(loc[1], int):
            return None  # a file-level problem: nothing sensible to check further
        bad.add(loc[1])
    rules = tree.get("rules") or []
    kept = [i for i in range(len(rules)) if i not in bad]
    if not kept:
        return None
    data = {k: v for k, v in tree.items() if k != "rules"}
    data["rules"] = [rules[i] for i in kept]
    try:
        return TopicFile.model_validate(data), kept
    except ValidationError:
        return None


def _resolve_lists(files: list[_File], report: Report) -> dict[str, dict[str, list[tuple[str, float, bool]]]]:
    """Per file: visible list name -> [(term, weight, exact)], @refs expanded."""
    raw: dict[str, tuple[_File, str, Any]] = {}
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
                    report.errors.append(Problem(f.name, *where, f"list '@{name}' refers to itself through {item!r}", "remove the circular reference"))
                elif ref not in raw:
                    names = [q.split(".", 1)[1] for q in raw if q.startswith(f.spec.topic + ".")] + list(raw)
                    report.errors.append(Problem(f.name, *where, f"unknown list {item!r}{did_you_mean(item[1:], names)}", "define it under terms:"))
                else:
                    out.extend((t, w * weight, x) for t, w, x in expand(ref, stack + (ref,)))
                continue
            if item.startswith(("topic:", "regex:")):
                report.errors.append(Problem(f.name, *where, f"{item!r} cannot be in a term list", "use it in a rule's any/all/none or query"))
                continue
            if fold_term(item.rstrip("*")) in seen:
                report.warnings.append(Problem(f.name, *where, f"term {item!r} is listed twice in '@{name}'", "remove the duplicate", "warning"))
            seen.add(fold_term(item.rstrip("*")))
            out.append((item, weight, exact))
        return out

    view: dict[str, dict[str, list]] = {f.spec.topic: {} for f in files}
    resolved = {qual: expand(qual, (qual,)) for qual in raw}
    for f in files:
        for qual, items in resolved.items():
            view[f.spec.topic][qual] = items
            topic, name = qual.split(".", 1)
            if topic == f.spec.topic:
                view[f.spec.topic][name] = items
    return view


def _compile(files: list[_File], version: str, report: Report, directory: str, located: bool) -> RuleSet | None:
    table = TermTable()
    lists = _resolve_lists(files, report)
    topics = frozenset(f.spec.topic for f in files)
    compiled: list[CompiledRule] = []
    seen_ids: dict[str, str] = {}
    budget = min((f.spec.regex_budget_ms for f in files), default=50.0) / 1000
    used_lists: set[str] = set()
    for f in files:
        for position, rule in enumerate(f.spec.rules):
            index = f.rule_index[position]
            base = ("rules", index)
            if rule.id in seen_ids:
                report.errors.append(Problem(f.name, *locate(f.tree, base + ("id",)), f"rule id {rule.id!r} is already used in {seen_ids[rule.id]}", "give every rule a unique id"))
            seen_ids[rule.id] = f.name
            result = _compile_rule(f, index, rule, table, lists[f.spec.topic], topics, report, used_lists, located)
            if result is not None and rule.enabled and f.spec.enabled:
                compiled.append(result)
            if not rule.enabled:
                report.warnings.append(Problem(f.name, *locate(f.tree, base + ("enabled",)), f"rule {rule.id!r} is disabled", "set enabled: true to use it", "warning"))
            if not (rule.examples.should_match or rule.examples.should_not_match):
                report.warnings.append(Problem(f.name, *locate(f.tree, base), f"rule {rule.id!r} has no examples", "add examples: should_match / should_not_match so every edit is checked", "warning"))
        for name in f.spec.terms:
            if name not in used_lists and f"{f.spec.topic}.{name}" not in used_lists:
                report.warnings.append(Problem(f.name, *locate(f.tree, ("terms", name), key=True), f"list '@{name}' is not used by any rule", "use it or remove it", "warning"))
    if report.errors:
        return None
    key_rules: dict[int, list[int]] = {}
    for i, rule in enumerate(compiled):
        for key, _w, _f in rule.score_keys:
            key_rules.setdefault(key, []).append(i)
    return RuleSet(
        version=version,
        topics=tuple(sorted(f.spec.topic for f in files if f.spec.enabled)),
        rules=tuple(compiled),
        automaton=table.automaton(),
        labels=tuple(table.labels),
        key_rules={k: tuple(v) for k, v in key_rules.items()},
        regex_budget=budget,
        directory=directory,
    )


def _compile_rule(f: _File, index: int, rule: RuleSpec, table: TermTable, lists: dict, topics: frozenset[str], report: Report, used: set[str], lint: bool) -> CompiledRule | None:
    base = ("rules", index)
    fields = frozenset(FIELD_INDEX[x] for x in rule.fields) or ALL_FIELDS
    acc: dict[str, list] = {"leaves": [], "regexes": [], "topics": []}
    compiler = RuleCompiler(table, dict(lists), topics, run_regex)
    parts, ok = [], True

    def item_node(group: str, i: int, item: str | TermSpec):
        if isinstance(item, TermSpec):
            name = f"~{rule.id}.{group}.{i}"
            compiler.lists[name] = [(item.term, item.weight, item.exact)]
            return ListRef(name)
        node = parse_item(item)
        if isinstance(node, ListRef):
            used.add(node.name)
        return node

    for group in ("any", "all", "none"):
        nodes = []
        for i, item in enumerate(getattr(rule, group)):
            try:
                node = item_node(group, i, item)
                nodes.append(node)
                if lint:
                    _lint_item(f, base + (group, i), node, report)
                if group == "all" or not isinstance(node, (Term, ListRef)):
                    parts.append(_negate(compiler.compile(node, fields, group != "none", acc), group == "none"))
                    nodes.pop()
            except CompileError as exc:
                ok = False
                report.errors.append(Problem(f.name, *locate(f.tree, base + (group, i)), f"rule {rule.id!r}: {exc.message}", exc.hint))
        if nodes and ok:
            # Plain terms of an any/none group become one leaf: a single set test per article.
            test = compiler.compile(Or(tuple(nodes)) if len(nodes) > 1 else nodes[0], fields, group != "none", acc, merge=True)
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
            report.errors.append(Problem(f.name, *_query_pos(f.tree, base, raw_query, pos), f"rule {rule.id!r} query: {exc.message}", exc.hint))
    if not ok:
        return None
    if not (acc["leaves"] or acc["regexes"] or acc["topics"]):
        report.errors.append(Problem(f.name, *locate(f.tree, base + ("id",)), f"rule {rule.id!r} has nothing to look for", "add terms under any: or all:, or a query:"))
        return None
    weights: dict[int, tuple[float, frozenset[int]]] = {}
    for leaf in acc["leaves"]:
        for key, weight in zip(leaf.keys, leaf.weights):
            w, fs = weights.get(key, (0.0, frozenset()))
            weights[key] = (max(w, weight), fs | leaf.fields)
    test_parts = tuple(parts)
    test = test_parts[0] if len(test_parts) == 1 else (lambda ctx: all(p(ctx) for p in test_parts))
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
        regexes=tuple(acc["regexes"]),
        topic_refs=tuple(dict.fromkeys(acc["topics"])),
        always=bool(acc["regexes"]) or rule.min_score <= 0,
    )


def _negate(test, negate: bool):
    """``test``, or its negation for a none: group."""
    return (lambda ctx: not test(ctx)) if negate else test


def _list_refs(node) -> list[str]:
    if isinstance(node, ListRef):
        return [node.name]
    children = getattr(node, "items", None) or [getattr(node, a) for a in ("item", "left", "right") if hasattr(node, a)]
    return [ref for child in children for ref in _list_refs(child)]


def _lint_item(f: _File, path: tuple, node, report: Report) -> None:
    if isinstance(node, Term):
        folded = fold_term(node.text.rstrip("*"))
        if node.text.endswith("*") and len(folded) < 3:
            report.warnings.append(Problem(f.name, *locate(f.tree, path), f"wildcard {node.text!r} has a very short stem and will match many words", "write at least three letters before *", "warning"))
        elif len(folded) <= 2 and folded.isascii():
            report.warnings.append(Problem(f.name, *locate(f.tree, path), f"term {node.text!r} is very short and may match unrelated words", "prefer a phrase", "warning"))
    if isinstance(node, Regex) and _SLOW_REGEX.search(node.pattern):
        report.warnings.append(Problem(f.name, *locate(f.tree, path), f"regex {node.pattern!r} has a nested repetition and may be slow", "avoid (x+)+ patterns", "warning"))


def _query_pos(tree: Any, base: tuple, query: Any, pos: int) -> tuple[int, int]:
    """File line/col of character ``pos`` of a rule's query string."""
    line, col = locate(tree, base + ("query",))
    if isinstance(query, (LiteralScalarString, FoldedScalarString)):
        before = str(query)[:pos]
        key_line, key_col = locate(tree, base + ("query",), key=True)
        return key_line + 1 + before.count("\n"), key_col + 2 + len(before) - (before.rfind("\n") + 1)
    quoted = type(query).__name__ in ("SingleQuotedScalarString", "DoubleQuotedScalarString")
    return line, col + pos + (1 if quoted else 0)


def example_article(example: str | ExampleSpec, rule_id: str) -> Article:
    """An Article for a rule's example text (plain text goes into content)."""
    spec = example if isinstance(example, ExampleSpec) else ExampleSpec(content=str(example))
    return Article(
        id=f"example-{rule_id}",
        url="",
        title=spec.title,
        summary=spec.summary,
        content=spec.content,
        fetched=datetime.now(timezone.utc),
        feed="rules-example",
        language=spec.language,
    )


def _check_examples(files: list[_File], ruleset: RuleSet, report: Report) -> None:
    enabled = {r.id for r in ruleset.rules}
    for f in files:
        for position, rule in enumerate(f.spec.rules):
            index = f.rule_index[position]
            if rule.id not in enabled:
                continue
            for kind in ("should_match", "should_not_match"):
                for i, example in enumerate(getattr(rule.examples, kind)):
                    article = example_article(example, rule.id)
                    matched = any(m.rule == rule.id for m in ruleset.classify(article).matches)
                    if matched == (kind == "should_match"):
                        continue
                    ok, score, found = ruleset.evaluate_rule(rule.id, article)
                    where = locate(f.tree, ("rules", index, "examples", kind, i))
                    terms = ", ".join(found) or "none"
                    if kind == "should_match":
                        why = f"score {score:g} is below min_score {rule.min_score:g}" if ok else "its conditions are not met"
                        report.errors.append(Problem(f.name, *where, f"rule {rule.id!r} does not match its should_match example {i + 1}", f"{why}; terms found: {terms}"))
                    else:
                        report.errors.append(Problem(f.name, *where, f"rule {rule.id!r} matches its should_not_match example {i + 1}", f"terms found: {terms}; add a none: term or tighten the rule"))
