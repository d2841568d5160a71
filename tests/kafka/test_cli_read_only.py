"""`--kafka` commands against the real broker: reading never creates a topic, adding a silence does."""

from __future__ import annotations

import uuid

import pytest
from kafka.admin import KafkaAdminClient

from pantau.cli.main import main

pytestmark = pytest.mark.kafka


def _topics(bootstrap: str, prefix: str) -> set[str]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="pantau-test")
    try:
        return {t for t in admin.list_topics() if t.startswith(prefix)}
    finally:
        admin.close()


def test_read_only_kafka_commands_create_no_topic(kafka_bootstrap, monkeypatch, capsys, tmp_path) -> None:
    prefix = f"test-ro-{uuid.uuid4().hex[:8]}."
    monkeypatch.setenv("PANTAU_KAFKA", kafka_bootstrap)
    monkeypatch.setenv("PANTAU_TOPIC_PREFIX", prefix)
    monkeypatch.chdir(tmp_path)
    assert main(["silence", "list", "--kafka"]) == 0
    assert main(["silence", "list", "--kafka", "--all"]) == 0
    assert main(["alerts", "dead", "--kafka"]) == 0
    assert main(["silence", "expire", "--kafka", "abc"]) == 1
    out, err = capsys.readouterr()
    assert "no silences in force" in out and "no dead letters" in out and "no active silence" in err
    assert _topics(kafka_bootstrap, prefix) == set()
    assert main(["silence", "add", "--kafka", "--topic", "asean", "--for", "1h", "--reason", "summit"]) == 0
    assert _topics(kafka_bootstrap, prefix) == {f"{prefix}pantau.silences"}
    assert list(tmp_path.iterdir()) == []  # and no state file either
