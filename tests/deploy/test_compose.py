"""docker-compose.yml and deploy/Dockerfile, checked offline (no Docker engine needed).

The compose file is validated against the Compose Specification's JSON Schema as
vendored by check-jsonschema (``--builtin-schema vendor.compose-spec``), then
against what pantau needs from it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from pantau.config import load_config

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict:
    # Merge keys (<<: *pantau) resolved, as docker compose resolves them.
    return YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8"))


def compose_schema() -> dict:
    # Located without importing check_jsonschema: its CLI module needs a newer click
    # than faust-streaming allows (click<8.4), but the vendored schema is plain data.
    package = Path(importlib.util.find_spec("check_jsonschema").submodule_search_locations[0])
    vendored = package / "builtin_schemas" / "vendor" / "compose-spec.json"
    return json.loads(vendored.read_text(encoding="utf-8"))


def bind_mounts(service: dict) -> dict[str, str]:
    """Container path -> host path of a service's ./relative bind mounts."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        if source.startswith("."):
            mounts[target] = source
    return mounts


def test_compose_file_is_valid_against_the_compose_spec(compose):
    jsonschema.validate(compose, compose_schema())


def test_compose_spec_check_catches_a_broken_file(compose):
    # The schema check is not vacuous: a typo in a service key is refused.
    broken = {**compose, "services": {**compose["services"], "worker": {**compose["services"]["worker"], "comand": []}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, compose_schema())


def test_kafka_runs_kraft_from_the_official_image(compose):
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert "healthcheck" in kafka


def test_two_workers_share_the_mounted_rules_and_reach_kafka(compose):
    services = compose["services"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"][0] == "worker"
    assert services["sources"]["command"][0] == "sources"
    for name in ("worker", "sources"):
        service = services[name]
        assert service["environment"]["PANTAU_KAFKA"] == "kafka:9092"
        assert bind_mounts(service)["/etc/pantau/rules"] == "./rules"
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_every_bind_mounted_host_path_is_in_the_repository(compose):
    for name, service in compose["services"].items():
        for target, source in bind_mounts(service).items():
            assert (ROOT / source).exists(), f"{name} mounts {source} at {target}, which is not in the repository"


def test_operator_kit_services_are_wired(compose):
    services = compose["services"]
    assert bind_mounts(services["prometheus"])["/etc/prometheus"] == "./deploy/prometheus"
    grafana = services["grafana"]
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    dashboards = bind_mounts(grafana)["/var/lib/grafana/dashboards"]
    assert (ROOT / dashboards / Path(home).name).exists(), "Grafana's home dashboard must be the shipped one"
    assert "mailpit" in services["mailpit"]["image"]


def test_container_configuration_loads_as_pantau_reads_it(tmp_path):
    # Lay the files out as the compose volumes do under /etc/pantau, then load.
    shutil.copy(ROOT / "deploy" / "compose" / "pantau.yaml", tmp_path / "pantau.yaml")
    shutil.copy(ROOT / "pantau" / "defaults" / "feeds.yaml", tmp_path / "feeds.yaml")
    (tmp_path / "rules").mkdir()
    config = load_config(tmp_path / "pantau.yaml")
    assert config.kafka == "kafka:9092"
    assert config.metrics.endswith(":9464")
    assert config.feeds, "the shipped feed list is empty"
    assert {d for r in config.routes for d in r.to} <= set(config.destinations)


def test_dockerfile_copies_what_the_image_needs():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    for copied in ("sources", "streams", "pantau", "rules", "deploy/compose/pantau.yaml", "pantau/defaults/feeds.yaml"):
        assert (ROOT / copied).exists()
        assert f"COPY {copied}" in dockerfile
    assert 'ENTRYPOINT ["pantau"]' in dockerfile
