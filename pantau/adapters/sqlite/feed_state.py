"""Per-feed progress and the seen-article set, behind one small protocol.

A feed's state (ETag, Last-Modified, schedule, health) and the ids of the
articles it produced are committed together, in one transaction, and only
after the publisher has durably accepted those articles: a crash before that
point re-fetches and re-offers the same articles, a crash after it loses
nothing. The embedded mode keeps both in its SQLite file.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Iterable, Protocol

import msgspec

__all__ = ["FeedState", "FeedStateStore", "SqliteFeedStateStore", "SEEN_RETENTION"]

SEEN_RETENTION = 90 * 86400.0
"""Seen ids not listed by any feed for this long are forgotten (feeds drop old items far sooner)."""


class FeedState(msgspec.Struct, kw_only=True):
    """Everything pantau remembers about one feed between polls."""

    feed: str
    url: str
    """Where the feed is fetched now (a permanent redirect updates it)."""
    spec_url: str = ""
    """The URL in the feed list when ``url`` was last set; an edit there resets ``url``."""
    etag: str | None = None
    last_modified: str | None = None
    next_due: float = 0.0
    interval: float = 0.0
    """Current adaptive interval in seconds (0 = not yet adapted)."""
    failures: int = 0
    last_attempt: float | None = None
    first_success: float | None = None
    last_success: float | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    last_new_item: float | None = None
    items_seen: int = 0
    """New articles this feed has produced, all time."""
    last_items: int = 0
    """Items in the last body fetched."""
    fetch_time: float = 0.0
    disabled: str | None = None
    """Why pantau stopped polling the feed (410 Gone), None while active."""
    health: str = "ok"
    """Last health verdict announced: ok, failing, silent, gone."""


class FeedStateStore(Protocol):
    """Where the poller keeps feed states and seen article ids."""

    def load(self, feed: str) -> FeedState | None:
        """The stored state of one feed, None when never polled."""

    def load_all(self) -> list[FeedState]:
        """Every stored feed state."""

    def save(self, state: FeedState) -> None:
        """Store a state alone (failures, schedule changes): no articles involved."""

    def commit(self, state: FeedState, seen: Iterable[str]) -> None:
        """Store the state and mark ``seen`` ids, atomically, after publishing succeeded."""

    def unseen(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` never committed as seen."""

    def prune_seen(self, *, older_than: float = SEEN_RETENTION) -> int:
        """Forget seen ids no feed has listed for ``older_than`` seconds; returns how many."""


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(FeedState)


class SqliteFeedStateStore:
    """FeedStateStore in the embedded SQLite file (``pantau.adapters.sqlite.state.open_state``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ensure_schema()

    def ensure_schema(self) -> None:
        """Create the sources tables when missing."""
        self.conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS sources_feeds (feed TEXT PRIMARY KEY, state BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS sources_seen (
                id TEXT PRIMARY KEY, first_seen REAL NOT NULL, last_seen REAL NOT NULL
            ) WITHOUT ROWID;
            """
        )

    def load(self, feed: str) -> FeedState | None:
        """The stored state of one feed, None when never polled."""
        row = self.conn.execute("SELECT state FROM sources_feeds WHERE feed = ?", (feed,)).fetchone()
        return _decoder.decode(row[0]) if row else None

    def load_all(self) -> list[FeedState]:
        """Every stored feed state, ordered by feed id."""
        rows = self.conn.execute("SELECT state FROM sources_feeds ORDER BY feed").fetchall()
        return [_decoder.decode(r[0]) for r in rows]

    def save(self, state: FeedState) -> None:
        """Store a state alone (failures, schedule changes): no articles involved."""
        self.conn.execute(
            "INSERT INTO sources_feeds (feed, state) VALUES (?, ?) "
            "ON CONFLICT(feed) DO UPDATE SET state = excluded.state",
            (state.feed, _encoder.encode(state)),
        )

    def commit(self, state: FeedState, seen: Iterable[str]) -> None:
        """Store the state and mark ``seen`` ids in one transaction."""
        now = time.time()
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.save(state)
            self.conn.executemany(
                "INSERT INTO sources_seen (id, first_seen, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen",
                [(i, now, now) for i in seen],
            )

    def unseen(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` never committed as seen."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM sources_seen WHERE id IN ({marks})", chunk))
        return set(wanted) - found

    def prune_seen(self, *, older_than: float = SEEN_RETENTION) -> int:
        """Forget seen ids not listed for ``older_than`` seconds; returns how many."""
        cur = self.conn.execute("DELETE FROM sources_seen WHERE last_seen < ?", (time.time() - older_than,))
        return cur.rowcount
