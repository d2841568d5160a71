"""Distributed backtests read pantau.articles by time (offsets_for_times), against the real broker."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from kafka import KafkaProducer

from pantau.adapters.kafka.article_window import articles_between
from pantau.adapters.kafka.topics import ARTICLES
from pantau.cli.main import main
from pantau.core.article import Article, article_id, encode

pytestmark = pytest.mark.kafka
DAY = 86400


def article(n: int, title: str, content: str, at: datetime) -> Article:
    url = f"https://kabar.example/{n}"
    return Article(
        id=article_id(url), url=url, title=title, content=content, fetched=at, published=at, feed="kabar", language="id"
    )


@pytest.fixture
def published(kafka_bootstrap, topic_prefix):
    """Ten days of articles on several partitions, each record stamped with its article's time."""
    now = datetime.now(timezone.utc)
    items = [
        (article(1, "Peretas bobol bank", "Kelompok peretas membobol bank daerah.", now - timedelta(days=10)), "a"),
        (article(2, "Judi online diblokir", "Kominfo memblokir situs judi online.", now - timedelta(days=9)), "b"),
        (article(3, "Harga cabai naik", "Harga cabai naik di pasar.", now - timedelta(days=3)), "c"),
        (
            article(4, "Bandar judi online ditangkap", "Polisi menangkap bandar judi online.", now - timedelta(days=2)),
            "d",
        ),
        (article(5, "Peretas curi data", "Peretas mencuri data nasabah.", now - timedelta(days=1)), "e"),
        (article(6, "Situs judi online lagi", "Ribuan situs judi online diblokir.", now - timedelta(hours=5)), "f"),
    ]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    topic = ARTICLES.name(topic_prefix)
    # Spread over partitions out of turn: read partition by partition, the order would be wrong.
    for a, partition in zip((x for x, _ in items), (2, 0, 1, 2, 0, 1), strict=True):
        ts = int(a.fetched.timestamp() * 1000)
        producer.send(topic, key=a.id.encode(), value=encode(a), partition=partition, timestamp_ms=ts)
    producer.send(topic, key=b"dup", value=encode(items[4][0]), partition=5, timestamp_ms=int(time.time() * 1000))
    producer.flush()
    producer.close()
    return [a for a, _ in items]


def test_a_window_is_read_by_time_merged_across_partitions(kafka_bootstrap, topic_prefix, published):
    now = time.time()
    rows = list(articles_between(kafka_bootstrap, prefix=topic_prefix, since=now - 7 * DAY))
    assert [r.article.id for r in rows] == [a.id for a in published[2:]], [r.article.title for r in rows]
    assert all(r.matches is None and r.ruleset_version == "" for r in rows)
    assert [r.at for r in rows] == sorted(r.at for r in rows)
    until = list(articles_between(kafka_bootstrap, prefix=topic_prefix, since=now - 9.5 * DAY, until=now - 2.5 * DAY))
    assert [r.article.id for r in until] == [published[1].id, published[2].id]
    assert list(articles_between(kafka_bootstrap, prefix=topic_prefix, since=now + DAY)) == []


def test_the_cli_backtests_an_edit_over_the_topic(
    kafka_bootstrap, topic_prefix, published, small_rules, tmp_path, monkeypatch, capsys, restore_logging
):
    running, proposed = tmp_path / "rules", tmp_path / "proposed"
    for folder in (running, proposed):
        folder.mkdir()
        for name, text in small_rules.items():
            (folder / name).write_text(text, encoding="utf-8")
    edited = small_rules["cybercrime.yaml"].replace("penipuan daring]", "penipuan daring, judi online]")
    (proposed / "cybercrime.yaml").write_text(edited, encoding="utf-8")
    config = tmp_path / "pantau.yaml"
    config.write_text(f"rules: {running}\nstate: {tmp_path / 'none' / 'state.db'}\n", encoding="utf-8")
    monkeypatch.setenv("PANTAU_KAFKA", kafka_bootstrap)
    monkeypatch.setenv("PANTAU_TOPIC_PREFIX", topic_prefix)
    code = main(["rules", "backtest", "--kafka", "--config", str(config), "--rules", str(proposed), "--since", "7d"])
    out, err = capsys.readouterr()
    assert code == 0, err
    code = main(
        ["rules", "backtest", "--kafka", "--config", str(config), "--rules", str(proposed), "--since", "7d", "--json"]
    )
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["articles"] == 4  # the last 7 days only
    gained = {(r["topic"], r["rule"]): r["gained"] for r in result["rules"]}
    assert gained == {("cybercrime", "cyber-terms"): 2}  # the two gambling articles of the window, not the old one
    assert {r["topic"]: r["before"] for r in result["rules"]} == {"cybercrime": 1}  # "Peretas curi data"
    assert result["narrowed"] == 4 and result["reused"] == 0
    assert not (tmp_path / "none").exists()  # no state file needed, none made
