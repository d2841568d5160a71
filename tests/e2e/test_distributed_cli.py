"""`pantau silence --kafka` and `pantau alerts dead|replay --kafka` against a real worker on the real broker.

One worker for the module; two receivers: ``desk`` takes `asean` stories (the
silence test), ``later`` is down (503) until a test brings it back (the dead
letter test). The CLI runs as a user would run it, in a subprocess; articles
go to the articles topic with the sources' producer.
"""

from __future__ import annotations

import re
import subprocess
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from processes import PantauProcess, pantau_env, private_prefix, publish, start_worker, wait_until
from prometheus_client.parser import text_string_to_metric_families
from servers import WebhookReceiver

from pantau.adapters.kafka.dead_letters import DeadLetterTopic
from pantau.core.article import Article, article_id

pytestmark = pytest.mark.kafka

RULES = {
    "asean.yaml": "topic: asean\ntitle: ASEAN\nowner: e2e\nrules:\n  - id: asean-terms\n    any: [asean]\n",
    "cybercrime.yaml": (
        "topic: cybercrime\ntitle: Cybercrime\nowner: e2e\nrules:\n  - id: cyber-terms\n    any: [peretas]\n"
    ),
}


@dataclass
class Deployment:
    worker: PantauProcess
    config: Path
    env: dict[str, str]
    bootstrap: str
    prefix: str
    metrics_url: str
    desk: WebhookReceiver
    later: WebhookReceiver
    run_pantau: Callable[..., subprocess.CompletedProcess]

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Run `pantau ARGS --kafka --config pantau.yaml` as a user would; returns the completed process."""
        return self.run_pantau(*args, "--kafka", "--config", str(self.config), cwd=self.config.parent, env=self.env)

    def publish(self, feed: str, title: str) -> Article:
        url = f"https://kabar.example/{uuid.uuid4().hex[:8]}"
        item = Article(
            id=article_id(url),
            url=url,
            title=title,
            summary=f"{title}. Laporan lengkap menyusul.",
            fetched=datetime.now(timezone.utc),
            feed=feed,
            feed_name=feed,
            language="id",
        )
        publish(self.bootstrap, self.prefix, [item])
        return item

    def events(self, name: str) -> list[dict]:
        # PantauProcess.events skips a line the worker is still writing (json.loads of it failed here).
        return [e for e in self.worker.events() if e.get("event") == name]

    def alerts(self, destination: str, outcome: str) -> float:
        """pantau_alerts_total{destination, outcome} as the worker's /metrics reports it."""
        with urllib.request.urlopen(self.metrics_url + "/metrics", timeout=5) as resp:
            text = resp.read().decode()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "pantau_alerts_total" and sample.labels == {
                    "destination": destination,
                    "outcome": outcome,
                }:
                    return sample.value
        return 0.0


@pytest.fixture(scope="module")
def deployment(kafka_bootstrap, tmp_path_factory, worker_config, write_rules, run_pantau):
    root = tmp_path_factory.mktemp("distributed-cli")
    write_rules(root, RULES)
    desk, later = WebhookReceiver(), WebhookReceiver()
    later.fail(times=10**6, status=503)
    config, metrics = worker_config(
        root,
        destinations={
            "desk": {"type": "webhook", "url": desk.url},
            "later": {"type": "webhook", "url": later.url, "retry": [0, 0.2]},
        },
        routes=[
            {"name": "desk", "feeds": ["desk"], "to": ["desk"]},
            {"name": "later", "feeds": ["later"], "to": ["later"]},
        ],
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    worker = start_worker(config, env=env, metrics=metrics)
    try:
        yield Deployment(worker, config, env, kafka_bootstrap, prefix, f"http://{metrics}", desk, later, run_pantau)
    finally:
        worker.stop()
        desk.stop()
        later.stop()


def test_a_silence_set_by_the_cli_mutes_the_running_worker_until_expired(deployment):
    d = deployment
    added = d.cli("silence", "add", "--topic", "asean", "--for", "1h", "--reason", "summit week")
    assert added.returncode == 0, added.stderr
    silence_id = re.match(r"silence (\w+):", added.stdout).group(1)
    wait_until(
        lambda: any(e["silence"] == silence_id for e in d.events("silence_in_force")),
        "the worker to apply the silence",
        timeout=30,
        procs=[d.worker],
    )

    d.publish("desk", "KTT ASEAN membahas keamanan siber kawasan")
    wait_until(lambda: d.alerts("desk", "silenced") == 1, "the alert counted as silenced", timeout=30, procs=[d.worker])
    listed = d.cli("silence", "list")
    assert listed.returncode == 0 and f"{silence_id}  active   topic='asean'" in listed.stdout

    expired = d.cli("silence", "expire", silence_id)
    assert expired.returncode == 0, expired.stderr
    wait_until(
        lambda: any(e["silence"] == silence_id for e in d.events("silence_removed")),
        "the worker to drop the silence",
        timeout=30,
        procs=[d.worker],
    )
    after = d.publish("desk", "Menteri ASEAN bertemu di Jakarta")
    wait_until(lambda: d.desk.received, "the alert after the silence ended", timeout=30, procs=[d.worker])

    # Only the article published after `expire` reached the receiver; the muted one never did.
    (request,) = d.desk.received
    assert [a["article"]["title"] for a in request.json()["alerts"]] == [after.title]
    assert d.alerts("desk", "silenced") == 1 and d.alerts("desk", "sent") == 1
    assert "no silences in force" in d.cli("silence", "list").stdout


def test_a_dead_letter_is_listed_and_replayed_through_the_worker_once(deployment):
    d = deployment
    item = d.publish("later", "Peretas membobol server pemerintah daerah")
    topic = DeadLetterTopic(d.bootstrap, prefix=d.prefix)
    wait_until(lambda: topic.dead(), "a dead letter on the topic", timeout=30, procs=[d.worker])

    listed = d.cli("alerts", "dead")
    assert listed.returncode == 0, listed.stderr
    (letter,) = topic.dead()
    assert letter.alert.destination == "later" and letter.alert.article.id == item.id
    assert f"{letter.alert.key}  later" in listed.stdout and "1 dead letter(s)" in listed.stdout

    d.later.recover()
    replayed = d.cli("alerts", "replay", letter.alert.key, "--max-wait", "30")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "1 alert(s) back in the worker's outbox" in replayed.stdout
    wait_until(lambda: d.later.received, "the replayed alert", timeout=30, procs=[d.worker])
    assert "no dead letters" in d.cli("alerts", "dead").stdout

    # Delivered now: the CLI refuses to replay it, and so does the worker if asked directly.
    again = d.cli("alerts", "replay", letter.alert.key)
    assert again.returncode == 1 and "no dead letter with key" in again.stderr
    topic.request_replay([letter.alert.key])
    wait_until(lambda: d.events("replay_refused"), "the worker to refuse the replay", timeout=30, procs=[d.worker])
    assert len(d.later.received) == 1 and d.alerts("later", "sent") == 1
    assert d.alerts("later", "dead_lettered") == 1
