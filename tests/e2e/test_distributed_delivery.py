"""Delivery faults against a real `pantau worker` on the real broker (the embedded twins are in test_embedded.py).

One worker, one receiver per fault, articles published straight to the
articles topic with the sources' producer; each article's feed routes it to
its receiver. The worker is SIGKILLed while one receiver is down and restarted
after it came back: the retry state survives in the worker's tables.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import msgspec
import pytest
from processes import (
    PantauProcess,
    free_port,
    pantau_env,
    private_prefix,
    publish,
    start_worker,
    topic_records,
    wait_until,
)
from servers import WebhookReceiver

from pantau.core.article import Article, article_id
from pantau.streams.deliver.outbox import DeadLetter

pytestmark = pytest.mark.kafka

ROOT = Path(__file__).resolve().parents[2]
RULES = """\
topic: cybercrime
title: Cybercrime
owner: e2e
rules:
  - id: cyber-terms
    any: [peretas]
"""
FAULTS = ("flaky", "throttled", "down", "unreachable")


def article(fault: str) -> Article:
    url = f"https://kabar.example/{fault}"
    return Article(
        id=article_id(url),
        url=url,
        title=f"Peretas menyerang layanan {fault}",
        summary=f"Serangan peretas terhadap layanan {fault} masih diselidiki polisi.",
        fetched=datetime.now(timezone.utc),
        feed=fault,
        feed_name=fault,
        language="id",
    )


@pytest.fixture
def receivers():
    servers = {name: WebhookReceiver() for name in ("flaky", "throttled", "down")}
    yield servers
    for server in servers.values():
        server.stop()


def test_worker_retries_waits_survives_a_kill_and_parks_what_cannot_be_sent(
    tmp_path, kafka_bootstrap, receivers, write_config
):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "cybercrime.yaml").write_text(RULES, encoding="utf-8")
    often = [0] + [0.5] * 60  # ~30 s of attempts: outlasts the worker's restart
    destinations = {name: {"type": "webhook", "url": server.url, "retry": often} for name, server in receivers.items()}
    destinations["unreachable"] = {"type": "webhook", "url": f"http://127.0.0.1:{free_port()}/", "retry": [0, 0.2]}
    metrics = f"127.0.0.1:{free_port()}"
    config = write_config(
        tmp_path,
        feeds=[],
        rules="rules",
        state="state.db",
        metrics=metrics,
        destinations=destinations,
        routes=[{"name": name, "feeds": [name], "to": [name]} for name in FAULTS],
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    flaky, throttled, down = receivers["flaky"], receivers["throttled"], receivers["down"]
    flaky.fail(times=2, status=500)
    throttled.fail(times=1, status=429, retry_after=1)
    down.fail(times=10**6, status=503)

    workers = [start_worker(config, env=env, metrics=metrics, name="worker-1")]
    try:
        publish(kafka_bootstrap, prefix, [article(fault) for fault in FAULTS])

        dead_topic = f"{prefix}pantau.alerts.dead"
        wait_until(
            lambda: (
                flaky.received
                and throttled.received
                and len(down.requests) >= 2
                and topic_records(kafka_bootstrap, dead_topic)
            ),
            "deliveries, retries and a dead letter",
            timeout=60,
            procs=workers,
        )
        # Killed while "down" is being retried; the receiver comes back before the restart.
        workers[0].kill()
        down.recover()
        workers.append(PantauProcess(["worker", "--config", str(config)], cwd=tmp_path, env=env, name="worker-2"))
        wait_until(lambda: down.received, "the down receiver's alert after the restart", timeout=90, procs=workers[1:])
    finally:
        for worker in workers:
            worker.stop()

    def ids(server: WebhookReceiver) -> set[str]:
        return {r.headers["webhook-id"] for r in server.requests}

    # 500 twice, then 200: three attempts of one message, delivered once.
    assert (len(flaky.requests), len(flaky.received), len(ids(flaky))) == (3, 1, 1)
    # 429 with Retry-After: one refusal, then the same message accepted.
    assert (len(throttled.requests), len(throttled.received), len(ids(throttled))) == (2, 1, 1)
    # Down across a SIGKILL and restart: the same message (id) retried until it got through, once.
    assert len(down.received) == 1 and len(ids(down)) == 1 and len(down.requests) >= 3
    # Nothing listens for "unreachable": its alert is parked on the dead-letter topic, named.
    ((key, raw),) = topic_records(kafka_bootstrap, dead_topic)
    letter = msgspec.json.decode(raw, type=DeadLetter)
    assert (letter.alert.key, letter.alert.destination, letter.attempts) == (key, "unreachable", 2)
    events = [json.loads(line) for line in workers[0].output().splitlines() if line.startswith("{")]
    assert any(e["event"] == "alert_dead_lettered" and e.get("destination") == "unreachable" for e in events)
