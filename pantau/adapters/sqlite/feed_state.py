"""Per-feed progress and the seen-article set in the embedded mode's SQLite state file.

Implements :class:`pantau.sources.feed_state.FeedStateStore` (see there for
why state and seen ids are committed together, after publishing).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable

import msgspec

from pantau.sources.feed_state import SEEN_RETENTION, FeedState

__all__ = ["SqliteFeedStateStore"]

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
            found.update(r[0] for r in self.conn.execute(f"SELECT id FROM sources_seen WHERE id IN ({marks})", chunk))
        return set(wanted) - found

    def prune_seen(self, *, older_than: float = SEEN_RETENTION) -> int:
        """Forget seen ids not listed for ``older_than`` seconds; returns how many."""
        cur = self.conn.execute("DELETE FROM sources_seen WHERE last_seen < ?", (time.time() - older_than,))
        return cur.rowcount
