"""Every metric pantau declares passes the REAL `promtool check metrics`, with sane labels."""

from __future__ import annotations

import subprocess

import pytest
from exported import declared_metrics, labelnames
from prometheus_client import REGISTRY, Histogram, Info, generate_latest
from prometheus_client.parser import text_string_to_metric_families

import pantau.core.metrics as metrics

pytestmark = pytest.mark.prometheus

# Labels whose values come from a bounded set (config, rules, fixed outcomes). A
# label such as url, title or article would grow without bound; feed ids are
# the one per-feed label, so 10,000 feeds cost 10,000 series per feed gauge.
# route: one value per configured route, like destination.
# "directory": the one rules directory a process watches (a label so that processes without rules export nothing).
# "bootstrap": the Kafka address of the process (one per deployment); "mode": subscribe or unsubscribe.
BOUNDED_LABELS = {
    "feed",
    "topic",
    "rule",
    "destination",
    "route",
    "outcome",
    "result",
    "state",
    "verdict",
    "directory",
    "bootstrap",
    "mode",
}


def _promtool_check(promtool: str, text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)


def test_promtool_check_metrics_is_clean(promtool: str, exposition: str) -> None:
    result = _promtool_check(promtool, exposition)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (result.stdout + result.stderr).strip() == ""


def test_promtool_would_catch_a_badly_named_counter(promtool: str) -> None:
    # The check above can fail: promtool lints what we would get wrong.
    bad = "# HELP pantau_fetches Fetches.\n# TYPE pantau_fetches counter\npantau_fetches 1\n"
    result = _promtool_check(promtool, bad)
    assert result.returncode != 0 and "_total" in result.stdout + result.stderr


def test_every_declared_metric_renders_a_sample(exposition: str) -> None:
    families = {f.name: f for f in text_string_to_metric_families(exposition)}
    for metric in declared_metrics():
        # Info renders as a gauge named <name>_info; counters' families drop _total.
        name = metric._name + ("_info" if isinstance(metric, Info) else "")  # type: ignore[attr-defined]
        assert name in families, f"{name} missing from /metrics"
        assert families[name].samples, f"{name} has no sample"


def test_names_follow_pantau_subsystem_name_unit() -> None:
    for metric in declared_metrics():
        name = metric._name  # type: ignore[attr-defined]
        assert name.startswith("pantau_"), name
        if isinstance(metric, Histogram):
            assert name.endswith(("_seconds", "_bytes")), f"{name}: histograms measure base units"
        if "duration" in name or "latency" in name or "lag_seconds" in name:
            assert name.endswith("_seconds"), name


def test_labels_are_bounded_so_10000_feeds_stay_cheap() -> None:
    for metric in declared_metrics():
        labels = set(labelnames(metric))
        assert labels <= BOUNDED_LABELS, f"{metric._name}: unbounded labels {labels - BOUNDED_LABELS}"  # type: ignore[attr-defined]
        if "feed" in labels:
            assert labels == {"feed"}, f"{metric._name}: per-feed series must carry no other label"  # type: ignore[attr-defined]


def test_reload_results_and_primed_destinations_start_at_zero() -> None:
    # A series that appears at 1 is invisible to increase(); the alert rules need the zero first.
    metrics.prime_destination("ops-test-dest")
    try:
        families = {f.name: f for f in text_string_to_metric_families(generate_latest(REGISTRY).decode())}
        reloads = {
            s.labels["result"]: s.value for s in families["pantau_rules_reload"].samples if s.name.endswith("_total")
        }
        assert reloads.keys() >= {"ok", "error"}
        dead_lettered = [
            s
            for s in families["pantau_alerts"].samples
            if s.name == "pantau_alerts_total"
            and s.labels == {"destination": "ops-test-dest", "outcome": "dead_lettered"}
        ]
        assert [s.value for s in dead_lettered] == [0.0]
    finally:
        for outcome in metrics._ALERT_OUTCOMES:
            metrics.ALERTS.remove("ops-test-dest", outcome)
        metrics.DELIVERY_LATENCY.remove("ops-test-dest")
