"""End to end, distributed: feed server -> `pantau sources` -> real Kafka -> `pantau worker` x2 -> receiver.

Every pantau process is the real CLI in a subprocess, on a private topic
prefix. Two workers share the work as compose runs them; the one delivering is
SIGKILLed in the middle of it and started again, so the group rebalances while
alerts are in flight, and every matching story must still arrive exactly once
(one webhook-id per story). The topics are read back with kafka-python, a
client independent of the worker's (Faust on aiokafka).
"""

from __future__ import annotations

import base64
import json
import random
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import msgspec
import pytest
from article_stream import cyber_rules
from processes import PantauProcess, free_port, http_status, pantau_env, private_prefix, topic_records, wait_until
from servers import Item, WebhookReceiver, rss
from standardwebhooks import Webhook

from pantau.core.article import decode
from pantau.streams.classify import decode_classified
from pantau.streams.deliver.outbox import DeadLetter

pytestmark = pytest.mark.kafka

SECRET = "whsec_" + base64.b64encode(b"pantau-distributed-e2e-secret-01").decode()
T0 = datetime(2026, 11, 18, 6, 0, tzinfo=timezone.utc)

RULES = cyber_rules("peretas", "ransomware", "penipuan daring")

# Each matching article gets its own body (random place words), so that no two
# of them look like copies of one story; the copy below is the one that does.
_WORDS = (
    "kota desa pasar sekolah rumah bank kantor pabrik pelabuhan bandara stasiun terminal gudang toko "
    "hotel kampus museum taman jalan jembatan sungai gunung pantai hutan sawah kebun danau pulau"
).split()
_rng = random.Random(20261118)
MATCHING = [
    Item(
        f"Peretas Serang Sistem {_WORDS[i].title()} Nomor {i}",
        f"https://kabar.example/siber/{i}",
        "Polisi menyelidiki serangan peretas. " + " ".join(_rng.choice(_WORDS) for _ in range(40)),
        T0,
    )
    for i in range(12)
]
NOT_MATCHING = [
    Item(
        "Harga Cabai Naik Menjelang Libur",
        "https://kabar.example/cabai",
        "Harga cabai rawit di pasar tradisional naik dua kali lipat dalam sepekan.",
        T0,
    ),
    Item(
        "Festival Layang-Layang Digelar di Pantai",
        "https://kabar.example/layang",
        "Ratusan peserta menerbangkan layang-layang raksasa pada akhir pekan.",
        T0,
    ),
]
ASEAN_RULES = """\
topic: asean
title: ASEAN
owner: e2e
rules:
  - id: asean-name
    any: [ASEAN]
"""
# Published once an editor has added the asean rules to the running worker's rules/.
ASEAN_ARTICLE = Item(
    "Menlu ASEAN Bahas Pusat Penipuan",
    "https://kabar.example/asean-menlu",
    "Para menteri luar negeri negara anggota ASEAN membahas kerja sama perbatasan.",
    T0,
)
# A second outlet's copy of MATCHING[0]: the same story, so no alert of its own.
COPY = Item(
    "Sistem Kota Diserang Peretas", "https://warta.example/kota-diserang", "BANDUNG - " + MATCHING[0].description, T0
)


def story_title(title: str) -> str:
    # Feeds are polled concurrently: either outlet's copy may open the story.
    return MATCHING[0].title if title == COPY.title else title


