"""Rebalances mid-stream never duplicate or lose an alert (real broker, real workers, a real webhook).

Articles stream in steadily (every other one matches, each its own story) while the worker group
changes under them: a classifier joins, a second full worker joins (both consumer groups
rebalance), the classifier is SIGKILLed in the middle of its batches (its uncommitted batch is
classified again by the others: matches twice on the matches topic), and the first worker leaves
with SIGTERM (delivery moves if it held it). Every matching article must reach the webhook
exactly once, and nothing else; at no moment do two workers deliver. Then the matches are
produced a second time, as a classifier that died before committing would: no alert comes again.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime, timezone

import pytest
from article_stream import RULES, Stream
from kafka import KafkaProducer
from processes import PantauProcess, http_status, pantau_env, private_prefix, topic_records, wait_until
from servers import WebhookReceiver

pytestmark = pytest.mark.kafka


def test_rebalances_mid_stream_deliver_every_alert_exactly_once(tmp_path, kafka_bootstrap, worker_config, write_rules):
    rules = write_rules(tmp_path, {"cybercrime.yaml": RULES})
    receiver = WebhookReceiver()
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    workers: dict[str, PantauProcess] = {}
    ended: dict[str, datetime] = {}

    def start(name: str, role: str) -> str:
        (tmp_path / name).mkdir()
        config, metrics = worker_config(
            tmp_path / name,
            rules=str(rules),
            destinations={"siem": {"type": "webhook", "url": receiver.url}},
            routes=[{"name": "cyber", "topics": ["cybercrime"], "to": ["siem"]}],
        )
        args = ["worker", "--config", str(config), "--role", role]
        workers[name] = PantauProcess(args, cwd=tmp_path, env=env, name=name)
        return f"http://{metrics}"

    def ready(url: str, who: str) -> None:
        alive = [w for w in workers.values() if w.proc.poll() is None]
        wait_until(lambda: http_status(f"{url}/readyz") == 200, f"{who} to be ready", timeout=120, procs=alive)

    stream = None
    try:
        ready(start("first", "all"), "the first worker")
        stream = Stream(kafka_bootstrap, prefix)
        time.sleep(3)
        ready(start("classifier", "classify"), "a classifier joining mid-stream")
        time.sleep(3)
        ready(start("second", "all"), "a second full worker joining mid-stream")
        time.sleep(2)
        workers["classifier"].kill()  # mid-batch: its uncommitted articles are classified again
        ended["classifier"] = datetime.now(timezone.utc)
        time.sleep(3)
        workers["first"].stop()  # a clean leave: delivery moves to the second worker if the first held it
        ended["first"] = datetime.now(timezone.utc)
        time.sleep(3)
        sent = stream.stop()
        stream = None
        expected = {a.id for i, a in enumerate(sent) if i % 2 == 0}
        assert len(expected) >= 100, f"only {len(expected)} matching articles were published"

        def delivered() -> Counter[str]:
            return Counter(alert["article"]["id"] for r in receiver.received for alert in r.json()["alerts"])

        alive = [w for w in workers.values() if w.proc.poll() is None]
        try:
            wait_until(lambda: set(delivered()) >= expected, "every alert", timeout=180, procs=alive)
        except pytest.fail.Exception as failed:
            # Which side lost them: on the matches topic means classified but never delivered.
            missing = expected - set(delivered())
            classified = {key for key, _ in topic_records(kafka_bootstrap, f"{prefix}pantau.matches")}
            pytest.fail(
                f"{len(missing)} of {len(expected)} matching articles never alerted: "
                f"{len(missing & classified)} of them are on the matches topic (classified, not delivered), "
                f"{len(missing - classified)} are not (never classified); e.g. {sorted(missing)[:3]}\n{failed}"
            )
        time.sleep(5)  # a duplicate would come right behind: give it the time to arrive
        counts = delivered()
        # What a classifier that died before committing leaves: the same matches produced again.
        matches = topic_records(kafka_bootstrap, f"{prefix}pantau.matches")
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
        for key, value in matches[:30]:
            producer.send(f"{prefix}pantau.matches", key=key.encode(), value=value)
        producer.flush()
        producer.close()
        time.sleep(8)
        again = delivered()
    finally:
        if stream is not None:
            stream.stop()
        for worker in workers.values():
            worker.stop()
        receiver.stop()

    twice = {key: n for key, n in counts.items() if n > 1}
    assert not twice, f"{len(twice)} alerts arrived more than once: {sorted(twice.items())[:5]}"
    assert set(counts) == expected  # every matching article, and nothing else
    assert again == counts  # matches classified twice did not alert twice
    assert len({r.headers["webhook-id"] for r in receiver.received}) == len(receiver.received)
    # Delivery ran on one worker at a time (from each worker's delivery_started / delivery_stopped).
    now = datetime.now(timezone.utc)
    edges: list[tuple[datetime, int]] = []
    starts: Counter[str] = Counter()
    timeline: list[str] = []
    for name, worker in workers.items():
        running = None
        for line in worker.output().splitlines():
            if not line.startswith("{"):
                continue
            event = json.loads(line)
            if event.get("event") in ("delivery_started", "delivery_stopped"):
                at = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
                timeline.append(f"{at.time()} {name} {event['event']} {event.get('reason', '')}")
                if event["event"] == "delivery_started":
                    starts[name] += 1
                    running = at
                elif running is not None:
                    edges += [(running, 1), (at, -1)]
                    running = None
        if running is not None:
            edges += [(running, 1), (ended.get(name, now), -1)]
            timeline.append(f"{ended.get(name, now).time()} {name} process ended")
    depth, most = 0, 0
    for _at, step in sorted(edges, key=lambda e: (e[0], e[1])):  # a stop before a start at the same instant
        depth += step
        most = max(most, depth)
    assert starts and most == 1, f"deliveries overlapped ({most} at once):\n" + "\n".join(sorted(timeline))
    print(f"delivery started per worker: {dict(starts)}")
    # Every role froze its long-lived heap at start (pantau/core/heap.py), as its start line says.
    started = {name: worker.logged("worker_started") for name, worker in workers.items()}
    assert {name: line["role"] for name, line in started.items()} == {
        "first": "all",
        "classifier": "classify",
        "second": "all",
    }
    assert all(line["frozen_objects"] > 0 for line in started.values()), started
