"""deploy/prometheus: the REAL promtool checks the config and rules and runs their unit tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

pytestmark = pytest.mark.prometheus

PROMETHEUS_DIR = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
ALERTS = PROMETHEUS_DIR / "alerts.yml"
ALERTS_TEST = PROMETHEUS_DIR / "alerts_test.yml"


def _load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _rules() -> list[dict]:
    return [rule for group in _load(ALERTS)["groups"] for rule in group["rules"] if "alert" in rule]


def _promtool(promtool: str, *args: str, cwd: Path = PROMETHEUS_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_promtool_check_rules_accepts_alerts_yml(promtool: str) -> None:
    result = _promtool(promtool, "check", "rules", str(ALERTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(_rules())} rules found" in result.stdout


def test_promtool_check_config_accepts_prometheus_yml(promtool: str) -> None:
    result = _promtool(promtool, "check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_of_every_alert_pass(promtool: str) -> None:
    result = _promtool(promtool, "test", "rules", ALERTS_TEST.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_the_unit_tests_catch_a_broken_rule(promtool: str, tmp_path: Path) -> None:
    # Proof the suite can fail: raise one threshold and promtool must report it.
    shutil.copy(ALERTS_TEST, tmp_path / ALERTS_TEST.name)
    broken = ALERTS.read_text().replace(
        "expr: pantau_sources_feed_consecutive_failures >= 3", "expr: pantau_sources_feed_consecutive_failures >= 30"
    )
    assert broken != ALERTS.read_text()
    (tmp_path / ALERTS.name).write_text(broken)
    result = _promtool(promtool, "test", "rules", ALERTS_TEST.name, cwd=tmp_path)
    assert result.returncode != 0 and "PantauFeedFailing" in result.stdout + result.stderr


def test_every_alert_has_a_firing_and_a_quiet_unit_test() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in _load(ALERTS_TEST)["tests"]:
        for check in case.get("alert_rule_test", []):
            (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in _rules()}
    assert names - firing == set(), "alerts without a firing test"
    assert names - quiet == set(), "alerts without a test where they stay quiet"
    assert (firing | quiet) - names == set(), "tests for alerts that do not exist"


def test_every_alert_has_summary_description_runbook_and_severity() -> None:
    for rule in _rules():
        notes = rule.get("annotations", {})
        assert {"summary", "description", "runbook"} <= set(notes), rule["alert"]
        assert rule.get("labels", {}).get("severity") in {"info", "warning", "critical"}, rule["alert"]


def test_descriptions_name_the_feed_or_destination_they_are_about() -> None:
    for rule in _rules():
        description = rule["annotations"]["description"]
        if "pantau_sources_feed_" in rule["expr"] and "count by" not in rule["expr"]:
            assert "$labels.feed" in description, rule["alert"]
        if "pantau_alerts_" in rule["expr"]:
            assert "$labels.destination" in description, rule["alert"]
        if rule["expr"].startswith("up"):
            assert "$labels.instance" in description, rule["alert"]
