"""``pantau web`` beside a distributed pipeline, against the real broker: archive view, silences, feed health."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import msgspec
from kafka import KafkaProducer
from ruamel.yaml import YAML

from pantau.adapters.kafka.feed_states import FeedRecord
from pantau.adapters.kafka.topics import ARTICLES, FEEDS_STATE, MATCHES, SILENCES
from pantau.core.article import Article, article_id, encode
from pantau.sources.feed_state import FeedState
from pantau.streams.classify import Classified, Match, encode_classified
from tests.e2e.processes import PantauProcess, free_port, pantau_env
from tests.waiting import wait_until
from tests.web.webpage import csrf_of

TOKEN = "distributed-web-token-0123"


def test_pantau_web_follows_the_topics_and_writes_silences_there(kafka_bootstrap, topic_prefix, tmp_path, read_topic):
    url = "https://kabar.example/peretas"
    hacked = Article(
        id=article_id(url),
        url=url,
        title="Peretas bobol situs bank daerah",
        content="Isi berita.",
        fetched=datetime.now(timezone.utc),
        feed="kabar",
        feed_name="Kabar",
        language="id",
    )
    match = Classified(
        article=hacked,
        matches=(Match(rule="hackers", topic="cybercrime", score=1.0, severity="high", ruleset_version="v7"),),
        ruleset_version="v7",
    )
    state = FeedState(feed="kabar", url="https://kabar.example/rss", failures=4, last_error="HTTP 503 from kabar")
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    producer.send(ARTICLES.name(topic_prefix), key=hacked.id.encode(), value=encode(hacked))
    producer.send(MATCHES.name(topic_prefix), key=hacked.id.encode(), value=encode_classified(match))
    producer.send(
        FEEDS_STATE.name(topic_prefix),
        key=b"kabar",
        value=msgspec.json.encode(FeedRecord(writer="sources-1", state=state, seen=[])),
    )
    producer.flush()
    port = free_port()
    config = tmp_path / "pantau.yaml"
    YAML(typ="safe", pure=True).dump(
        {
            "feeds": [{"url": "https://kabar.example/rss", "id": "kabar", "name": "Kabar"}],
            "state": "web.db",
            "metrics": None,
            "kafka": kafka_bootstrap,
            "web": {"listen": f"127.0.0.1:{port}", "token": TOKEN},
        },
        config.open("w"),
    )
    env = pantau_env(kafka=kafka_bootstrap, prefix=topic_prefix)
    web = PantauProcess(["web", "--config", str(config)], cwd=tmp_path, env=env, name="web")
    try:
        base = f"http://127.0.0.1:{port}"
        client = httpx.Client(base_url=base, timeout=10)
        wait_until(lambda: _up(client), "pantau web to answer")
        client.get(f"/login?token={TOKEN}")
        found = wait_until(
            lambda: "bobol situs bank daerah" in (r := client.get("/search?q=peretas&since=all")).text and r.text,
            "the archived article in search",
        )
        assert "<mark>Peretas</mark> bobol situs bank daerah" in found and "distributed mode" in found
        feeds = client.get("/feeds").text
        assert "failing" in feeds and "HTTP 503 from kabar" in feeds
        page = client.get("/silences").text
        token = csrf_of(page)
        reply = client.post(
            "/silences",
            data={"csrf_token": token, "kind": "topic", "value": "asean", "duration": "1h", "reason": "KTT week"},
            headers={"origin": base},
        )
        assert reply.status_code in (200, 303)
        records = [r for r in read_topic(SILENCES.name(topic_prefix)) if r.value]
        assert len(records) == 1 and b'"asean"' in records[0].value and b"KTT week" in records[0].value
        assert "topic = asean" in wait_until(
            lambda: "topic = asean" in (t := client.get("/silences").text) and t, "the silence on the page"
        )
    finally:
        web.stop()


def _up(client: httpx.Client) -> bool:
    try:
        return client.get("/login").status_code == 200
    except httpx.HTTPError:
        return False
