"""The StoryStore protocol (streams/stories.py) against memory, SQLite and the Faust-table implementation."""

from __future__ import annotations

import pytest

from pantau.adapters.faust.stories_table import TableStoryStore
from pantau.adapters.sqlite.stories import SqliteStoryStore
from pantau.streams.stories import MemoryStoryStore, StoryMember
from tests.contracts.conftest import Backend, closing, sqlite


@pytest.fixture(params=["memory", "sqlite", "faust-table"])
def stories(request, tmp_path):
    if request.param == "memory":
        store = MemoryStoryStore()  # memory is one instance: "reopening" it is the same store
        yield from closing(Backend("memory", lambda: store))
    elif request.param == "sqlite":
        yield from closing(sqlite(tmp_path, SqliteStoryStore))
    else:
        table: dict[str, bytes] = {}
        yield from closing(Backend("faust-table", lambda: TableStoryStore(table)))


def member(n: int, at: float, story: str = "s1") -> StoryMember:
    return StoryMember(article_id=f"a{n}", story_id=story, at=at, size=40 + n, signature=bytes([n]) * 16)


def test_members_are_kept_and_read_back_whole(stories):
    store = stories.open()
    assert store.get("a1") is None and store.latest() is None
    store.add(member(1, 100.0))
    assert stories.open().get("a1") == member(1, 100.0)


def test_the_first_write_of_an_article_wins(stories):
    store = stories.open()
    store.add(member(1, 100.0, story="first"))
    store.add(member(1, 200.0, story="second"))
    assert stories.open().get("a1").story_id == "first"


def test_recent_is_oldest_first_from_a_time_and_latest_is_the_newest(stories):
    store = stories.open()
    for n, at in ((1, 300.0), (2, 100.0), (3, 200.0)):
        store.add(member(n, at))
    again = stories.open()
    assert [m.article_id for m in again.recent(150.0)] == ["a3", "a1"]
    assert again.latest() == 300.0


def test_prune_forgets_members_older_than_a_time(stories):
    store = stories.open()
    for n, at in ((1, 100.0), (2, 200.0), (3, 300.0)):
        store.add(member(n, at))
    assert store.prune(250.0) == 2
    again = stories.open()
    assert [m.article_id for m in again.recent(0.0)] == ["a3"]
    assert again.get("a1") is None


def test_a_member_fetched_after_it_was_published_is_kept_from_its_fetch(stories):
    # The window runs from when the member was indexed (StoryIndex keeps it so): a copy published
    # long before it was fetched is recent, the newest, and not pruned, by its fetch time.
    store = stories.open()
    store.add(member(1, 300.0))
    store.add(StoryMember("a2", "s2", at=100.0, size=42, signature=b"\x02" * 16, seen=500.0))
    again = stories.open()
    assert again.get("a2").seen == 500.0 and again.get("a2").kept_from == 500.0
    assert [m.article_id for m in again.recent(400.0)] == ["a2"]
    assert again.latest() == 500.0
    assert again.prune(350.0) == 1 and again.get("a1") is None and again.get("a2") is not None


def test_a_state_file_from_before_fetch_times_were_kept_still_opens(tmp_path):
    import sqlite3

    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute(
        "CREATE TABLE story_members (article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, at REAL NOT NULL,"
        " size INTEGER NOT NULL, signature BLOB NOT NULL, fingerprint BLOB NOT NULL DEFAULT x'')"
    )
    conn.execute("CREATE INDEX story_members_at ON story_members(at)")
    conn.execute(
        "INSERT INTO story_members (article_id, story_id, at, size, signature) VALUES ('a1','s1',100,41,x'01')"
    )
    store = SqliteStoryStore(conn)
    assert store.get("a1") == StoryMember("a1", "s1", 100.0, 41, b"\x01") and store.latest() == 100.0


def test_a_faust_table_record_from_before_fetch_times_were_kept_still_reads():
    import msgspec

    old = msgspec.json.encode(["s1", 100.0, 41, b"\x01", b""])  # story, at, size, signature, fingerprint
    store = TableStoryStore({"a1": old})
    assert store.get("a1") == StoryMember("a1", "s1", 100.0, 41, b"\x01") and store.latest() == 100.0
