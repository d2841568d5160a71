"""streams/topics.py: the topic definitions both the producer side and the Faust app use."""

from __future__ import annotations

import pytest

from pantau.core.config import Config
from pantau.core.errors import ConfigError
from pantau.adapters.kafka.topics import ALL_TOPICS, ARTICLES, FEEDS_STATE, MATCHES, kafka_bootstrap, replication_factor


def test_names_carry_the_prefix_and_are_unique():
    names = [spec.name("acme.") for spec in ALL_TOPICS]
    assert ARTICLES.name("acme.") == "acme.pantau.articles"
    assert len(set(names)) == len(names)


def test_configs_state_cleanup_and_retention_for_the_broker():
    articles = ARTICLES.configs()
    assert articles["cleanup.policy"] == "delete"
    assert int(articles["retention.ms"]) >= 7 * 86400 * 1000  # a week of articles can be replayed
    # Compacted topics keep the latest record per key forever.
    assert FEEDS_STATE.configs() == {"cleanup.policy": "compact", "retention.ms": "-1"}
    # Delivery sees every match in one place (one partition): see the module docstring.
    assert MATCHES.partitions == 1


def test_replicas_come_from_the_environment_and_nonsense_is_refused(monkeypatch):
    monkeypatch.delenv("PANTAU_KAFKA_REPLICAS", raising=False)
    assert replication_factor() is None
    monkeypatch.setenv("PANTAU_KAFKA_REPLICAS", "3")
    assert replication_factor() == 3
    monkeypatch.setenv("PANTAU_KAFKA_REPLICAS", "three")
    with pytest.raises(ConfigError, match="PANTAU_KAFKA_REPLICAS"):
        replication_factor()


def test_pantau_kafka_overrides_the_config_file(monkeypatch):
    config = Config(kafka="kafka.internal:9092")
    monkeypatch.delenv("PANTAU_KAFKA", raising=False)
    assert kafka_bootstrap(config) == "kafka.internal:9092"
    monkeypatch.setenv("PANTAU_KAFKA", "127.0.0.1:29092")
    assert kafka_bootstrap(config) == "127.0.0.1:29092"
