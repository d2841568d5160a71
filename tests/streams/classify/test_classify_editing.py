"""The editor's loop survives any edit: typos in list references are located errors, everywhere.

Each command an editor or operator runs on a rule folder (``rules check``,
``rules diff``, ``classify --rules``, ``status --config``, ``run --once``) must
print the located errors -- file:line:col, the value, a did-you-mean -- and
exit 1, never a traceback.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest
from conftest import SHIPPED_RULES

from pantau.cli.main import main
from pantau.core.errors import RulesError
from pantau.streams.classify import check_ruleset, load_ruleset


def shipped_copy(tmp_path: Path, name: str = "rules") -> Path:
    """A copy of the shipped rule files (no corpus) to edit."""
    target = tmp_path / name
    target.mkdir()
    for path in SHIPPED_RULES.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` (which must be there) in a rule file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.fixture
def misspelled(tmp_path: Path) -> Path:
    """The shipped rules with ``none: ["@sprot"]`` and ``any: ["@coc"]`` (a list asean.yaml does not define)."""
    rules = shipped_copy(tmp_path)
    edit(rules / "asean.yaml", 'none: ["@sport"]', 'none: ["@sprot"]')
    edit(rules / "north-korea.yaml", 'any: ["@hacker_groups"]', 'any: ["@hacker_grops"]')
    return rules


def test_misspelled_lists_in_any_and_none_are_located_all_at_once(misspelled: Path) -> None:
    report = check_ruleset(misspelled)
    asean, nk = misspelled / "asean.yaml", misspelled / "north-korea.yaml"
    located = {(Path(p.file).name, p.line, p.col): p.message for p in report.errors}
    sprot = (asean.name, line_of(asean, '"@sprot"'), 12)
    grops = (nk.name, line_of(nk, '"@hacker_grops"'), 11)
    assert set(located) == {sprot, grops}, report.errors
    assert "unknown list '@sprot' (did you mean '@sport'?)" in located[sprot]
    assert "unknown list '@hacker_grops' (did you mean '@hacker_groups'?)" in located[grops]
    assert report.ruleset is None


def test_a_renamed_list_another_file_refers_to_is_located_in_the_referring_file(tmp_path: Path) -> None:
    rules = shipped_copy(tmp_path)
    nk, cyber = rules / "north-korea.yaml", rules / "cybercrime.yaml"
    edit(nk, "  hacker_groups:", "  hacker_group:")
    edit(nk, '"@hacker_groups"', '"@hacker_group"', count=-1)  # every reference in its own file (salience too)
    with pytest.raises(RulesError) as info:
        load_ruleset(rules)
    [problem] = info.value.problems
    assert (Path(problem.file).name, problem.line) == ("cybercrime.yaml", line_of(cyber, "@north-korea.hacker_groups"))
    assert "unknown list '@north-korea.hacker_groups' (did you mean '@north-korea.hacker_group'?)" in problem.message


def test_a_list_in_any_of_a_single_plain_list_reference_is_checked_like_in_all(rules_dir) -> None:
    # The same typo in all:, any:, none: and query: gives the same located message.
    body = """
terms:
  sport: [sepak bola]
rules:
  - id: r
    any: [retas, "@sprot"]
    all: ["@sprot"]
    none: ["@sprot"]
    query: '@sprot'
"""
    report = check_ruleset(rules_dir(t=body))
    assert [(p.line, p.message.split(": ", 1)[1]) for p in report.errors] == [
        (9, "unknown list '@sprot' (did you mean '@sport'?)"),
        (10, "unknown list '@sprot' (did you mean '@sport'?)"),
        (11, "unknown list '@sprot' (did you mean '@sport'?)"),
        (12, "unknown list '@sprot' (did you mean '@sport'?)"),
    ]


def run(capsys, monkeypatch, argv: list[str], stdin: str = "") -> tuple[int, str]:
    """Run the real entry point; exit code and everything printed."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


def _config(tmp_path: Path, rules: Path) -> Path:
    from pantau.adapters.sqlite.state import open_state

    open_state(tmp_path / "state.db").close()  # status reads an existing state file
    path = tmp_path / "pantau.yaml"
    path.write_text(f"rules: {rules}\nstate: {tmp_path / 'state.db'}\nmetrics: null\nfeeds: []\n", encoding="utf-8")
    return path


def test_every_command_reports_the_typo_located_without_a_traceback(capsys, monkeypatch, misspelled, tmp_path):
    config = _config(tmp_path, misspelled)
    article = '{"title": "Korut luncurkan rudal", "language": "id"}\n'
    commands = {
        "rules check": ["rules", "check", str(misspelled)],
        "rules diff": ["rules", "diff", str(SHIPPED_RULES), str(misspelled)],
        "classify --rules": ["classify", "--rules", str(misspelled), "-"],
        "run --once": ["run", "--once", "--config", str(config)],
    }
    for name, argv in commands.items():
        code, printed = run(capsys, monkeypatch, argv, article)
        assert code == 1, (name, printed)
        assert "Traceback" not in printed, name
        assert "asean.yaml:" in printed and "'@sprot'" in printed and "did you mean '@sport'?" in printed, (
            name,
            printed,
        )
        assert "north-korea.yaml:" in printed and "'@hacker_grops'" in printed, (name, printed)  # all at once
    # status reports the refused rules on disk and carries on with the rest of the report
    code, printed = run(capsys, monkeypatch, ["status", "--config", str(config)])
    assert "Traceback" not in printed
    assert "rules on disk refused" in " ".join(printed.split()) and "@sprot" in printed, printed


