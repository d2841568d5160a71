"""The distributed archive view against the real broker: articles, matches, dead letters, restart, retention."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import msgspec
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewPartitions

from pantau.adapters.kafka.archive_reader import ArchiveReader
from pantau.adapters.kafka.topics import ALERTS_DEAD, ALL_TOPICS, ARTICLES, MATCHES, METADATA_MAX_AGE_MS, ensure_topics
from pantau.adapters.sqlite.archive import ArchiveStore
from pantau.adapters.sqlite.state import open_state
from pantau.core.article import Article, article_id, encode
from pantau.streams.classify import Classified, Match, encode_classified
from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.outbox import DeadLetter


def article(n: int, title: str, *, age_days: float = 0) -> Article:
    url = f"https://kabar.example/{n}"
    at = datetime.now(timezone.utc) - timedelta(days=age_days)
    return Article(
        id=article_id(url),
        url=url,
        title=title,
        content=f"{title}. Isi berita nomor {n}.",
        fetched=at,
        published=at,
        feed="kabar",
        language="id",
    )


def test_the_view_follows_articles_matches_and_dead_letters_and_resumes(kafka_bootstrap, topic_prefix, tmp_path):
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    plain, hacked = article(1, "Harga beras turun"), article(2, "Peretas bobol situs bank")
    match = Classified(
        article=hacked,
        matches=(Match(rule="hackers", topic="cybercrime", score=1.0, severity="high", ruleset_version="v7"),),
        ruleset_version="v7",
    )
    # The match arrives before its article: order across topics is not guaranteed.
    producer.send(MATCHES.name(topic_prefix), key=hacked.id.encode(), value=encode_classified(match))
    for a in (plain, hacked):
        producer.send(ARTICLES.name(topic_prefix), key=a.id.encode(), value=encode(a))
    alert = Alert(key="alert-1", destination="siem", route="desk", classified=match, story=hacked.id, created=1.0)
    letter = DeadLetter(alert=alert, attempts=8, error="HTTP 500", died=2.0)
    producer.send(ALERTS_DEAD.name(topic_prefix), key=b"alert-1", value=msgspec.json.encode(letter))
    producer.flush()

    db = tmp_path / "web.db"
    store = ArchiveStore(open_state(db))
    reader = ArchiveReader(kafka_bootstrap, store, prefix=topic_prefix)
    assert reader.catch_up(timeout=60) >= 4  # rows, the classification attached, the fate
    assert store.usage().articles == 2
    got = store.get(hacked.id)
    assert got.topics == ("cybercrime",) and got.ruleset_version == "v7"
    assert [(a.key, a.status) for a in got.alerts] == [("alert-1", "dead")]
    assert [h.entry.article.id for h in store.search("peretas")] == [hacked.id]
    assert store.get(plain.id).matches == () and list(store.scan())[0].matches is None  # unclassified here
    reader.stop()

    # A replay takes the letter back (empty record); a new article arrives; a restarted view reads only those.
    producer.send(ALERTS_DEAD.name(topic_prefix), key=b"alert-1", value=None)
    producer.send(ARTICLES.name(topic_prefix), key=b"x", value=encode(article(3, "Banjir di Medan")))
    producer.flush()
    again = ArchiveReader(kafka_bootstrap, ArchiveStore(open_state(db)), prefix=topic_prefix)
    assert again.catch_up(timeout=60) == 2
    assert again.store.usage().articles == 3
    assert again.store.get(hacked.id).alerts[0].status == "pending"
    again.stop()
    producer.close()


def test_the_thread_follows_and_retention_prunes(kafka_bootstrap, topic_prefix, tmp_path):
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    old, new = article(1, "Berita lama", age_days=20), article(2, "Berita baru")
    store = ArchiveStore(open_state(tmp_path / "web.db"))
    reader = ArchiveReader(kafka_bootstrap, store, prefix=topic_prefix, retention=14 * 86400)
    reader.start()
    try:
        for a in (old, new):
            producer.send(ARTICLES.name(topic_prefix), key=a.id.encode(), value=encode(a))
        producer.send(ARTICLES.name(topic_prefix), key=b"bad", value=b"{not json")  # skipped, named in the log
        producer.flush()
        import time

        deadline = time.monotonic() + 30
        while store.get(new.id) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert store.get(new.id) is not None
        reader._pruned = 0.0  # the hourly prune is due now
        deadline = time.monotonic() + 30
        while store.get(old.id) is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert store.get(old.id) is None and store.count("berita") == 1
    finally:
        reader.stop()
        producer.close()


def test_archive_follow_once_fills_the_state_file_that_search_reads(
    kafka_bootstrap, topic_prefix, tmp_path, monkeypatch, capsys, restore_logging
):
    from pantau.cli.main import main

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    a = article(1, "Peretas serang situs kampus")
    producer.send(ARTICLES.name(topic_prefix), key=a.id.encode(), value=encode(a))
    producer.flush()
    producer.close()
    config = tmp_path / "pantau.yaml"
    config.write_text(f"state: {tmp_path / 'web.db'}\nkafka: {kafka_bootstrap}\nmetrics: null\n", encoding="utf-8")
    monkeypatch.setenv("PANTAU_TOPIC_PREFIX", topic_prefix)
    assert main(["archive", "follow", "--once", "--config", str(config)]) == 0
    assert "caught up" in capsys.readouterr().err
    assert main(["archive", "search", "peretas", "--config", str(config), "--json"]) == 0
    assert "Peretas serang situs kampus" in capsys.readouterr().out


def test_alert_fates_and_story_ids_come_from_the_outcomes_topic(kafka_bootstrap, topic_prefix, tmp_path):
    """What the worker's outbox reports (TableOutbox -> outcomes) is what the view shows, in either arrival order."""
    from pantau.adapters.faust.outbox_table import TableOutbox
    from pantau.adapters.kafka.outcomes import outcome
    from pantau.adapters.kafka.topics import ALERTS_OUTCOMES

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    outcomes_topic = ALERTS_OUTCOMES.name(topic_prefix)

    def report(alert: Alert, status, at: float) -> None:
        producer.send(outcomes_topic, key=alert.key.encode(), value=outcome(alert, status, at))

    first, copy, other = (
        article(1, "Peretas bobol bank"),
        article(2, "Bank dibobol peretas"),
        article(3, "Peretas lagi"),
    )
    story = f"story-{first.id}"

    def alert(a: Article, key: str, dest: str, story: str = story) -> Alert:
        match = Match(rule="hackers", topic="cybercrime", score=1.0, severity="high", ruleset_version="v7")
        classified = Classified(article=a, matches=(match,), ruleset_version="v7")
        return Alert(key=key, destination=dest, route="desk", classified=classified, story=story, created=5.0)

    sent, dead = alert(first, "k-desk", "desk"), alert(first, "k-siem", "siem")
    outbox = TableOutbox({}, {}, {}, on_outcome=report)
    outbox.enqueue([sent, dead], [0.0, 0.0])
    for a in (sent, dead):  # what deliver_alerts reports for the queued alerts
        producer.send(outcomes_topic, key=a.key.encode(), value=outcome(a, "pending", 6.0))
    # The copy joins the story (its outcome names no fate) before its article reaches the view.
    producer.send(outcomes_topic, key=b"k-desk", value=outcome(alert(copy, "k-desk", "desk"), None, 7.0))
    muted = alert(other, "k-muted", "desk", story=f"story-{other.id}")
    producer.send(outcomes_topic, key=b"k-muted", value=outcome(muted, "inhibited", 7.5, "maintenance window"))
    outbox.mark_sent(["k-desk"], 8.0)
    outbox.mark_dead(["k-siem"], "HTTP 500", 9.0)
    for a in (first, other):
        producer.send(ARTICLES.name(topic_prefix), key=a.id.encode(), value=encode(a))
    producer.flush()

    store = ArchiveStore(open_state(tmp_path / "web.db"))
    reader = ArchiveReader(kafka_bootstrap, store, prefix=topic_prefix)
    reader.catch_up(timeout=60)
    got = store.get(first.id)
    assert got.story_id == story
    assert {(a.key, a.destination, a.status) for a in got.alerts} == {
        ("k-desk", "desk", "sent"),
        ("k-siem", "siem", "dead"),
    }
    assert store.get(copy.id) is None  # not in the view yet
    assert [(a.key, a.status, a.why) for a in store.get(other.id).alerts] == [
        ("k-muted", "inhibited", "maintenance window")
    ]

    producer.send(ARTICLES.name(topic_prefix), key=copy.id.encode(), value=encode(copy))  # the copy arrives last
    producer.flush()
    reader.catch_up(timeout=60)
    late = store.get(copy.id)
    assert late.story_id == story and {a.status for a in late.alerts} == {"sent", "dead"}
    assert [e.article.id for e in store.story(story)] == [first.id, copy.id]

    outbox.replay(["k-siem"], 10.0)  # a replayed dead letter is waiting again
    producer.flush()
    reader.catch_up(timeout=60)
    assert {a.key: a.status for a in store.get(first.id).alerts} == {"k-desk": "sent", "k-siem": "pending"}
    reader.stop()
    producer.close()


