"""Silences (streams/deliver/silences.py) against SQLite and the silences topic on the real broker."""

from __future__ import annotations

import pytest

from pantau.adapters.kafka.silences import TopicSilences
from pantau.adapters.sqlite.silences import SqliteSilences
from tests.contracts.conftest import Backend, closing, sqlite

NOW = 1_800_000_000.0


@pytest.fixture(params=["sqlite", pytest.param("kafka-topic", marks=pytest.mark.kafka)])
def silences(request, tmp_path):
    if request.param == "sqlite":
        yield from closing(sqlite(tmp_path, SqliteSilences))
        return
    bootstrap = request.getfixturevalue("kafka_bootstrap")
    prefix = request.getfixturevalue("kafka_prefix")

    def open_topic() -> TopicSilences:
        store = TopicSilences(bootstrap, prefix=prefix)
        store.catch_up()  # what every worker and the CLI do before reading
        return store

    yield from closing(Backend("kafka-topic", open_topic))


def test_a_silence_is_active_until_it_expires(silences):
    store = silences.open()
    added = store.add("topic", "asean", 3600, "summit week", now=NOW, created_by="desk")
    (seen,) = silences.open().active(NOW + 10)
    assert (seen.id, seen.kind, seen.value, seen.reason, seen.created_by) == (
        added.id,
        "topic",
        "asean",
        "summit week",
        "desk",
    )
    assert seen.expires == NOW + 3600
    assert silences.open().active(NOW + 3601) == []


def test_expire_ends_a_silence_early_and_only_an_active_one(silences):
    store = silences.open()
    keep = store.add("feed", "kabar", 3600, "noisy", now=NOW)
    gone = store.add("rule", "asean-name", 3600, "false positives", now=NOW)
    assert store.expire(gone.id, now=NOW + 5)
    assert not store.expire(gone.id, now=NOW + 6)
    assert not store.expire("no-such-id", now=NOW + 6)
    assert [s.id for s in silences.open().active(NOW + 10)] == [keep.id]
