"""`pantau topics` against the real broker: it lists pantau's topics and `--grow` adds what a topic lacks."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from pantau.adapters.kafka.topics import ALL_TOPICS, ARTICLES, FEEDS_STATE, MATCHES, ensure_topics, topic_partitions
from pantau.cli.main import main

pytestmark = pytest.mark.kafka


def test_grow_takes_a_six_partition_articles_topic_to_twelve_and_leaves_keyed_topics_alone(
    kafka_bootstrap, monkeypatch, capsys, tmp_path
) -> None:
    prefix = f"test-grow-{uuid.uuid4().hex[:8]}."
    monkeypatch.setenv("PANTAU_KAFKA", kafka_bootstrap)
    monkeypatch.setenv("PANTAU_TOPIC_PREFIX", prefix)
    monkeypatch.chdir(tmp_path)
    assert main(["topics"]) == 0
    assert "no pantau topics" in capsys.readouterr().out
    # A deployment from before round 13 (articles at 6), with three of the topics; a keyed one is never grown.
    ensure_topics(
        kafka_bootstrap, (replace(ARTICLES, partitions=6), MATCHES, replace(FEEDS_STATE, partitions=1)), prefix=prefix
    )
    assert main(["topics"]) == 0
    out = capsys.readouterr().out
    assert f"{prefix}pantau.articles" in out and "6  fewer than this release's 12: `pantau topics --grow`" in out
    assert "fewer than this release's 3" not in out  # feeds.state: keyed and compacted, never grown
    assert topic_partitions(kafka_bootstrap, prefix=prefix) == {
        f"{prefix}pantau.articles": 6,
        f"{prefix}pantau.matches": 1,
        f"{prefix}pantau.feeds.state": 1,
    }
    assert main(["topics", "--grow"]) == 0
    assert "12  grown from 6" in capsys.readouterr().out
    assert topic_partitions(kafka_bootstrap, ALL_TOPICS, prefix=prefix) == {
        f"{prefix}pantau.articles": 12,
        f"{prefix}pantau.matches": 1,
        f"{prefix}pantau.feeds.state": 1,
    }
    assert main(["topics", "--grow"]) == 0  # nothing left to add
    out = capsys.readouterr().out
    assert "grown" not in out and "fewer" not in out and "12" in out