def test_rules_check_without_a_folder_checks_dot_rules_else_the_shipped_rules_and_says_so(
    capsys, monkeypatch, tmp_path
):
    here = tmp_path / "desk"
    (here / "rules").mkdir(parents=True)
    (here / "rules" / "t.yaml").write_text("topic: t\ntitle: t\nowner: o\nrules:\n  - id: r\n    any: [retas]\n")
    monkeypatch.chdir(here)
    code, printed = run(capsys, monkeypatch, ["rules", "check"])
    assert code == 0 and printed.startswith("checking rules (no folder given, and ./rules exists)\n")
    assert "1 rules in 1 topics (t)" in printed
    monkeypatch.chdir(tmp_path)
    code, printed = run(capsys, monkeypatch, ["rules", "check"])
    assert (
        code == 0 and "(the rules shipped with pantau: no folder given and no ./rules here)" in printed.splitlines()[0]
    )
    assert "3 topics" in printed


def test_rules_check_of_one_file_checks_its_folder_and_says_so(capsys, monkeypatch, misspelled):
    code, printed = run(capsys, monkeypatch, ["rules", "check", str(misspelled / "cybercrime.yaml")])
    first = printed.splitlines()[0]
    assert (
        first == f"checking {misspelled} (the folder of cybercrime.yaml: rules use lists and topics of the other files)"
    )
    assert code == 1 and "asean.yaml:" in printed and "'@sprot'" in printed  # the typo is in another file


def test_rules_test_with_a_missing_corpus_fails(capsys, monkeypatch, tmp_path):
    code, printed = run(capsys, monkeypatch, ["rules", "test", str(SHIPPED_RULES), "--corpus", str(tmp_path / "nope")])
    assert code == 1 and f"corpus {tmp_path / 'nope'} does not exist" in printed and "Traceback" not in printed


OLD = """
rules:
  - id: r
    any: [retas]
    examples:
      should_match: ["server diretas"]
      should_not_match: ["phishing bank"]
"""
NEW = """
rules:
  - id: r
    any: [retas, phishing]
    none: [latihan]
    examples:
      should_match: ["server diretas"]
      should_not_match: ["phishing bank"]
"""


def test_rules_diff_previews_an_edit_whose_examples_fail_and_names_the_term(capsys, monkeypatch, rules_dir, tmp_path):
    old, new = rules_dir(tmp_path / "old", t=OLD), rules_dir(tmp_path / "new", t=NEW)
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        '{"title": "Gelombang phishing incar nasabah"}\n'
        '{"title": "Latihan tim siber: server diretas"}\n'
        '{"title": "Harga cabai naik"}\n'
    )
    code, printed = run(capsys, monkeypatch, ["rules", "diff", str(old), str(new), str(articles)])
    lines = printed.splitlines()
    assert "+t: rule r now finds 'phishing'" in [line.strip() for line in lines]
    assert "-t: rule r is now blocked by 'latihan'" in [line.strip() for line in lines]
    assert any(line.startswith("2 of 3 articles change: 1 topic(s) gained, 1 lost") for line in lines)
    # the failing example is part of the report, after the diff, and the exit status says the edit would be refused
    assert "1 example(s) of the edited rules now fail; they would refuse the edit live:" in printed
    assert "t.yaml:11:26:" in printed and "rule 'r' matches its should_not_match example 1" in printed
    assert code == 1


def test_rules_diff_refuses_malformed_lines_with_their_line_numbers(capsys, monkeypatch, rules_dir, tmp_path):
    old, new = rules_dir(tmp_path / "old", t=OLD), rules_dir(tmp_path / "new", t=OLD)
    articles = tmp_path / "articles.jsonl"
    articles.write_text('{"title": "ok"}\nnot json\n{"title": 5}\n')
    code, printed = run(capsys, monkeypatch, ["rules", "diff", str(old), str(new), str(articles)])
    assert code == 1 and "articles change" not in printed
    assert f"{articles}:2: not a JSON object" in printed and f"{articles}:3: " in printed
    assert "2 malformed line(s)" in printed and "Traceback" not in printed


def test_rules_check_of_a_file_that_is_no_rule_file_is_an_error(capsys, monkeypatch, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not rules\n")
    code, printed = run(capsys, monkeypatch, ["rules", "check", str(notes)])
    assert code == 1 and f"pantau: error: {notes} is a file, not a rules folder" in printed


JUDGED_OLD = """
terms:
  incident: [serangan siber, ransomware]
rules:
  - id: r
    any: ["@incident"]
"""
JUDGED_NEW = """
terms:
  incident: [serangan siber, ransomware]
denials:
  before: [bukan]
salience:
  lead_words: 5
  min_hits: 2
rules:
  - id: r
    any: ["@incident"]
"""


def test_rules_diff_says_when_a_denial_or_salience_decided(capsys, monkeypatch, rules_dir, tmp_path):
    old, new = rules_dir(tmp_path / "old", t=JUDGED_OLD), rules_dir(tmp_path / "new", t=JUDGED_NEW)
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        '{"title": "Bank: gangguan bukan serangan siber"}\n'
        '{"title": "Harga cabai naik", "content": "Pedagang mengeluh harga naik lagi minggu ini, kata mereka. '
        'Di tempat lain ada ransomware."}\n'
    )
    code, printed = run(capsys, monkeypatch, ["rules", "diff", str(old), str(new), str(articles)])
    lines = [line.strip() for line in printed.splitlines()]
    assert "-t: rule r no longer counts: not counted: «serangan siber» (title, next to «bukan»): denied" in lines
    assert any(line.startswith("-t: rule r: salience decided, a passing mention: 1 hit(s)") for line in lines)
    assert code == 0