def test_the_view_follows_partitions_added_to_the_articles_topic(kafka_bootstrap, tmp_path):
    prefix = f"test-{uuid.uuid4().hex[:8]}."
    topic = ARTICLES.name(prefix)
    ensure_topics(
        kafka_bootstrap, tuple(replace(s, partitions=6) if s is ARTICLES else s for s in ALL_TOPICS), prefix=prefix
    )
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    producer.send(topic, key=b"a", value=encode(article(1, "Harga beras turun")), partition=5)
    producer.flush()
    reader = ArchiveReader(kafka_bootstrap, ArchiveStore(open_state(tmp_path / "web.db")), prefix=prefix)
    assert reader.catch_up(timeout=60) == 1
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_partitions({topic: NewPartitions(total_count=12)})  # what kafka-topics.sh --alter sends
    admin.close()
    later = KafkaProducer(bootstrap_servers=kafka_bootstrap)  # a fresh producer knows the 12 at once
    later.send(topic, key=b"b", value=encode(article(2, "Banjir di Medan")), partition=9)
    later.flush()
    deadline = time.monotonic() + METADATA_MAX_AGE_MS / 1000 + 15  # the reader's next metadata refresh
    while reader.store.usage().articles < 2 and time.monotonic() < deadline:
        reader.poll_once(500)
    assert reader.store.usage().articles == 2
    assert {tp.partition for tp in reader._consumer.assignment() if tp.topic == topic} == set(range(12))
    reader.stop()
    producer.close()
    later.close()
