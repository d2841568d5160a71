"""sources/publish.py against the real broker: acknowledged means readable, keyed by article id."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime

import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from pantau.adapters.kafka.publisher import COMPRESSION, KafkaPublisher
from pantau.adapters.kafka.topics import ALL_TOPICS, ARTICLES
from pantau.core.article import Article, article_id, decode
from pantau.core.errors import BrokerError

pytestmark = pytest.mark.kafka


def make_article(n: int) -> Article:
    url = f"https://berita.example.id/2026/11/{n}/polisi-ungkap-penipuan-daring"
    return Article(
        id=article_id(url),
        url=url,
        title=f"Polisi ungkap jaringan penipuan daring nomor {n}",
        summary="Ringkasan buatan untuk pengujian.",
        fetched=datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        feed="https://berita.example.id/rss",
        language="id",
    )


def _publish(bootstrap: str, prefix: str, articles: list[Article]) -> None:
    publisher = KafkaPublisher(bootstrap, prefix=prefix, timeout=30)
    try:
        asyncio.run(publisher.publish(articles))
    finally:
        publisher.close()


def test_publish_returns_once_every_article_is_readable_keyed_by_id(kafka_bootstrap, topic_prefix, read_topic):
    articles = [make_article(n) for n in range(25)]
    _publish(kafka_bootstrap, topic_prefix, articles)

    records = read_topic(ARTICLES.name(topic_prefix))
    assert sorted(r.key.decode() for r in records) == sorted(a.id for a in articles)
    for record in records:
        assert decode(record.value).id == record.key.decode()
    # Keyed records spread over partitions, and one article always lands on one partition.
    assert len({r.partition for r in records}) > 1


def test_published_zstd_batches_are_read_by_the_workers_client(kafka_bootstrap, topic_prefix):
    # The publisher compresses with zstd; the workers read with aiokafka, which needs cramjam for it
    # (without it: UnsupportedCodecError, and a worker could read no article at all).
    from aiokafka import AIOKafkaConsumer

    assert COMPRESSION == "zstd"
    articles = [make_article(n) for n in range(40)]
    _publish(kafka_bootstrap, topic_prefix, articles)

    async def read() -> list[Article]:
        consumer = AIOKafkaConsumer(
            ARTICLES.name(topic_prefix), bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
        )
        await consumer.start()
        got: list[Article] = []
        try:
            async with asyncio.timeout(30):
                while len(got) < len(articles):
                    for records in (await consumer.getmany(timeout_ms=1000)).values():
                        got.extend(decode(r.value) for r in records)
        finally:
            await consumer.stop()
        return got

    assert sorted(a.id for a in asyncio.run(read())) == sorted(a.id for a in articles)


def test_producer_stays_idempotent_against_the_real_broker(kafka_bootstrap, topic_prefix):
    # kafka-python turns idempotence off when the broker is too old for it; with
    # enable_idempotence requested it accepts only acks=all, so this also pins acks.
    publisher = KafkaPublisher(kafka_bootstrap, prefix=topic_prefix)
    try:
        assert publisher.idempotent
    finally:
        publisher.close()


def test_unreachable_broker_is_a_broker_error_naming_the_address():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(BrokerError) as err:
        KafkaPublisher(f"127.0.0.1:{port}", timeout=3)
    assert f"127.0.0.1:{port}" in str(err.value)
    assert err.value.hint


def test_topics_are_created_with_their_declared_partitions_and_retention(kafka_bootstrap, topic_prefix):
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        described = {t["name"]: t for t in admin.describe_topics([s.name(topic_prefix) for s in ALL_TOPICS])}
        for spec in ALL_TOPICS:
            assert len(described[spec.name(topic_prefix)]["partitions"]) == spec.partitions
        configs = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, spec.name(topic_prefix)) for spec in ALL_TOPICS]
        )
    finally:
        admin.close()
    for spec in ALL_TOPICS:
        actual = configs["topic"][spec.name(topic_prefix)]
        assert {k: actual[k]["value"] for k in ("cleanup.policy", "retention.ms")} == spec.configs()
    # The contract the topics module promises: a week of articles stays replayable.
    assert int(configs["topic"][ARTICLES.name(topic_prefix)]["retention.ms"]["value"]) >= 7 * 86400 * 1000
