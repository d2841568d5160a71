"""``pantau rules quality|candidates`` over a real state file (pantau/cli/rules_review.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pantau.adapters.sqlite.archive import ArchiveStore
from pantau.adapters.sqlite.feedback import FeedbackStore
from pantau.adapters.sqlite.state import open_state
from pantau.cli.main import main
from tests.adapters.sqlite.test_feedback_store import entry


@pytest.fixture
def judged(tmp_path: Path) -> Path:
    """A config whose state file holds three alerts, two verdicts and one miss."""
    state = tmp_path / "state.db"
    conn = open_state(state)
    archive = ArchiveStore(conn)
    archive.record(
        [entry(1, [("cybercrime", "hackers")]), entry(2, [("cybercrime", "hackers")]), entry(3, []), entry(5, [])]
    )
    fb = FeedbackStore(conn, archive)
    fb.record("key1", "relevant", who="ana")
    fb.record("key2", "not_relevant", who="budi")
    fb.should_have_alerted(entry(3, []).classified.article.id, "cybercrime", who="ana")
    conn.close()
    config = tmp_path / "pantau.yaml"
    config.write_text(f"metrics: null\nstate: {state}\nfeeds: []\n", encoding="utf-8")
    return config


def test_quality_prints_alerts_verdicts_and_precision_per_topic_then_per_rule(judged: Path, capsys) -> None:
    assert main(["rules", "quality", "--config", str(judged), "--since", "3650d"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["topic", "alerts", "verdicts", "relevant", "not", "precision", "missed"]
    assert lines[1].split() == ["cybercrime", "2", "2", "1", "1", "50%", "1"]
    assert lines[3].split() == ["topic/rule", "alerts", "verdicts", "relevant", "not", "precision"]
    assert lines[4].split() == ["cybercrime/hackers", "2", "2", "1", "1", "50%"]
    assert main(["rules", "quality", "--config", str(judged), "--since", "3650d", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["rule"], r["precision"]) for r in data["rules"]] == [("hackers", 0.5)]


def test_candidates_list_each_offer_with_the_yaml_an_editor_can_paste(judged: Path, capsys) -> None:
    assert main(["rules", "candidates", "--config", str(judged)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    wrong = lines.index(next(line for line in lines if line.startswith("should_not_match for cybercrime/hackers")))
    assert "(marked not relevant by budi, " in lines[wrong]
    assert lines[wrong + 1] == '    - title: "Judul berita 2"'
    assert lines[wrong + 2] == '      content: "Ringkasan berita nomor 2."'
    assert lines[wrong + 3] == "      language: id"
    assert any(
        line.startswith("should_match for topic cybercrime  (marked should have alerted by ana") for line in lines
    )
    assert "2 candidate(s); paste one under the rule's examples: and run `pantau rules test`" in captured.err
