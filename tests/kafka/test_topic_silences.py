"""Silences on the compacted silences topic, read and written with the real broker."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from pantau.adapters.kafka.silences import FOLLOW_WAIT_MS, TopicSilences
from pantau.adapters.kafka.topics import SILENCES
from pantau.core.article import Article, article_id
from pantau.streams.classify import Classified, Hit, Match
from pantau.streams.deliver.silences import silencing
from tests.waiting import wait_until

pytestmark = pytest.mark.kafka


def test_a_following_reader_sees_silences_added_and_expired_by_another_client(
    kafka_bootstrap, topic_prefix, read_topic
):
    cli = TopicSilences(kafka_bootstrap, prefix=topic_prefix)
    now = time.time()
    before = cli.add("feed", "antara", 3600, "replaying old items", now=now, created_by="ops")
    worker = TopicSilences(kafka_bootstrap, prefix=topic_prefix).start()
    try:
        # What was there before the worker started is in force when start() returns.
        assert [s.id for s in worker.active()] == [before.id]
        ran_out = cli.add("rule", "cyber-terms", 1, "short", now=now - 10)
        later = cli.add("topic", "asean", 3600, "summit week", now=now + 1)
        wait_until(lambda: len(worker.all()) == 3, "the reader to follow the new silences")
        assert [s.id for s in worker.all()] == [later.id, before.id, ran_out.id]  # newest first
        assert {s.id for s in worker.active(now + 2)} == {before.id, later.id}

        assert cli.expire(before.id) is True
        assert cli.expire(ran_out.id) is False  # not in force: nothing to end
        wait_until(lambda: before.id not in {s.id for s in worker.all()}, "the reader to drop the expired silence")
        assert [s.id for s in worker.active(now + 2)] == [later.id]
    finally:
        worker.close()
        cli.close()
    # Expiry is a tombstone (null value) for the id: compaction forgets the silence.
    records = [(r.key.decode(), r.value) for r in read_topic(SILENCES.name(topic_prefix))]
    assert records[-1] == (before.id, None) and len(records) == 4


def test_a_follower_waiting_on_the_broker_takes_a_new_silence_at_once_and_stops_without_waiting(
    kafka_bootstrap, topic_prefix
):
    cli = TopicSilences(kafka_bootstrap, prefix=topic_prefix)
    cli.add("feed", "antara", 3600, "first")  # the topic exists with one record
    worker = TopicSilences(kafka_bootstrap, prefix=topic_prefix).start()
    try:
        time.sleep(1.5)  # idle: the follower's fetch is held by the broker
        added = cli.add("topic", "asean", 3600, "summit week")
        # The record ends the held fetch: well before the follow wait is over.
        wait_until(lambda: added.id in {s.id for s in worker.all()}, "the new silence", timeout=FOLLOW_WAIT_MS / 2000)
    finally:
        worker.close()
        cli.close()
    thread = worker._thread
    assert thread is not None
    # close() did not wait out the poll; the follower ends within it and closes its own consumer.
    wait_until(lambda: not thread.is_alive(), "the follower to end", timeout=FOLLOW_WAIT_MS / 1000 + 5)
    assert worker._reader._consumer._closed


def test_the_topic_silences_mute_with_the_embedded_matching_rules(kafka_bootstrap, topic_prefix, classified_pair):
    asean_only, asean_and_nk = classified_pair
    store = TopicSilences(kafka_bootstrap, prefix=topic_prefix)
    try:
        silence = store.add("topic", "ASEAN", 3600, "summit week")
        fresh = TopicSilences(kafka_bootstrap, prefix=topic_prefix)
        fresh.catch_up()
        live = fresh.active()
        fresh.close()
    finally:
        store.close()
    assert silencing(live, asean_only, time.time()) == silence
    # A live north-korea match still alerts, as in embedded mode.
    assert silencing(live, asean_and_nk, time.time()) is None


@pytest.fixture
def classified_pair():
    url = "https://kabar.example/ktt"
    article = Article(
        id=article_id(url),
        url=url,
        title="KTT ASEAN",
        summary="",
        fetched=datetime.now(timezone.utc),
        feed="f",
        feed_name="f",
        language="id",
    )

    def match(topic: str) -> Match:
        return Match(
            rule=f"{topic}-terms",
            topic=topic,
            score=1.0,
            severity="info",
            tags=(),
            hits=(Hit(term=topic, field="title", start=0, end=3, text=topic),),
            snippet="",
            ruleset_version="v",
        )

    return (
        Classified(article=article, matches=(match("asean"),), ruleset_version="v"),
        Classified(article=article, matches=(match("asean"), match("north-korea")), ruleset_version="v"),
    )
