"""A REAL Prometheus scrapes a running `pantau run`; every panel and alert query is evaluated.

The pantau process is fed by the end-to-end tests' local feed server (a busy
feed with matching articles, a feed that answers 404, a feed silent past its
one-second threshold) and delivers to their local webhook receiver. Prometheus
(Debian package) scrapes it every second with deploy/prometheus/alerts.yml
loaded; once it has a few scrapes, each dashboard query must return data, each
alert expression must evaluate cleanly, and no expression may name a metric
pantau does not export.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from operator_queries import ALERTS, PROMETHEUS_BUILTINS, alert_queries, dashboard_queries, metric_names
from ruamel.yaml import YAML

pytestmark = pytest.mark.prometheus

ROOT = Path(__file__).resolve().parents[2]
# Only a distributed worker exports these; `pantau run` has no Kafka consumer.
DISTRIBUTED_ONLY = {"pantau_kafka_consumer_lag_messages", "pantau_kafka_broker_connected"}
# Panel targets allowed to be empty in this scenario, and why. Their panel's
# other target must still return data.
MAY_BE_EMPTY = {
    "panel 'Failing feeds' B": "the broken feed never succeeded, so it has no last-success time",
}
SCRAPES = 5
RULE_FILE = """\
topic: cybercrime
title: Cybercrime
owner: ops-tests
rules:
  - id: ransomware-attack
    title: Ransomware attacks
    any: [ransomware]
    severity: high
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate: Callable[[], object], what: str, timeout: float = 45.0) -> object:
    """Poll ``predicate`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := predicate():
                return result
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"gave up after {timeout:.0f}s waiting for {what}")


@dataclass
class Process:
    """A subprocess whose stderr goes to a file (read it when a check fails)."""

    popen: subprocess.Popen
    log: Path

    def tail(self) -> str:
        """The last lines it wrote, for failure messages."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not exit within 10 s."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def _start(args: list[str], log: Path, **kwargs: object) -> Process:
    handle = log.open("wb")
    popen = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, **kwargs)
    handle.close()  # the child keeps its own descriptor
    return Process(popen, log)


