"""Feed progress shared between source workers through the compacted topic (sources/shared_state.py)."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from pantau.adapters.kafka.feed_states import SharedFeedStateStore
from pantau.adapters.kafka.topics import FEEDS_STATE
from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.state import open_state
from pantau.sources.feed_state import FeedState

pytestmark = pytest.mark.kafka

FEED = "https://kabar.example/rss.xml"


def worker_store(tmp_path, name: str, bootstrap: str, prefix: str) -> SharedFeedStateStore:
    """What one `pantau sources` process has: its own SQLite file, the shared topic."""
    return SharedFeedStateStore(
        SqliteFeedStateStore(open_state(tmp_path / f"{name}.db")), bootstrap, FEEDS_STATE.name(prefix)
    )


def test_a_worker_taking_a_feed_over_continues_from_what_the_other_shared(tmp_path, kafka_bootstrap, topic_prefix):
    first = worker_store(tmp_path, "first", kafka_bootstrap, topic_prefix)
    first.commit(FeedState(feed=FEED, url=FEED, etag='"v1"', next_due=1000.0), ["item-1", "item-2"])
    # The next poll is a 304: nothing listed, and the ids of the full fetch must still count.
    first.commit(FeedState(feed=FEED, url=FEED, etag='"v1"', next_due=2000.0), [])
    first.close()  # sends what is pending

    second = worker_store(tmp_path, "second", kafka_bootstrap, topic_prefix)
    try:
        assert second.load(FEED) is None
        assert asyncio.run(second.catch_up()) == 2
        state = second.load(FEED)
        assert (state.etag, state.next_due) == ('"v1"', 2000.0)
        assert second.unseen(["item-1", "item-2", "item-3"]) == {"item-3"}
        # Its own records are not read back over newer local state.
        second.commit(FeedState(feed=FEED, url=FEED, etag='"v2"', next_due=3000.0), ["item-3"])
        second.flush()
        assert asyncio.run(second.catch_up()) == 0
        assert second.load(FEED).etag == '"v2"'
    finally:
        second.close()

    # A third worker starting later sees only the latest record per feed and all it needs.
    third = worker_store(tmp_path, "third", kafka_bootstrap, topic_prefix)
    try:
        asyncio.run(third.catch_up())
        assert third.load(FEED).etag == '"v2"'
        assert third.unseen(["item-3", "item-4"]) == {"item-4"}
    finally:
        third.close()


def test_every_reader_skips_an_unreadable_record_and_says_where_it_is():
    from structlog.testing import capture_logs

    from pantau.adapters.kafka.feed_states import FeedRecord, read_record

    good = FeedRecord(writer="w1", state=FeedState(feed=FEED, url=FEED, failures=1), seen=["a"])
    assert read_record(msgspec.json.encode(good), 0) == good
    with capture_logs() as logs:
        assert read_record(b'{"writer": "w1"}', 7) is None
    assert [(e["event"], e["offset"]) for e in logs] == [("feed_state_unreadable", 7)]
