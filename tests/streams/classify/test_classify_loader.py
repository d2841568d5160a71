"""Rule files: every error located and collected in one pass; warnings apart."""

from __future__ import annotations

import pytest

from pantau.core.errors import RulesError
from pantau.streams.classify import check_ruleset, load_ruleset

BROKEN = """\
topic: cybercrime
title: Cyber
owner: desk
terms:
  a: [retas, "@missing"]
rules:
  - id: one
    keywrods: [x]
    any: ["@a"]
    severity: hgih
  - id: two
    query: 'retas AND (korut OR'
  - id: three
    any: ["topic:nope"]
"""


def test_every_error_is_reported_with_file_line_and_column(rules_dir):
    report = check_ruleset(rules_dir(cybercrime=BROKEN))
    lines = [str(p).split("rules/", 1)[1] for p in report.errors]
    assert lines == [
        "cybercrime.yaml:5:14: unknown list '@missing' (define it under terms:)",
        "cybercrime.yaml:8:5: unknown field 'keywrods' (did you mean 'keywords'?) (keywords is not a field: put the terms under any: (one is enough), all: (every one) or none: (none may appear))",  # noqa: E501
        "cybercrime.yaml:10:15: severity 'hgih' is not allowed (did you mean 'high'?) (use one of: low, medium, high, critical)",  # noqa: E501
        "cybercrime.yaml:12:30: rule 'two' query: 'OR' has nothing after it (put a term after OR or remove it)",
        "cybercrime.yaml:14:11: rule 'three': unknown topic 'nope' (topics are the rule file names)",
    ]
    assert report.ruleset is None


def test_close_field_names_are_suggested(rules_dir):
    report = check_ruleset(rules_dir(t="rules:\n  - id: r\n    any: [x]\n    min_scor: 2\n"))
    assert [p.message for p in report.errors] == ["unknown field 'min_scor' (did you mean 'min_score'?)"]


def test_load_raises_rules_error_with_all_problems(rules_dir):
    with pytest.raises(RulesError) as info:
        load_ruleset(rules_dir(cybercrime=BROKEN))
    assert len(info.value.problems) == 5 and "cybercrime.yaml:5:14" in str(info.value)


def test_yaml_syntax_errors_are_located(rules_dir):
    report = check_ruleset(rules_dir(t="topic: t\ntitle: t\nowner: o\nrules:\n  - id: r\n    any: [x\n"))
    assert len(report.errors) == 1 and report.errors[0].message.startswith("YAML syntax")
    assert report.errors[0].line >= 6


def test_a_tab_the_check_refuses_is_refused_by_loading_too(rules_dir):
    # libyaml alone would take "retas<TAB>"; a live reload must not accept what `pantau rules check` refuses.
    folder = rules_dir(t="rules:\n  - id: r\n    any:\n      - retas\t\n      - bobol\n")
    report = check_ruleset(folder)
    assert [(p.line, p.message.split(":")[0]) for p in report.errors] == [(7, "YAML syntax")]
    with pytest.raises(RulesError) as info:
        load_ruleset(folder)
    assert "t.yaml:7:" in str(info.value)


def test_topic_must_match_file_name(rules_dir):
    report = check_ruleset(rules_dir(t="topic: other\ntitle: t\nowner: o\nrules:\n  - id: r\n    any: [x]\n"))
    assert "does not match the file name 't.yaml'" in report.errors[0].message


def test_duplicate_rule_ids_across_files(rules_dir):
    report = check_ruleset(rules_dir(a="rules:\n  - id: r\n    any: [x]\n", b="rules:\n  - id: r\n    any: [y]\n"))
    assert [p.message for p in report.errors] == [
        "rule id 'r' is already used in " + report.errors[0].message.split("used in ")[1]
    ]


def test_failing_examples_refuse_the_rule_set(rules_dir):
    body = """
rules:
  - id: r
    any: [retas]
    examples:
      should_match: ["tidak ada apa-apa"]
      should_not_match: ["situs diretas"]
"""
    report = check_ruleset(rules_dir(t=body))
    messages = [p.message for p in report.errors]
    assert messages == [
        "rule 'r' does not match its should_match example 1",
        "rule 'r' matches its should_not_match example 1",
    ]
    assert report.errors[0].line == 9 and "terms found: retas" in report.errors[1].hint


def test_warnings_are_apart_from_errors(rules_dir):
    body = """
terms:
  unused: [a]
rules:
  - id: r
    any: [AS, "x*"]
    query: 'korut or korea'
"""
    report = check_ruleset(rules_dir(t=body))
    assert report.errors == [] and report.ruleset is not None
    text = " | ".join(p.message for p in report.warnings)
    for expected in ("not used by any rule", "very short", "lower-case 'or'", "has no examples", "very short stem"):
        assert expected in text
    assert all(not p.is_error for p in report.warnings)


def test_version_is_a_content_hash(rules_dir, tmp_path):
    a = load_ruleset(rules_dir(t="rules:\n  - id: r\n    any: [x]\n"))
    b = load_ruleset(rules_dir(tmp_path / "copy", t="rules:\n  - id: r\n    any: [x]\n"))
    c = load_ruleset(rules_dir(tmp_path / "edit", t="rules:\n  - id: r\n    any: [y]\n"))
    assert a.version == b.version != c.version and len(a.version) == 12


def test_missing_directory_and_empty_directory(tmp_path):
    assert "does not exist" in check_ruleset(tmp_path / "nope").errors[0].message
    (tmp_path / "empty").mkdir()
    assert "no rule files" in check_ruleset(tmp_path / "empty").errors[0].message


def test_shipped_rules_load_without_errors(rules_dir):
    from pantau.streams.classify import default_rules_dir

    report = check_ruleset(default_rules_dir())
    assert report.errors == [] and set(report.ruleset.topics) == {"cybercrime", "north-korea", "asean"}
