"""SqliteFeedStateStore: feed state and seen ids, committed together."""

import sqlite3

import pytest

from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.state import open_state
from pantau.sources.feed_state import FeedState


@pytest.fixture
def store(tmp_path):
    return SqliteFeedStateStore(open_state(tmp_path / "state.db"))


def test_state_round_trip_and_listing(store):
    assert store.load("f") is None
    state = FeedState(feed="f", url="https://x.id/rss", etag='"1"', failures=2, last_error="boom")
    store.save(state)
    assert store.load("f") == state
    assert [s.feed for s in store.load_all()] == ["f"]


def test_commit_marks_seen_ids_atomically_with_the_state(store):
    assert store.unseen(["a", "b"]) == {"a", "b"}
    store.commit(FeedState(feed="f", url="u", etag='"2"'), ["a"])
    assert store.unseen(["a", "b"]) == {"b"}
    assert store.load("f").etag == '"2"'


def test_a_failed_commit_changes_nothing(store):
    store.save(FeedState(feed="f", url="u", etag='"1"'))
    bad = FeedState(feed="f", url="u", etag='"2"')
    with pytest.raises(sqlite3.ProgrammingError):
        store.commit(bad, ["a", object()])  # the second id cannot be bound: the transaction rolls back
    assert store.load("f").etag == '"1"' and store.unseen(["a"]) == {"a"}


def test_state_survives_reopening(tmp_path):
    path = tmp_path / "s.db"
    SqliteFeedStateStore(open_state(path)).commit(FeedState(feed="f", url="u"), ["x"])
    reopened = SqliteFeedStateStore(open_state(path))
    assert reopened.load("f").url == "u" and reopened.unseen(["x", "y"]) == {"y"}


def test_unseen_handles_more_ids_than_sqlite_parameters(store):
    ids = [f"id{i}" for i in range(1200)]
    store.commit(FeedState(feed="f", url="u"), ids[:700])
    assert store.unseen(ids) == set(ids[700:])


def test_prune_forgets_only_old_ids(store):
    store.commit(FeedState(feed="f", url="u"), ["old", "new"])
    store.conn.execute("UPDATE sources_seen SET last_seen = 0 WHERE id = 'old'")
    assert store.prune_seen() == 1
    assert store.unseen(["old", "new"]) == {"old"}
