"""`pantau classify` and `pantau rules check|test|diff` through the real entry point."""

from __future__ import annotations

import io
import json
import sys

from conftest import CORPUS, SHIPPED_RULES

from pantau.cli.main import main


def run(capsys, monkeypatch, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_classify_json_lines_in_order(capsys, monkeypatch):
    lines = [
        {"title": "Korut luncurkan rudal", "language": "id", "link": "https://x/1", "extra": 1},
        {"content": "Harga cabai naik.", "language": "id"},
        {"title": "ASEAN ministers discuss hackers from North Korea", "language": "en"},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\nnot json\n"
    code, out, _ = run(capsys, monkeypatch, ["classify", "--rules", str(SHIPPED_RULES), "-"], stdin)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(records) == 4
    assert records[0]["topics"] == ["north-korea"] and records[0]["url"] == "https://x/1"
    assert records[0]["matches"][0]["hits"][0] == {
        "term": "Korut",
        "field": "title",
        "start": 0,
        "end": 5,
        "text": "Korut",
    }
    assert records[1]["topics"] == []
    assert records[2]["topics"] == ["asean", "cybercrime", "north-korea"]
    assert records[3]["line"] == 4 and "error" in records[3]


def test_rules_check_ok_and_refused(capsys, monkeypatch, rules_dir):
    code, out, _ = run(capsys, monkeypatch, ["rules", "check", str(SHIPPED_RULES)])
    assert code == 0 and "3 topics" in out
    bad = rules_dir(t="rules:\n  - id: r\n    any: [x]\n    keywrods: [y]\n")
    code, out, err = run(capsys, monkeypatch, ["rules", "check", str(bad)])
    assert code == 1 and "t.yaml:7:5: error: unknown field 'keywrods'" in out and "refused" in err
    assert "warning: rule 'r' has no examples" not in out.split("error:")[0]


def test_rules_test_prints_precision_and_recall(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, ["rules", "test", str(SHIPPED_RULES), "--corpus", str(CORPUS)])
    assert code == 0, out
    assert "precision" in out and "MISS" not in out
    for topic in ("asean", "cybercrime", "north-korea"):
        assert f"  {topic}" in out


def test_rules_test_fails_on_a_mislabelled_corpus(capsys, monkeypatch, tmp_path):
    (tmp_path / "c.yaml").write_text(
        "- id: x\n  language: id\n  title: Korut uji rudal\n  topics: []\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, monkeypatch, ["rules", "test", str(SHIPPED_RULES), "--corpus", str(tmp_path)])
    assert code == 1 and "MISS x: expected [] got [north-korea]" in out


def test_rules_test_scores_several_corpora_each_with_its_mistakes(capsys, monkeypatch, tmp_path):
    (tmp_path / "c.yaml").write_text(
        "- id: x\n  language: id\n  title: Korut uji rudal\n  topics: []\n", encoding="utf-8"
    )
    code, out, _ = run(
        capsys, monkeypatch, ["rules", "test", str(SHIPPED_RULES), "--corpus", str(CORPUS), "--corpus", str(tmp_path)]
    )
    assert code == 1
    first, second = out.split(f"from {tmp_path}")
    assert f"from {CORPUS}" in first and "MISS" not in first
    assert "north-korea        0.000" in second and "MISS x: expected [] got [north-korea]" in second


def test_rules_diff_shows_gains_and_losses(capsys, monkeypatch, rules_dir, tmp_path):
    old = rules_dir(tmp_path / "old", t="rules:\n  - id: r\n    any: [alpha]\n")
    new = rules_dir(tmp_path / "new", t="rules:\n  - id: r\n    any: [beta]\n")
    articles = tmp_path / "a.jsonl"
    articles.write_text('{"title": "alpha news"}\n{"title": "beta news"}\n{"title": "gamma"}\n', encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, ["rules", "diff", str(old), str(new), str(articles)])
    assert code == 0
    assert out.splitlines()[:4] == [
        f"{'-t':<30} alpha news",
        "    -t: rule r no longer finds 'alpha'",
        f"{'+t':<30} beta news",
        "    +t: rule r now finds 'beta'",
    ]
    assert "2 of 3 articles change" in out


def test_classify_reads_a_file_and_the_config_rules_path(capsys, monkeypatch, rules_dir, tmp_path):
    directory = rules_dir(t="rules:\n  - id: r\n    any: [alpha]\n")
    config = tmp_path / "pantau.yaml"
    config.write_text(f"rules: {directory}\n", encoding="utf-8")
    articles = tmp_path / "in.jsonl"
    articles.write_text('{"title": "Alpha"}\n', encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, ["classify", "--config", str(config), str(articles)])
    assert code == 0 and json.loads(out)["topics"] == ["t"]


def test_classify_missing_file_is_a_clear_error(capsys, monkeypatch, tmp_path):
    code, _, err = run(capsys, monkeypatch, ["classify", "--rules", str(SHIPPED_RULES), str(tmp_path / "nope.jsonl")])
    assert code == 1 and "nope.jsonl does not exist" in err and "hint:" in err


def test_invalid_rules_refuse_classify_with_the_located_error(capsys, monkeypatch, rules_dir):
    bad = rules_dir(t="rules:\n  - id: r\n    any: [x]\n    severity: hgih\n")
    code, _, err = run(capsys, monkeypatch, ["classify", "--rules", str(bad), "-"], "")
    assert code == 1 and "t.yaml:7:15: severity 'hgih'" in err
