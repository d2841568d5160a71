"""Every PromQL expression operators rely on: dashboard targets and alert rules.

Shared by the static dashboard test and the live Prometheus test. Grafana's
own variables ($__rate_interval, $__range, ...) are replaced by fixed values
so that Prometheus (and the parser) can read the expressions as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import promql_parser
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "pantau.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"

# Grafana's built-in variables and what they become outside Grafana (live test
# scrapes every second, so one minute holds plenty of samples).
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "5m"}
# Series Prometheus itself writes for every target.
PROMETHEUS_BUILTINS = {
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
}

__all__ = [
    "Query",
    "DASHBOARD",
    "ALERTS",
    "PROMETHEUS_BUILTINS",
    "dashboard_panels",
    "dashboard_queries",
    "alert_queries",
    "metric_names",
    "expand",
]


@dataclass(frozen=True)
class Query:
    """One PromQL expression and where it comes from (panel title + refId, or alert name)."""

    where: str
    expr: str


def expand(expr: str) -> str:
    """The expression with Grafana's variables replaced by fixed durations."""
    for name, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(name, value)
    if "$" in expr.replace("$labels", "").replace("$value", ""):
        raise ValueError(f"unknown Grafana variable left in {expr!r}")
    return expr


def dashboard_panels() -> list[dict]:
    """The dashboard's panels, rows flattened."""
    panels = []
    for panel in json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"]:
        panels.extend(panel.get("panels", []) if panel["type"] == "row" else [panel])
    return panels


def dashboard_queries() -> list[Query]:
    """Every panel target's expression, variables expanded."""
    return [
        Query(f"panel {p['title']!r} {t['refId']}", expand(t["expr"]))
        for p in dashboard_panels()
        for t in p.get("targets", [])
    ]


def alert_queries() -> list[Query]:
    """Every alert rule's expression."""
    groups = YAML(typ="safe").load(ALERTS.read_text(encoding="utf-8"))["groups"]
    return [Query(f"alert {r['alert']}", r["expr"].strip()) for g in groups for r in g["rules"] if "alert" in r]


def metric_names(expr: str) -> set[str]:
    """Metric names an expression selects (by name or by a ``__name__="..."`` matcher)."""
    names: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            if node.name:
                names.add(node.name)
            for matcher in node.matchers.matchers:
                if matcher.name == "__name__":
                    if not re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", matcher.value):
                        raise ValueError(f"{expr!r}: a regex over metric names cannot be checked")
                    names.add(matcher.value)

    promql_parser.walk(promql_parser.parse(expr), pre_visit=visit)
    return names
