"""Fixtures for tests against the real broker: a private topic namespace per test."""

from __future__ import annotations

import uuid

import pytest

from pantau.adapters.kafka.topics import ALL_TOPICS, ensure_topics
from tests.kafka_records import read_all


@pytest.fixture
def topic_prefix(kafka_bootstrap: str) -> str:
    """A fresh topic prefix whose pantau topics exist on the broker."""
    prefix = f"test-{uuid.uuid4().hex[:8]}."
    ensure_topics(kafka_bootstrap, ALL_TOPICS, prefix=prefix)
    return prefix


@pytest.fixture
def read_topic(kafka_bootstrap: str):
    """A function returning every record now in a topic, read by a group-less consumer."""
    return lambda topic: read_all(kafka_bootstrap, topic)