@pytest.fixture
def cluster(tmp_path, kafka_bootstrap, feed_server, webhook_receiver, write_config, write_rules):
    """Rules, feeds and a config on disk; the env that points pantau at a private topic prefix."""
    write_rules(tmp_path, {"cybercrime.yaml": RULES})
    feed_server.put("/kabar.xml", rss("Kabar", MATCHING + NOT_MATCHING))
    feed_server.put("/warta.xml", rss("Warta", [COPY]))
    feeds = [
        {"url": feed_server.url("/kabar.xml"), "name": "Kabar", "interval": 1},
        {"url": feed_server.url("/warta.xml"), "name": "Warta", "interval": 1},
        # Nothing is served there: a 404, and after one failure the feed counts as failing.
        {"url": feed_server.url("/hilang.xml"), "name": "Hilang", "interval": 1, "failing_after": 1},
    ]
    ops = WebhookReceiver()
    common = dict(
        feeds=feeds,
        rules="rules",
        network={"allow_private": True},
        destinations={
            "siem": {
                "type": "webhook",
                "url": webhook_receiver.url,
                "secret": SECRET,
                # 5 a second, one alert each: the worker is still delivering when it is killed.
                "rate": 5,
                "batch": 1,
                "retry": [0, 0.5, 1, 1, 1],
            },
            "ops": {"type": "webhook", "url": ops.url, "secret": SECRET},
            # Nobody listens there: its alerts end in the dead-letter topic.
            "archive": {"type": "webhook", "url": f"http://127.0.0.1:{free_port()}/gone", "retry": [0, 0.2]},
        },
        routes=[
            {"name": "desk", "topics": ["cybercrime", "asean"], "to": ["siem"], "continue": True},
            {"name": "archive", "topics": ["asean"], "to": ["archive"]},
            {"name": "ops", "events": ["feed_failing"], "to": ["ops"]},
        ],
    )
    worker_dir, sources_dir = tmp_path / "worker", tmp_path / "sources"
    worker_dir.mkdir()
    sources_dir.mkdir()
    shutil.copytree(tmp_path / "rules", worker_dir / "rules")
    shutil.copytree(tmp_path / "rules", sources_dir / "rules")
    sources_cfg = write_config(sources_dir, **common, state="state.db", metrics=None)

    def add_feed(path: str, body: bytes) -> None:
        feed_server.put(path, body)
        feeds.append({"url": feed_server.url(path), "name": path.strip("/"), "interval": 1})
        write_config(sources_dir, **common, state="state.db", metrics=None)

    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    started: list[PantauProcess] = []

    def start(name: str, command: str, cwd: Path, config: Path) -> PantauProcess:
        proc = PantauProcess([command, "--config", str(config)], cwd=cwd, env=env, name=name)
        started.append(proc)
        return proc

    def start_worker(name: str) -> PantauProcess:
        # Workers share rules/ (as compose mounts it into every replica); each has its own port.
        metrics = f"127.0.0.1:{free_port()}"
        (worker_dir / name).mkdir()
        config = write_config(worker_dir / name, **{**common, "rules": "../rules"}, state="state.db", metrics=metrics)
        proc = start(name, "worker", worker_dir / name, config)
        proc.metrics_url = f"http://{metrics}"
        return proc

    yield {
        "prefix": prefix,
        "worker_rules": worker_dir / "rules",
        "add_feed": add_feed,
        "worker": start_worker,
        "ops": ops,
        "feed_url": feed_server.url,
        "sources": lambda: start("sources", "sources", sources_dir, sources_cfg),
    }
    for proc in started:
        proc.stop()
    ops.stop()


def readyz(worker: PantauProcess) -> str:
    """The worker's /readyz body, whatever its status."""
    try:
        with urllib.request.urlopen(worker.metrics_url + "/readyz", timeout=5) as resp:
            return resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.read().decode()


def delivering(worker: PantauProcess) -> bool:
    """True when the worker's log says it runs delivery now (it owns the matches partition)."""
    events = [json.loads(line)["event"] for line in worker.output().splitlines() if line.startswith("{")]
    return events.count("delivery_started") > events.count("delivery_stopped")