@pytest.fixture
def pantau(tmp_path: Path, e2e, feed_server, webhook_receiver) -> Iterator[tuple[Process, str]]:
    """`pantau run` on three local feeds and a webhook destination; yields it and its metrics address."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "cybercrime.yaml").write_text(RULE_FILE)
    busy = [
        e2e.Item(
            "Serangan ransomware lumpuhkan layanan rumah sakit", "https://news.example/a/1", "Peretas meminta tebusan."
        ),
        e2e.Item("Ransomware gang leaks port authority files", "https://news.example/a/2", "The group posted data."),
        e2e.Item("Harga cabai naik menjelang akhir tahun", "https://news.example/a/3", "Pedagang pasar mengeluh."),
    ]
    quiet = [e2e.Item("Laporan tahunan koperasi desa", "https://news.example/q/1", "Rapat anggota digelar.")]
    feed_server.put("/busy.xml", e2e.rss("Busy outlet", busy))
    feed_server.put("/quiet.xml", e2e.rss("Quiet outlet", quiet))
    address = f"127.0.0.1:{_free_port()}"
    config = {
        "feeds": [
            # interval 1: the poller's start-up spread is min(30 s, interval); polls stay >= 60 s apart
            {"url": feed_server.url("/busy.xml"), "id": "busy-outlet", "name": "Busy outlet", "interval": 1},
            {"url": feed_server.url("/gone.xml"), "id": "broken-outlet", "name": "Broken outlet", "interval": 1},
            {
                "url": feed_server.url("/quiet.xml"),
                "id": "quiet-outlet",
                "name": "Quiet outlet",
                "interval": 1,
                "silent_after": 1,
            },
        ],
        "rules": str(tmp_path / "rules"),
        "state": str(tmp_path / "state.db"),
        "metrics": address,
        "network": {"allow_private": True},
        "destinations": {
            "siem": {"type": "webhook", "url": webhook_receiver.url, "secret": "whsec_" + "b3BzLXRlc3Qtc2VjcmV0"}
        },
        "routes": [{"topics": ["cybercrime"], "to": ["siem"]}],
    }
    path = tmp_path / "pantau.yaml"
    with path.open("w") as fh:
        YAML(typ="safe", pure=True).dump(config, fh)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PANTAU_LOG_FORMAT": "json"}
    process = _start(
        [sys.executable, "-m", "pantau.cli.main", "run", "--config", str(path)],
        tmp_path / "pantau.log",
        cwd=tmp_path,
        env=env,
    )
    try:
        yield process, address
    finally:
        process.stop()


@pytest.fixture
def prometheus(tmp_path: Path, prometheus_binary: str, pantau: tuple[Process, str]) -> Iterator[str]:
    """A real Prometheus scraping the pantau process every second, with alerts.yml loaded."""
    _, target = pantau
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ALERTS)],
        "scrape_configs": [{"job_name": "pantau-run", "static_configs": [{"targets": [target]}]}],
    }
    (tmp_path / "prometheus.yml").write_text(json.dumps(config))  # JSON is YAML
    listen = f"127.0.0.1:{_free_port()}"
    process = _start(
        [
            prometheus_binary,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address={listen}",
        ],
        tmp_path / "prometheus.log",
    )
    try:
        yield f"http://{listen}"
    finally:
        process.stop()


def _query(base: str, expr: str) -> dict:
    answer = httpx.get(f"{base}/api/v1/query", params={"query": expr}, timeout=10).json()
    return answer


def test_prometheus_evaluates_every_panel_and_alert_against_live_pantau(
    pantau: tuple[Process, str], prometheus: str, webhook_receiver, exported_names: set[str]
) -> None:
    process, address = pantau
    _wait(
        lambda: httpx.get(f"http://{address}/healthz", timeout=2).status_code == 200,
        f"pantau's /healthz on {address}\n{process.tail()}",
    )
    # The two ransomware articles reach the local receiver: the pipeline really ran.
    # (in one request or two: a webhook sends alerts that are due together in one body)
    _wait(lambda: webhook_receiver.alert_count() >= 2, f"the two alerts\n{process.tail()}")
    assert webhook_receiver.alert_count() == 2, process.tail()

    _wait(lambda: httpx.get(f"{prometheus}/-/ready", timeout=2).status_code == 200, "Prometheus to be ready")
    # A few scrapes after the deliveries, so rate() windows hold several samples.
    scrapes_before = _scrapes(prometheus)
    _wait(lambda: _scrapes(prometheus) >= scrapes_before + SCRAPES, f"{SCRAPES} more scrapes of pantau")
    assert _query(prometheus, 'up{job="pantau-run"}')["data"]["result"][0]["value"][1] == "1"

    scraped = set(httpx.get(f"{prometheus}/api/v1/label/__name__/values", timeout=10).json()["data"])
    problems: list[str] = []
    panels_with_data: dict[str, bool] = {}
    for query in dashboard_queries() + alert_queries():
        names = metric_names(query.expr)
        if unknown := sorted(names - DISTRIBUTED_ONLY - scraped - PROMETHEUS_BUILTINS):
            problems.append(f"{query.where}: names {unknown}, which pantau run does not export")
        if unknown := sorted((names & DISTRIBUTED_ONLY) - exported_names):
            problems.append(f"{query.where}: names {unknown}, which pantau does not declare")
        answer = _query(prometheus, query.expr)
        if answer.get("status") != "success":
            problems.append(f"{query.where}: Prometheus refused it: {answer.get('error')}")
            continue
        if not query.where.startswith("panel"):
            continue  # alert expressions only have to evaluate: quiet is their normal state
        has_data = bool(answer["data"]["result"])
        panel = query.where.rsplit(" ", 1)[0]
        panels_with_data[panel] = panels_with_data.get(panel, False) or has_data
        if not has_data and query.where not in MAY_BE_EMPTY and not names & DISTRIBUTED_ONLY:
            problems.append(f"{query.where}: no data for {query.expr}")
    problems += [
        f"{panel}: no target returned data"
        for panel, ok in panels_with_data.items()
        if not ok and panel != "panel 'Consumer lag'"
    ]

    # Prometheus loaded alerts.yml itself and evaluated every rule without error.
    def evaluated() -> list[dict] | None:
        groups = httpx.get(f"{prometheus}/api/v1/rules", timeout=5).json()["data"]["groups"]
        rules = [r for g in groups for r in g["rules"] if r["type"] == "alerting"]
        return rules if rules and all(r["lastEvaluation"].startswith("20") for r in rules) else None

    rules = _wait(evaluated, "every alert rule to be evaluated once")
    assert {r["name"] for r in rules} == {q.where.removeprefix("alert ") for q in alert_queries()}
    problems += [f"alert {r['name']}: {r.get('lastError')}" for r in rules if r["health"] != "ok"]
    assert problems == [], "\n".join(problems) + "\n--- pantau log ---\n" + process.tail()


def _scrapes(prometheus: str) -> int:
    result = _query(prometheus, 'count_over_time(up{job="pantau-run"}[10m])')["data"]["result"]
    return int(float(result[0]["value"][1])) if result else 0
