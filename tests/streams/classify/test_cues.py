"""A rule file's cues compiled to term keys (cues.py): denials, senses, salience mentions, beside: topics.

Called directly on a file read by ``read_rule_file``: which keys each item
becomes in the one term table, and where a bad item is located.
"""

from __future__ import annotations

from pathlib import Path

from pantau.streams.classify.cues import check_beside, compile_cues, cue_keys, salience_keys
from pantau.streams.classify.judgement import DENIED
from pantau.streams.classify.named_lists import resolve_lists
from pantau.streams.classify.problems import Report, RuleFile
from pantau.streams.classify.rule_file import read_rule_file
from pantau.streams.classify.terms import TermTable

CYBER = """\
topic: cyber
title: Cyber
owner: desk@example.org
terms:
  denied: [bukan, tidak ada]
  drills: [latihan, simulasi]
salience:
  mentions: [peretasan, "@drills"]
  beside: [asean, asian]
denials:
  before: ["@denied", not]
  after: [dibantah]
  unless: [bukan hanya]
senses:
  - why: a drill
    terms: [serangan]
    before: ["@drills"]
    fields: [title]
  - why: a hackathon
    before: [hackathon, "@nope", "topic:asean"]
rules:
  - id: hack
    any: [peretasan, serangan, "@drills", "@denied"]
"""


def _setup(tmp_path: Path) -> tuple[RuleFile, TermTable, dict, Report]:
    report = Report(None)
    f = read_rule_file(tmp_path / "cyber.yaml", CYBER.encode(), report, True)
    assert f is not None and not report.errors
    return f, TermTable(), resolve_lists([f], report)["cyber"], report


def _words(table: TermTable, keys: frozenset[int]) -> set[str]:
    return {table.labels[k] for k in keys}


def test_cue_items_become_the_keys_of_their_terms_and_lists_and_mark_the_lists_used(tmp_path: Path) -> None:
    f, table, lists, report = _setup(tmp_path)
    used: set[str] = set()
    keys = cue_keys(["@denied", "not", "tidak ada"], table, lists, ("denials", "before"), f, report, used)
    assert _words(table, keys) == {"bukan", "tidak ada", "not"} and not report.errors
    assert used == {"denied"}
    assert keys == cue_keys(
        ["tidak ada", "bukan", "not"], table, lists, ("x",), f, report, set()
    )  # one table: same keys


def test_an_unknown_list_or_an_item_that_is_no_cue_is_a_located_error(tmp_path: Path) -> None:
    f, table, lists, report = _setup(tmp_path)
    where = ("senses", 1, "before")
    keys = cue_keys(["hackathon", "@nope", "topic:asean"], table, lists, where, f, report, set())
    assert _words(table, keys) == {"hackathon"}  # the good item still counts
    assert [(p.line, p.col) for p in report.errors] == [(20, 25), (20, 34)]
    assert report.errors[0].message == "unknown list '@nope'"
    assert report.errors[1].message == "'topic:asean' cannot be a cue"


def test_mention_keys_are_the_salience_mentions_or_none_for_every_term(tmp_path: Path) -> None:
    f, table, lists, report = _setup(tmp_path)
    keys = salience_keys(f.spec.salience, "mentions", (), f, table, lists, report, set())
    assert _words(table, keys) == {"peretasan", "latihan", "simulasi"}
    assert salience_keys(None, "mentions", (), f, table, lists, report, set()) == frozenset()


def test_a_beside_topic_must_be_a_topic_of_the_set(tmp_path: Path) -> None:
    f, _table, _lists, report = _setup(tmp_path)
    check_beside(f.spec.salience, ("salience", "beside"), f, frozenset({"cyber", "asean"}), report)
    [problem] = report.errors
    assert (problem.line, problem.col) == (9, 19)
    assert problem.message == "salience beside: unknown topic 'asian' (did you mean 'asean'?)"
    assert problem.hint == "name a topic of this folder: asean, cyber"


def test_the_files_denials_and_senses_compile_in_order_with_their_keys(tmp_path: Path) -> None:
    f, table, lists, report = _setup(tmp_path)
    denial, drill, hackathon = compile_cues(f, table, lists, report, set())
    assert (denial.why, denial.targets, denial.contrast) == (DENIED, None, True)
    assert _words(table, denial.before) == {"bukan", "tidak ada", "not"}
    assert _words(table, denial.after) == {"dibantah"} and _words(table, denial.unless) == {"bukan hanya"}
    assert drill.why == "a drill" and drill.targets is not None and _words(table, drill.targets) == {"serangan"}
    assert _words(table, drill.before) == {"latihan", "simulasi"} and drill.fields == frozenset({0})
    assert hackathon.targets is None  # no terms: every term of the topic
    assert len(report.errors) == 2  # the bad items of the second sense, located as above
