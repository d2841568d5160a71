"""A broker outage, end to end: the real broker stops and starts again on its data under a running
`pantau sources` and `pantau worker`; each process says so in two warnings, /readyz follows, and
articles published after the outage are still delivered.

The test runs its own broker (deploy/kafka/local-kafka.sh on a private run directory, free ports),
so restarting it never disturbs the broker the rest of the suite shares.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest
from processes import PantauProcess, free_port, http_status, pantau_env, wait_until
from servers import Item, rss

from tests.conftest import require

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]
LOCAL_KAFKA = ROOT / "deploy" / "kafka" / "local-kafka.sh"
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
RULES = "topic: cybercrime\ntitle: Cybercrime\nowner: e2e\nrules:\n  - id: cyber\n    any: [peretas]\n"
BEFORE = Item("Peretas Bobol Server Dinas", "https://kabar.example/1", "Peretas membobol server dinas kota.", T0)
AFTER = Item("Peretas Serang Bank Daerah", "https://kabar.example/2", "Peretas menyerang bank daerah.", T0)
MAX_WARNINGS = 10  # per process, for the whole outage (the issue: thousands before)


def kafka(run_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PANTAU_KAFKA_RUN": str(run_dir)}
    proc = subprocess.run(["bash", str(LOCAL_KAFKA), *args], env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, f"local-kafka.sh {' '.join(args)} failed:\n{proc.stderr}"
    return proc


@pytest.fixture
def own_broker(tmp_path):
    """A private broker for this test only: (run dir, bootstrap)."""
    require(bool(shutil.which("java") and shutil.which("mvn")), "java and mvn (for a broker of the test's own)")
    run_dir = tmp_path / "kafka-run"
    started = kafka(run_dir, "start")
    bootstrap = started.stdout.strip().removeprefix("export PANTAU_KAFKA=")
    yield run_dir, bootstrap
    data = Path((run_dir / "data-dir").read_text().strip()) if (run_dir / "data-dir").exists() else None
    kafka(run_dir, "stop", "--wipe")
    assert data is None or not data.exists(), "stop --wipe left the broker's data behind"


def test_a_broker_restart_gives_two_warnings_per_process_flips_readiness_and_loses_nothing(
    own_broker, tmp_path, feed_server, webhook_receiver, write_config, write_rules
):
    run_dir, bootstrap = own_broker
    write_rules(tmp_path, {"cybercrime.yaml": RULES})
    feed_server.put("/kabar.xml", rss("Kabar", [BEFORE]))
    common = dict(
        feeds=[{"url": feed_server.url("/kabar.xml"), "name": "Kabar", "interval": 1}],
        rules="rules",
        network={"allow_private": True},
        state="state.db",
        destinations={"siem": {"type": "webhook", "url": webhook_receiver.url}},
        routes=[{"topics": ["cybercrime"], "to": ["siem"]}],
    )
    env = pantau_env(kafka=bootstrap, prefix="outage.")
    procs: dict[str, PantauProcess] = {}
    urls: dict[str, str] = {}
    for name in ("worker", "sources"):
        (tmp_path / name).mkdir()
        shutil.copytree(tmp_path / "rules", tmp_path / name / "rules")
        address = f"127.0.0.1:{free_port()}"
        config = write_config(tmp_path / name, **common, metrics=address)
        urls[name] = f"http://{address}"
        procs[name] = PantauProcess([name, "--config", str(config)], cwd=tmp_path / name, env=env, name=name)
    everyone = list(procs.values())
    try:
        wait_until(
            lambda: all(http_status(u + "/readyz") == 200 for u in urls.values()),
            "both processes ready",
            timeout=120,
            procs=everyone,
        )
        wait_until(
            lambda: len(webhook_receiver.received) >= 1, "the alert before the outage", timeout=90, procs=everyone
        )
        lines_before = {name: len(p.output().splitlines()) for name, p in procs.items()}

        kafka(run_dir, "stop")  # keeps the data
        wait_until(
            lambda: all(http_status(u + "/readyz") == 503 for u in urls.values()),
            "readiness to turn false while the broker is down",
            timeout=30,
            procs=everyone,
        )
        time.sleep(8)  # an outage long enough for the clients' reconnect loops to spin
        feed_server.put("/kabar.xml", rss("Kabar", [BEFORE, AFTER]))
        kafka(run_dir, "start")  # on the kept data, same port
        wait_until(
            lambda: all(http_status(u + "/readyz") == 200 for u in urls.values()),
            "readiness to turn true again",
            timeout=120,
            procs=everyone,
        )
        wait_until(
            lambda: len(webhook_receiver.received) >= 2,
            "the alert published after the outage",
            timeout=120,
            procs=everyone,
        )
        time.sleep(3)  # late complaints of the libraries would show now
        scraped = {name: urllib.request.urlopen(u + "/metrics", timeout=5).read().decode() for name, u in urls.items()}
    finally:
        for proc in everyone:
            proc.stop()

    titles = [a["article"]["title"] for r in webhook_receiver.received for a in r.json()["alerts"]]
    assert sorted(set(titles)) == sorted([BEFORE.title, AFTER.title])
    for name, proc in procs.items():
        after = proc.output().splitlines()[lines_before[name] :]
        during = [json.loads(line) for line in after if line.startswith("{")]
        loud = [e for e in during if e.get("level") in ("warning", "error", "critical")]
        assert len(loud) <= MAX_WARNINGS, f"{name}: {len(loud)} warning/error lines:\n" + "\n".join(
            json.dumps(e)[:300] for e in loud[:40]
        )
        assert [e["event"] for e in loud if e["event"].startswith("kafka_connection")] == [
            "kafka_connection_lost",
            "kafka_connection_restored",
        ], name
        (restored,) = [e for e in loud if e["event"] == "kafka_connection_restored"]
        assert restored["outage_seconds"] >= 8, restored
        assert not [e for e in during if e.get("level") == "error"], f"{name} logged errors"
        assert not [line for line in after if line.lstrip().startswith("Traceback")], f"{name} printed a traceback"
    for name, text in scraped.items():
        assert f'pantau_kafka_broker_connected{{bootstrap="{bootstrap}"}} 1.0' in text, name
        assert f'pantau_kafka_outages_total{{bootstrap="{bootstrap}"}} 1.0' in text, name
