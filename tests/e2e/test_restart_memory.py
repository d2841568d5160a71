"""What a restart must not forget, both modes: the inhibition source of a story and its fingerprint across languages.

An Indonesian article matches a critical north-korea rule and the asean rule:
the security webhook alerts, the asean desk's alert is inhibited. The process
stops. After the restart an English telling of the same story (no north-korea
term, so asean only) must join the story through the stored cross-language
fingerprint and stay inhibited through the stored inhibition source; an
unrelated English ASEAN article still reaches the desk (the route works).
Embedded: two `pantau run --once` processes over one state file. Distributed:
a real `pantau worker` on the real broker, stopped and started again.
"""

from __future__ import annotations

import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from processes import pantau_env, private_prefix, publish, start_worker, wait_until
from servers import Item, WebhookReceiver, rss

from pantau.core.article import Article, article_id

T0 = datetime.now(timezone.utc) - timedelta(hours=2)
RULES = {
    "north-korea.yaml": "topic: north-korea\ntitle: North Korea\nowner: e2e\nrules:\n"
    "  - id: nk-names\n    severity: critical\n    any: [Korea Utara, Pyongyang]\n",
    "asean.yaml": "topic: asean\ntitle: ASEAN\nowner: e2e\nrules:\n  - id: asean-name\n    any: [ASEAN]\n",
}
# Written for this test: one story in Indonesian and English (names, the number, the day agree), and another.
TEXTS = {
    "id": (
        "Korea Utara dan Laos teken kerja sama siber",
        "Korea Utara dan Laos menandatangani perjanjian kerja sama siber di Vientiane pada Selasa. Sekjen ASEAN "
        "Kao Kim Hourn menyebut pertemuan ke-14 itu dihadiri delegasi Pyongyang dan Hanoi.",
    ),
    "en": (
        "North Korea and Laos sign cyber pact",
        "North Korea and Laos signed a cyber cooperation agreement in Vientiane on Tuesday. ASEAN Secretary-General "
        "Kao Kim Hourn said the 14th meeting was attended by delegations from the North and from Hanoi.",
    ),
    "other": (
        "ASEAN ministers discuss haze",
        "ASEAN environment ministers met in Jakarta to discuss haze from forest fires in Sumatra, where 9 "
        "provinces reported poor air on Friday.",
    ),
}
LANGUAGE = {"id": "id", "en": "en", "other": "en"}
ROUTES = [
    {"name": "nk", "topics": ["north-korea"], "to": ["security"], "continue_": True},
    {"name": "asean-desk", "topics": ["asean"], "to": ["desk"]},
]
INHIBIT = [{"source": {"topic": "north-korea", "severity": "critical"}, "target": {"route": "asean-desk"}}]


@pytest.fixture
def receivers():
    servers = {"security": WebhookReceiver(), "desk": WebhookReceiver()}
    yield servers
    for server in servers.values():
        server.stop()


def _destinations(receivers) -> dict:
    return {name: {"type": "webhook", "url": r.url, "retry": [0, 0.2]} for name, r in receivers.items()}


def _urls(receiver: WebhookReceiver) -> list[str]:
    return [a["article"]["url"] for r in receiver.received for a in r.json()["alerts"]]


def _check(receivers) -> None:
    assert _urls(receivers["security"]) == ["https://id.example/laos"]
    # The English telling is inhibited (same story, remembered source); only the unrelated article arrives.
    assert _urls(receivers["desk"]) == ["https://other.example/haze"]


def test_embedded_restart_keeps_inhibiting_and_linking_languages(
    tmp_path, feed_server, receivers, write_config, write_rules, run_pantau
):
    write_rules(tmp_path, RULES)
    feeds = []
    for key, (title, text) in TEXTS.items():
        host = "other" if key == "other" else key
        link = f"https://{host}.example/{'haze' if key == 'other' else 'laos'}"
        feed_server.put(f"/{key}.xml", rss(key, [Item(title, link, text, T0)], language=LANGUAGE[key]))
        feeds.append({"url": feed_server.url(f"/{key}.xml"), "name": key})

    def config(n: int) -> Path:
        return write_config(
            tmp_path,
            feeds=feeds[:n],
            rules="rules",
            state="state/pantau.db",
            metrics=None,
            destinations=_destinations(receivers),
            routes=ROUTES,
            inhibit=INHIBIT,
        )

    for n in (1, 3):  # the Indonesian article; then, in a new process, the English telling and the other story
        proc = run_pantau("run", "--once", "--config", str(config(n)), "--allow-private", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    _check(receivers)


def _article(key: str) -> Article:
    title, text = TEXTS[key]
    host = "other" if key == "other" else key
    url = f"https://{host}.example/{'haze' if key == 'other' else 'laos'}"
    return Article(
        id=article_id(url),
        url=url,
        title=title,
        summary=text,
        published=T0,
        fetched=datetime.now(timezone.utc),
        feed=f"https://{host}.example/rss",
        feed_name=key,
        language=LANGUAGE[key],
    )


def _inhibited(metrics: str) -> float:
    """pantau_delivery_inhibited_total of the desk route in this worker process (0 when not yet counted)."""
    try:
        with urllib.request.urlopen(f"http://{metrics}/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith('pantau_delivery_inhibited_total{destination="desk",route="asean-desk"}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.mark.kafka
def test_distributed_restart_keeps_inhibiting_and_linking_languages(
    tmp_path, kafka_bootstrap, receivers, worker_config, write_rules
):
    write_rules(tmp_path, RULES)
    config, metrics = worker_config(
        tmp_path,
        destinations=_destinations(receivers),
        routes=ROUTES,
        inhibit=INHIBIT,
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    worker = start_worker(config, env=env, metrics=metrics, name="worker-m1")
    try:
        publish(kafka_bootstrap, prefix, [_article("id")])
        wait_until(lambda: receivers["security"].received, "the security alert", timeout=60, procs=[worker])
        time.sleep(2)  # the tables' changelog records go out
        worker.stop()
        worker = start_worker(config, env=env, metrics=metrics, name="worker-m2")
        publish(kafka_bootstrap, prefix, [_article("en")])
        publish(kafka_bootstrap, prefix, [_article("other")])  # after the English one, on the one matches partition
        wait_until(
            lambda: receivers["desk"].received and _inhibited(metrics) >= 1,
            "the English telling inhibited and the unrelated article at the desk",
            timeout=60,
            procs=[worker],
        )
        time.sleep(2)  # anything else would arrive now
    finally:
        worker.stop()
    _check(receivers)
