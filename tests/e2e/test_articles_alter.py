"""An existing deployment's articles topic moved from 6 to 12 partitions while it runs (README "Scaling out").

Two `all` workers and a long-lived sources producer run on a topic created with 6 partitions, as
deployments before round 13 have it. The partitions are added through the admin API (kafka-python's
``create_partitions``: the request ``kafka-topics.sh --alter --partitions 12`` sends) while articles keep
coming, every other one on topic. The producer must start writing to partitions 6-11 and the classify
group must take them over by itself, within ``METADATA_MAX_AGE_MS`` (and a rebalance); every article is
classified exactly once (the workers' ingested counters and the matches topic), every on-topic one
alerted exactly once, nothing logged as an error, and afterwards the group's members own all 12
partitions between them, each exactly once.
"""

from __future__ import annotations

import re
import time
import urllib.request
from collections import Counter
from dataclasses import replace
from datetime import datetime

import pytest
from article_stream import RULES, Stream
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewPartitions
from processes import PantauProcess, http_status, pantau_env, private_prefix, wait_until
from servers import WebhookReceiver

from pantau.adapters.kafka.topics import ALL_TOPICS, ARTICLES, METADATA_MAX_AGE_MS, ensure_topics
from tests.kafka_records import read_all

pytestmark = pytest.mark.kafka

TAKEOVER_S = METADATA_MAX_AGE_MS / 1000 + 25
"""The producer's and the classify group's leader's metadata refresh, plus a rebalance and a batch."""


def ingested(metrics_url: str) -> float:
    """The worker's ``pantau_classify_articles_ingested_total`` (articles it classified)."""
    with urllib.request.urlopen(f"{metrics_url}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    found = re.search(r"^pantau_classify_articles_ingested_total (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def assignments(worker: PantauProcess) -> list[tuple[float, list[int]]]:
    """(unix time, partitions) of each ``classify_partitions_assigned`` the worker logged."""
    return [
        (datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00")).timestamp(), e["partitions"])
        for e in worker.events()
        if e.get("event") == "classify_partitions_assigned"
    ]


def test_articles_partitions_added_while_workers_run(tmp_path, kafka_bootstrap, worker_config, write_rules):
    prefix = private_prefix()
    topic = ARTICLES.name(prefix)
    # A deployment from before round 13: its articles topic has 6 partitions.
    ensure_topics(
        kafka_bootstrap, tuple(replace(s, partitions=6) if s is ARTICLES else s for s in ALL_TOPICS), prefix=prefix
    )
    rules = write_rules(tmp_path, {"cybercrime.yaml": RULES})
    receiver = WebhookReceiver()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    workers: dict[str, PantauProcess] = {}
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        config, metrics = worker_config(
            tmp_path / name,
            rules=str(rules),
            destinations={"siem": {"type": "webhook", "url": receiver.url}},
            routes=[{"name": "cyber", "topics": ["cybercrime"], "to": ["siem"]}],
        )
        workers[name] = PantauProcess(["worker", "--config", str(config)], cwd=tmp_path, env=env, name=name)
        workers[name].metrics_url = f"http://{metrics}"
    stream = None
    try:
        for name, worker in workers.items():
            wait_until(
                lambda w=worker: http_status(f"{w.metrics_url}/readyz") == 200,
                f"the {name} worker to be ready",
                timeout=90,
                procs=workers.values(),
            )
        stream = Stream(kafka_bootstrap, prefix, every=0.1)
        time.sleep(4)
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pantau-test-alter")
        try:
            admin.create_partitions({topic: NewPartitions(total_count=12)})  # what kafka-topics.sh --alter sends
        finally:
            admin.close()
        altered = time.time()

        def owned_after() -> set[int]:
            latest = [a[-1][1] for w in workers.values() if (a := assignments(w)) and a[-1][0] >= altered]
            return {p for parts in latest for p in parts}

        new_partitions = [TopicPartition(topic, p) for p in range(6, 12)]
        ends = KafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=None)
        try:
            wait_until(
                lambda: owned_after() == set(range(12)) and sum(ends.end_offsets(new_partitions).values()) >= 10,
                "the classify group to own the 12 partitions and the publisher to write to the new ones",
                timeout=TAKEOVER_S,
                procs=workers.values(),
            )
        finally:
            ends.close()
        time.sleep(2)  # articles after both, too
        sent = stream.stop()
        stream = None
        expected = {a.id for i, a in enumerate(sent) if i % 2 == 0}

        def delivered() -> Counter[str]:
            return Counter(alert["article"]["id"] for r in receiver.received for alert in r.json()["alerts"])

        wait_until(lambda: set(delivered()) >= expected, "every alert", timeout=60, procs=workers.values())
        wait_until(
            lambda: sum(ingested(w.metrics_url) for w in workers.values()) >= len(sent),
            "every article classified",
            timeout=30,
            procs=workers.values(),
        )
        time.sleep(3)  # a duplicate would come right behind
        counts = delivered()
        classified = sum(ingested(w.metrics_url) for w in workers.values())
        final = {name: assignments(w)[-1][1] for name, w in workers.items()}
        errors = [e for w in workers.values() for e in w.events() if e.get("level") in ("error", "critical")]
    finally:
        if stream is not None:
            stream.stop()
        for worker in workers.values():
            worker.stop()
        receiver.stop()

    articles = {r.key.decode(): r for r in read_all(kafka_bootstrap, topic)}
    matches = Counter(r.key.decode() for r in read_all(kafka_bootstrap, f"{prefix}pantau.matches"))
    match_times = {r.key.decode(): r.timestamp / 1000 for r in read_all(kafka_bootstrap, f"{prefix}pantau.matches")}
    moved = [r for r in articles.values() if r.partition >= 6]
    first_moved = min(r.timestamp / 1000 for r in moved) if moved else None
    waits = [match_times[k] - r.timestamp / 1000 for k, r in articles.items() if r.partition >= 6 and k in match_times]
    taken = min(
        t for w in workers.values() for t, parts in assignments(w) if t >= altered and max(parts, default=0) >= 6
    )
    print(
        f"\n{len(sent)} articles, {len(moved)} on partitions 6-11; after the alter: first record on a new partition"
        f" {first_moved - altered:.1f} s, group owns them {taken - altered:.1f} s; produce -> match on them:"
        f" max {max(waits):.1f} s; final assignment {final}"
    )
    assert set(articles) == {a.id for a in sent}  # nothing lost on the way in
    assert moved, "the producer never wrote to the new partitions"
    assert classified == len(sent), f"{classified} classifications for {len(sent)} articles"
    assert set(matches) == expected and max(matches.values()) == 1, matches.most_common(3)
    assert set(counts) == expected and max(counts.values()) == 1, counts.most_common(3)
    assert sorted(p for parts in final.values() for p in parts) == list(range(12)), final
    assert not errors, errors[:3]
