"""End to end, embedded: feed-health and destination events reach ops through `events:` routes.

Real feed server -> `pantau run --once` subprocesses -> real webhook receivers,
signatures checked with the standardwebhooks library, bodies with the JSON Schema.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
from article_stream import cyber_rules
from servers import Item, WebhookReceiver, rss
from standardwebhooks import Webhook

from pantau.streams.deliver.destinations.webhook_body import EVENT_SCHEMA_PATH

SECRET = "whsec_" + base64.b64encode(b"pantau-ops-e2e-secret-0123456789").decode()
EVENT_SCHEMA = json.loads(EVENT_SCHEMA_PATH.read_text(encoding="utf-8"))
T0 = datetime(2026, 11, 17, 8, 0, tzinfo=timezone.utc)
OPS_EVENTS = ["feed_failing", "feed_silent", "feed_gone", "feed_recovered", "destination_disabled"]
RULES = cyber_rules("peretas", "ransomware")
QUIET = [
    Item(
        "Harga Cabai Naik Menjelang Akhir Tahun",
        "https://pasar.example/cabai",
        "Pedagang di pasar tradisional menyebut pasokan cabai berkurang karena hujan.",
        T0,
    )
]
MATCHING = [
    Item(
        "Peretas Bobol Server Dinas Kependudukan",
        "https://kabar.example/dukcapil",
        "Sekelompok peretas mengaku mengambil data penduduk dari server dinas.",
        T0,
    )
]


def _hook(url: str) -> dict:
    return {"type": "webhook", "url": url, "secret": SECRET, "retry": [0, 0.2, 0.2]}


def _events(receiver) -> list[dict]:
    """Every delivered body, after checking its signature and schema."""
    hook = Webhook(SECRET)
    bodies = []
    for req in receiver.received:
        body = hook.verify(req.body, req.headers)
        jsonschema.validate(body, EVENT_SCHEMA, format_checker=jsonschema.FormatChecker())
        assert req.headers["webhook-id"] == body["id"]
        bodies.append(body)
    return bodies


@pytest.fixture
def site(tmp_path, write_config, write_rules):
    """``site(feeds=..., destinations=..., routes=...)``: the cybercrime rules and a monitor's config; its path."""

    def write(feeds: list[dict], destinations: dict, routes: list[dict]) -> Path:
        write_rules(tmp_path, {"cybercrime.yaml": RULES})
        return write_config(
            tmp_path,
            feeds=feeds,
            rules="rules",
            state="state/pantau.db",
            metrics=None,
            destinations=destinations,
            routes=routes,
        )

    return write


def _once(run_pantau, cwd: Path, config: Path):
    proc = run_pantau("run", "--once", "--config", str(config), "--allow-private", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_failing_and_silent_feeds_reach_ops_once_per_episode(tmp_path, feed_server, webhook_receiver, site, run_pantau):
    feed_server.put("/pasar.xml", rss("Pasar", QUIET))
    config = site(
        feeds=[
            {"url": feed_server.url("/broken.xml"), "name": "Broken", "failing_after": 2},
            {"url": feed_server.url("/pasar.xml"), "name": "Pasar", "silent_after": 0.5},
        ],
        destinations={"ops": _hook(webhook_receiver.url)},
        routes=[{"events": OPS_EVENTS, "to": ["ops"]}],
    )
    _once(run_pantau, tmp_path, config)
    assert webhook_receiver.received == []  # one failure is under the threshold; the other feed just got items
    time.sleep(0.6)  # past the quiet feed's silent_after
    _once(run_pantau, tmp_path, config)
    _once(run_pantau, tmp_path, config)  # still failing, still silent: nothing new to say
    events = {b["event"]["kind"]: b["event"] for b in _events(webhook_receiver)}
    assert len(webhook_receiver.received) == 2 and sorted(events) == ["feed_failing", "feed_silent"]
    failing = events["feed_failing"]
    assert failing["subject"] == feed_server.url("/broken.xml") and failing["subject_name"] == "Broken"
    assert failing["failures"] == 2 and "404" in failing["last_error"] and failing["last_success"] is None
    assert events["feed_silent"]["subject_name"] == "Pasar" and events["feed_silent"]["severity"] == "warning"
    assert len({r.headers["webhook-id"] for r in webhook_receiver.received}) == 2

    feed_server.put("/broken.xml", rss("Broken", QUIET))  # the feed is repaired
    _once(run_pantau, tmp_path, config)
    kinds = [b["event"]["kind"] for b in _events(webhook_receiver)]
    assert kinds.count("feed_recovered") == 1 and len(kinds) == 3


def test_a_gone_destination_raises_destination_disabled_at_another(
    tmp_path, feed_server, webhook_receiver, site, run_pantau
):
    gone = WebhookReceiver()
    try:
        gone.fail(times=100, status=410)
        feed_server.put("/kabar.xml", rss("Kabar", MATCHING))
        config = site(
            feeds=[{"url": feed_server.url("/kabar.xml"), "name": "Kabar"}],
            destinations={"old-siem": _hook(gone.url), "ops": _hook(webhook_receiver.url)},
            routes=[
                {"topics": ["cybercrime"], "to": ["old-siem"]},
                {"events": ["destination_disabled"], "to": ["old-siem", "ops"]},
            ],
        )
        proc = _once(run_pantau, tmp_path, config)
        assert len(gone.requests) == 1 and gone.received == []  # tried once, then disabled
        (body,) = _events(webhook_receiver)
        event = body["event"]
        assert event["kind"] == "destination_disabled" and event["about"] == "destination"
        assert event["subject"] == "old-siem" and "410" in event["message"]
        assert "1 dead-lettered" in proc.stderr
    finally:
        gone.stop()
