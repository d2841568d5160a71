"""deploy/grafana: the dashboard validates against Grafana's published JSON schemas,
its queries are PromQL over metrics pantau exports, and provisioning points at it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from operator_queries import DASHBOARD, PROMETHEUS_BUILTINS, dashboard_panels, dashboard_queries, metric_names
from ruamel.yaml import YAML

SCHEMAS = Path(__file__).resolve().parent / "schemas" / "grafana"
GRAFANA = DASHBOARD.parents[1]
# What the issue asks the dashboard to show, each as words of some panel title.
REQUIRED_VIEWS = [
    "failing feeds",
    "silent feeds",
    "articles per minute",
    "fetch latency",
    "matches by topic",
    "alerts by destination and outcome",
    "delivery latency",
    "consumer lag",
    "rule set version",
    "rule reloads",
]


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.jsonschema.json").read_text(encoding="utf-8"))


def _validator(name: str, definition: str | None = None) -> jsonschema.Draft7Validator:
    schema = _schema(name)
    if definition:  # validate against one definition of the file, keeping its $refs resolvable
        schema = {**schema, "$ref": f"#/definitions/{definition}"}
    return jsonschema.Draft7Validator(schema)


def _errors(validator: jsonschema.Draft7Validator, instance: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def _dashboard() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def test_dashboard_validates_against_grafanas_dashboard_schema() -> None:
    assert _errors(_validator("dashboard"), _dashboard()) == []


def test_the_schema_would_refuse_a_broken_dashboard() -> None:
    broken = _dashboard()
    broken["panels"][0]["gridPos"]["w"] = 30  # wider than Grafana's 24-column grid
    broken["refreshEvery"] = "30s"  # not a dashboard field
    errors = _errors(_validator("dashboard"), broken)
    assert any("refreshEvery" in e for e in errors) and errors


@pytest.mark.parametrize("panel", dashboard_panels(), ids=lambda p: p["title"])
def test_panel_options_and_targets_follow_their_plugin_schemas(panel: dict) -> None:
    options = _validator(panel["type"], "Options")
    assert _errors(options, panel.get("options", {})) == []
    custom = panel.get("fieldConfig", {}).get("defaults", {}).get("custom")
    if custom is not None and "FieldConfig" in _schema(panel["type"])["definitions"]:
        assert _errors(_validator(panel["type"], "FieldConfig"), custom) == []
    query = _validator("prometheus", "Dataquery")
    for target in panel["targets"]:
        assert _errors(query, target) == []
        assert target["datasource"] == {"type": "prometheus", "uid": "pantau-prometheus"}


def test_panel_ids_are_unique_and_panels_do_not_overlap() -> None:
    panels = dashboard_panels()
    assert len({p["id"] for p in panels}) == len(panels)
    cells: set[tuple[int, int]] = set()
    for p in panels:
        g = p["gridPos"]
        mine = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not cells & mine, f"{p['title']} overlaps another panel"
        cells |= mine


def test_every_query_names_only_metrics_pantau_exports(exported_names: set[str]) -> None:
    unknown = {
        q.where: sorted(metric_names(q.expr) - exported_names - PROMETHEUS_BUILTINS) for q in dashboard_queries()
    }
    assert {where: names for where, names in unknown.items() if names} == {}


def test_the_dashboard_shows_every_view_the_issue_asks_for() -> None:
    titles = " | ".join(p["title"].lower() for p in dashboard_panels())
    assert [view for view in REQUIRED_VIEWS if view not in titles] == []


def test_provisioning_serves_this_dashboard_from_prometheus() -> None:
    yaml = YAML(typ="safe")
    datasources = yaml.load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    (source,) = datasources["datasources"]
    assert (source["type"], source["uid"]) == ("prometheus", "pantau-prometheus")
    providers = yaml.load((GRAFANA / "provisioning" / "dashboards" / "pantau.yml").read_text())
    (provider,) = providers["providers"]
    # docker-compose.yml mounts deploy/grafana/dashboards here.
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"
    assert DASHBOARD.parent.name == "dashboards"
