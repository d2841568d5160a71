"""Reading one rule file (streams/classify/rule_file.py): the valid rules kept, each problem located."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.streams.classify.problems import Report
from pantau.streams.classify.rule_file import display_name, read_rule_file

ONE_GOOD_ONE_BAD = """\
topic: cyber
title: Cyber
owner: desk@example.org
rules:
  - id: good
    any: [retas]
  - id: bad
    any: [bobol]
    severity: hgih
"""


@pytest.mark.parametrize("located", [True, False])
def test_a_file_keeps_its_valid_rules_and_reports_the_bad_one(tmp_path: Path, located: bool) -> None:
    path = tmp_path / "cyber.yaml"
    raw = ONE_GOOD_ONE_BAD.encode()
    report = Report(None)
    read = read_rule_file(path, raw, report, located)
    assert read is not None
    assert [rule.id for rule in read.spec.rules] == ["good"]
    assert read.rule_index == [0]
    [problem] = report.errors
    assert "severity 'hgih'" in problem.message
    if located:
        assert (problem.line, problem.col) == (9, 15)


def test_a_file_with_nothing_to_check_is_none_with_the_reason(tmp_path: Path) -> None:
    report = Report(None)
    assert read_rule_file(tmp_path / "cyber.yaml", b"- just\n- a list\n", report, True) is None
    [problem] = report.errors
    assert "must be a mapping" in problem.message
    report = Report(None)
    assert read_rule_file(tmp_path / "cyber.yaml", "topic: cyber\n".encode("utf-16"), report, True) is None
    assert "not UTF-8" in report.errors[0].message


def test_a_topic_that_is_not_the_file_name_is_located_at_topic(tmp_path: Path) -> None:
    report = Report(None)
    read = read_rule_file(tmp_path / "asean.yaml", ONE_GOOD_ONE_BAD.encode(), report, True)
    assert read is not None  # still checked further: the rules themselves are fine
    wrong = [p for p in report.errors if "does not match the file name" in p.message]
    assert [(p.line, p.col, p.hint) for p in wrong] == [(1, 8, "write topic: asean, or rename the file")]


def test_display_name_is_relative_under_the_working_folder_else_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    (work / "rules").mkdir(parents=True)
    monkeypatch.chdir(work)
    assert display_name(work / "rules" / "cyber.yaml") == str(Path("rules") / "cyber.yaml")
    outside = tmp_path / "elsewhere" / "cyber.yaml"
    assert display_name(outside) == str(outside)
