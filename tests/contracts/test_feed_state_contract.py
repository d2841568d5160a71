"""FeedStateStore (sources/feed_state.py) against SQLite and the Kafka-shared store on the real broker.

For the shared store, "opening again" is another source worker with its own
SQLite file taking the feed over: it catches up on the compacted topic first.
"""

from __future__ import annotations

import asyncio

import pytest

from pantau.adapters.kafka.feed_states import SharedFeedStateStore
from pantau.adapters.kafka.topics import FEEDS_STATE
from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.state import open_state
from pantau.sources.feed_state import FeedState
from tests.contracts.conftest import Backend, closing, sqlite

FEED = "https://kabar.example/rss.xml"


@pytest.fixture(params=["sqlite", pytest.param("kafka-shared", marks=pytest.mark.kafka)])
def feed_states(request, tmp_path):
    if request.param == "sqlite":
        yield from closing(sqlite(tmp_path, SqliteFeedStateStore))
        return
    bootstrap = request.getfixturevalue("kafka_bootstrap")
    topic = FEEDS_STATE.name(request.getfixturevalue("kafka_prefix"))

    def open_worker() -> SharedFeedStateStore:
        for previous in backend.opened:
            previous.flush()  # what the previous worker shared reaches the topic
        own = SqliteFeedStateStore(open_state(tmp_path / f"w{len(backend.opened)}.db"))
        store = SharedFeedStateStore(own, bootstrap, topic)
        asyncio.run(store.catch_up())
        return store

    backend = Backend("kafka-shared", open_worker)
    yield from closing(backend)


def test_a_saved_state_is_loaded_back(feed_states):
    store = feed_states.open()
    assert store.load(FEED) is None
    store.save(FeedState(feed=FEED, url=FEED, failures=2, last_error="HTTP 503", next_due=500.0))
    loaded = feed_states.open().load(FEED)
    assert (loaded.failures, loaded.last_error, loaded.next_due) == (2, "HTTP 503", 500.0)


def test_commit_stores_state_and_seen_ids_together(feed_states):
    store = feed_states.open()
    store.commit(FeedState(feed=FEED, url=FEED, etag='"v1"'), ["item-1", "item-2"])
    again = feed_states.open()
    assert again.load(FEED).etag == '"v1"'
    assert again.unseen(["item-1", "item-2", "item-3"]) == {"item-3"}


def test_load_all_lists_every_feed(feed_states):
    store = feed_states.open()
    for n in range(3):
        store.save(FeedState(feed=f"{FEED}?{n}", url=f"{FEED}?{n}"))
    assert sorted(s.feed for s in feed_states.open().load_all()) == [f"{FEED}?{n}" for n in range(3)]


def test_prune_forgets_only_old_seen_ids(feed_states):
    store = feed_states.open()
    store.commit(FeedState(feed=FEED, url=FEED), ["item-1"])
    assert store.prune_seen(older_than=3600) == 0
    assert store.unseen(["item-1"]) == set()
