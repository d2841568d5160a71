"""Fixtures for tests against the real broker: a private topic namespace per test."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaConsumer, TopicPartition

from streams.topics import ALL_TOPICS, ensure_topics


@pytest.fixture
def topic_prefix(kafka_bootstrap: str) -> str:
    """A fresh topic prefix whose pantau topics exist on the broker."""
    prefix = f"test-{uuid.uuid4().hex[:8]}."
    ensure_topics(kafka_bootstrap, ALL_TOPICS, prefix=prefix)
    return prefix


@pytest.fixture
def read_topic(kafka_bootstrap: str):
    """A function returning every record now in a topic, read by a group-less consumer."""
    return lambda topic: _read_all(kafka_bootstrap, topic)


def _read_all(bootstrap: str, topic: str) -> list:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        records = []
        while any(consumer.position(tp) < end[tp] for tp in parts):
            for batch in consumer.poll(timeout_ms=1000).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()