def test_two_workers_deliver_once_across_a_kill_a_restart_and_rule_edits(
    cluster, kafka_bootstrap, webhook_receiver, promtool
):
    workers = [cluster["worker"]("worker-a"), cluster["worker"]("worker-b")]
    wait_until(
        lambda: all(http_status(w.metrics_url + "/readyz") == 200 for w in workers),
        "both workers to be ready",
        timeout=90,
        procs=workers,
    )
    # Each worker froze its long-lived heap at start (pantau/core/heap.py): the start line counts it.
    assert all(w.logged("worker_started")["frozen_objects"] > 0 for w in workers)
    sources = cluster["sources"]()

    # Kill the worker that delivers, in the middle of it (rate-limited to 5 a second),
    # and start it again at once: the group rebalances while alerts are in flight.
    wait_until(
        lambda: len(webhook_receiver.received) >= 4 and any(map(delivering, workers)),
        "the first deliveries",
        timeout=90,
        procs=[*workers, sources],
    )
    (deliverer,) = [w for w in workers if delivering(w)]
    deliverer.kill()
    assert len(webhook_receiver.received) < len(MATCHING), "the worker finished before it could be killed"
    survivor = next(w for w in workers if w is not deliverer)
    workers = [survivor, cluster["worker"]("worker-c")]

    # The dead member's session (10 s) must expire before its partitions move.
    wait_until(
        lambda: len({r.headers["webhook-id"] for r in webhook_receiver.received}) >= len(MATCHING),
        "every story to be delivered after the kill",
        timeout=120,
        procs=[*workers, sources],
    )
    time.sleep(2)  # anything delivered twice would arrive now
    assert any(map(delivering, workers)), "no live worker took delivery over"

    # What the receiver got: every matching story, each under one webhook-id, signed.
    hook = Webhook(SECRET)
    by_id: dict[str, str] = {}
    for request in webhook_receiver.received:
        payload = hook.verify(request.body, request.headers)
        (alert,) = payload["alerts"]
        by_id.setdefault(request.headers["webhook-id"], story_title(alert["article"]["title"]))
    assert sorted(by_id.values()) == sorted(i.title for i in MATCHING)
    # At-least-once transport, exactly-once alerts: only a message in flight at the kill
    # may be repeated, under the same webhook-id (which receivers use to drop it).
    assert len(webhook_receiver.received) - len(by_id) <= 1

    # What the topics hold, read by an independent client.
    prefix = cluster["prefix"]
    articles = topic_records(kafka_bootstrap, f"{prefix}pantau.articles")
    assert all(decode(value).id == key for key, value in articles)
    assert sorted(decode(v).title for _, v in articles) == sorted(i.title for i in MATCHING + NOT_MATCHING + [COPY])
    matches = topic_records(kafka_bootstrap, f"{prefix}pantau.matches")
    classified = {key: decode_classified(value) for key, value in matches}
    assert all(c.article.id == key for key, c in classified.items())
    assert sorted(c.article.title for c in classified.values()) == sorted(i.title for i in MATCHING + [COPY])
    assert all(c.topics == ("cybercrime",) for c in classified.values())
    assert topic_records(kafka_bootstrap, f"{prefix}pantau.alerts.dead") == []

    # The workers serve health and metrics, Faust's sensors and consumer lag included.
    def scrape(worker: PantauProcess) -> str:
        with urllib.request.urlopen(worker.metrics_url + "/metrics", timeout=5) as resp:
            return resp.read().decode()

    lag = f'pantau_kafka_consumer_lag_messages{{topic="{prefix}pantau.articles"}} 0.0'
    for worker in workers:
        assert http_status(worker.metrics_url + "/healthz") == 200
        wait_until(
            lambda worker=worker: lag in scrape(worker), "the consumer lag gauge at 0", timeout=30, procs=workers
        )
        assert "pantau_faust_messages_received_total" in scrape(worker)
    (deliverer,) = [w for w in workers if delivering(w)]
    text = scrape(deliverer)
    assert 'pantau_alerts_total{destination="siem",outcome="sent"}' in text
    # Faust's sensors are there, under names promtool accepts (its *_ms histogram is replaced).
    # Faust reads only the matches (the batch classifier reads the articles): the deliverer may be
    # the one restarted after the kill, whose own counter is still at zero; the series is there.
    assert re.search(r"^pantau_faust_messages_received_total \d", text, re.M)
    assert "pantau_faust_events_runtime_seconds_bucket" in text and "_events_runtime_ms" not in text
    lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    assert (lint.returncode, lint.stdout + lint.stderr) == (0, "")

    # An editor's first try has a typo: every worker refuses it with its location, keeps classifying with
    # the last good set, says so on /readyz (still ready) and in its gauge; the fix is picked up next.
    (cluster["worker_rules"] / "asean.yaml").write_text(ASEAN_RULES.replace("[ASEAN]", '["@asaen"]'), encoding="utf-8")
    wait_until(
        lambda: all("rules_reload_refused" in w.output() and "asean.yaml:6:11" in w.output() for w in workers),
        "the workers to refuse the typo",
        timeout=30,
        procs=workers,
    )
    for worker in workers:
        wait_until(
            lambda worker=worker: readyz(worker).startswith("ready, degraded:\n- rules on disk refused"),
            "/readyz to report the refused edit",
            timeout=30,
            procs=workers,
        )
        assert re.search(r'^pantau_rules_last_reload_successful\{directory=".+"\} 0\.0$', scrape(worker), re.M)
    # An editor adds a topic while the worker runs: the next article is classified with it ...
    (cluster["worker_rules"] / "asean.yaml").write_text(ASEAN_RULES, encoding="utf-8")
    wait_until(
        lambda: all("rules_reloaded" in w.output() for w in workers),
        "the workers to reload their rules",
        timeout=30,
        procs=workers,
    )
    # ... and adds a feed to the running source worker's list: no restart for either.
    cluster["add_feed"]("/asean.xml", rss("Diplomasi", [ASEAN_ARTICLE]))
    wait_until(
        lambda: len({r.headers["webhook-id"] for r in webhook_receiver.received}) > len(MATCHING),
        "the new feed's article, classified by the new rules",
        timeout=60,
        procs=[*workers, sources],
    )
    latest = hook.verify(webhook_receiver.received[-1].body, webhook_receiver.received[-1].headers)
    assert latest["alerts"][0]["article"]["title"] == ASEAN_ARTICLE.title

    # The archive destination never answers: after its two attempts the alert is a dead letter,
    # on the dead-letter topic, keyed by its idempotency key.
    dead_topic = f"{prefix}pantau.alerts.dead"
    wait_until(lambda: topic_records(kafka_bootstrap, dead_topic), "a dead letter", timeout=60, procs=workers)
    ((key, raw),) = topic_records(kafka_bootstrap, dead_topic)
    letter = msgspec.json.decode(raw, type=DeadLetter)
    assert (letter.alert.key, letter.alert.destination, letter.attempts) == (key, "archive", 2)
    assert letter.alert.article.title == ASEAN_ARTICLE.title

    # The feed that answers 404 reached ops as one feed_failing event, through the events
    # topic, once, although the worker delivering it was killed and the group rebalanced.
    ops = cluster["ops"]
    wait_until(lambda: ops.received, "the feed-failing event", timeout=30, procs=workers)
    (request,) = ops.requests
    event = hook.verify(request.body, request.headers)["event"]
    assert (event["kind"], event["subject"]) == ("feed_failing", cluster["feed_url"]("/hilang.xml"))
