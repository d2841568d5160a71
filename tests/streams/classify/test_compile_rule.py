"""One rule to a CompiledRule (compile_rule.py), the named lists it reads (named_lists.py), the whole set (build.py).

Called directly on a file read by ``read_rule_file``: what each step returns,
and where it locates what it refuses.
"""

from __future__ import annotations

from pathlib import Path

from pantau.streams.classify.build import build_ruleset, unexpected
from pantau.streams.classify.compile_rule import compile_rule
from pantau.streams.classify.named_lists import resolve_lists
from pantau.streams.classify.problems import Report, RuleFile
from pantau.streams.classify.rule_file import read_rule_file
from pantau.streams.classify.terms import TermTable
from tests.streams.classify.conftest import make_article

CYBER = """\
topic: cyber
title: Cyber
owner: desk@example.org
terms:
  tools: [malware, {term: botnet, weight: 3}]
  all_tools: {terms: ["@tools", peretas], weight: 2}
rules:
  - id: hack
    any: [retas, "@all_tools"]
  - id: broken
    query: 'retas AND (korut OR'
  - id: missing
    any: [retas, "@nope"]
"""

ASEAN = """\
topic: asean
title: ASEAN
owner: desk@example.org
rules:
  - id: borrowed
    any: ["@cyber.tools", asean]
"""


def _read(tmp_path: Path, name: str, text: str, report: Report) -> RuleFile:
    read = read_rule_file(tmp_path / f"{name}.yaml", text.encode(), report, True)
    assert read is not None and not report.errors
    return read


def test_lists_are_resolved_per_file_refs_expanded_and_weights_multiplied(tmp_path: Path) -> None:
    report = Report(None)
    files = [_read(tmp_path, "cyber", CYBER, report), _read(tmp_path, "asean", ASEAN, report)]
    lists = resolve_lists(files, report)
    assert not report.errors
    expanded = [("malware", 2.0, False), ("botnet", 6.0, False), ("peretas", 2.0, False)]
    assert lists["cyber"]["all_tools"] == expanded
    assert lists["cyber"]["cyber.all_tools"] == expanded  # every list by its qualified name too
    assert "all_tools" not in lists["asean"]
    assert lists["asean"]["cyber.tools"] == [("malware", 1.0, False), ("botnet", 3.0, False)]


def _compile(tmp_path: Path, index: int) -> tuple[object, Report, TermTable]:
    report = Report(None)
    f = _read(tmp_path, "cyber", CYBER, report)
    table = TermTable()
    lists = resolve_lists([f], report)["cyber"]
    rule = f.spec.rules[index]
    compiled = compile_rule(f, index, rule, table, lists, frozenset({"cyber"}), report, set(), True)
    return compiled, report, table


def test_a_rule_compiles_to_one_test_with_its_terms_and_lists_scored(tmp_path: Path) -> None:
    compiled, report, table = _compile(tmp_path, 0)
    assert not report.errors and compiled is not None
    assert (compiled.id, compiled.topic) == ("hack", "cyber")
    scored = {table.labels[key]: weight for key, weight, _fields in compiled.score_keys}
    assert scored == {"retas": 1.0, "malware": 2.0, "botnet": 6.0, "peretas": 2.0}


def test_a_rule_with_a_broken_item_is_none_and_the_error_is_located_at_the_item(tmp_path: Path) -> None:
    compiled, report, _table = _compile(tmp_path, 1)
    assert compiled is None
    assert [(p.line, p.col) for p in report.errors] == [(11, 30)]
    assert "'OR' has nothing after it" in report.errors[0].message
    compiled, report, _table = _compile(tmp_path, 2)
    assert compiled is None
    assert [(p.line, p.col, p.message) for p in report.errors] == [(13, 18, "rule 'missing': unknown list '@nope'")]


def test_build_ruleset_is_none_when_any_rule_is_broken_else_one_ruleset_of_every_enabled_rule(tmp_path: Path) -> None:
    report = Report(None)
    broken = _read(tmp_path, "cyber", CYBER, report)
    assert build_ruleset([broken], "v1", report, str(tmp_path), True) is None
    assert len(report.errors) == 2
    report = Report(None)
    fine = CYBER.split("  - id: broken")[0] + "  - id: off\n    enabled: false\n    any: [bobol]\n"
    files = [_read(tmp_path, "cyber", fine, report), _read(tmp_path, "asean", ASEAN, report)]
    ruleset = build_ruleset(files, "v1", report, str(tmp_path), True)
    assert ruleset is not None and not report.errors
    assert [r.id for r in ruleset.rules] == ["hack", "borrowed"]  # 'off' is disabled: a warning, not a rule
    assert any("rule 'off' is disabled" in w.message for w in report.warnings)
    matched = ruleset.classify(make_article("Botnet itu menyerang bank."), judged=False)
    assert sorted((m.topic, m.rule) for m in matched.matches) == [("asean", "borrowed"), ("cyber", "hack")]


def test_an_unforeseen_exception_is_a_located_error_asking_for_a_bug_report(tmp_path: Path) -> None:
    report = Report(None)
    f = _read(tmp_path, "cyber", CYBER, report)
    problem = unexpected(f, ("rules", 2, "any", 1), "rule 'missing' could not be compiled", KeyError("x"))
    assert (problem.line, problem.col) == (13, 18)
    assert problem.message == "rule 'missing' could not be compiled: KeyError: 'x'"
    assert "report it as a pantau bug" in problem.hint and problem.is_error
