"""pantau/adapters/kafka/topics.py: the topic definitions both sides use; Kafka settings resolved once."""

from __future__ import annotations

import pytest

from pantau.adapters.kafka.topics import ALL_TOPICS, ARTICLES, FEEDS_STATE, MATCHES
from pantau.config import Config
from pantau.core.config import KafkaSettings
from pantau.core.errors import ConfigError


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


def test_replicas_come_from_the_environment_and_nonsense_is_refused():
    assert KafkaSettings.resolve("k:9092", {}).replicas is None
    assert KafkaSettings.resolve("k:9092", {"PANTAU_KAFKA_REPLICAS": "3"}).replicas == 3
    with pytest.raises(ConfigError, match="PANTAU_KAFKA_REPLICAS"):
        KafkaSettings.resolve("k:9092", {"PANTAU_KAFKA_REPLICAS": "three"})


def test_pantau_kafka_overrides_the_config_file(monkeypatch):
    monkeypatch.delenv("PANTAU_KAFKA", raising=False)
    monkeypatch.delenv("PANTAU_TOPIC_PREFIX", raising=False)
    assert Config(kafka="kafka.internal:9092").broker.bootstrap == "kafka.internal:9092"
    monkeypatch.setenv("PANTAU_KAFKA", "127.0.0.1:29092")
    monkeypatch.setenv("PANTAU_TOPIC_PREFIX", "acme.")
    config = Config(kafka="kafka.internal:9092")
    assert (config.broker.bootstrap, config.broker.prefix) == ("127.0.0.1:29092", "acme.")
    monkeypatch.setenv("PANTAU_KAFKA", "elsewhere:9092")
    assert config.broker.bootstrap == "127.0.0.1:29092"  # resolved once per configuration
