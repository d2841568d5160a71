"""The embedded mode's inbox: articles accepted from the poller, each processed once.

It plays the part the raw-articles topic plays in distributed mode. The
poller's publish callback returns only after :meth:`Inbox.accept` committed,
so the feed's progress is committed after the articles are safe; an article
stays pending until its alerts are in the outbox, so one left pending by a
crash is processed at the next start. Keyed by article id: the same article
from two feeds, or re-published after a crash, is taken in once.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable

from pantau.core.article import Article, decode, encode

__all__ = ["Inbox"]


class Inbox:
    """Articles accepted from the poller, each processed once (table ``inbox``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        conn.execute(
            "CREATE TABLE IF NOT EXISTS inbox (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
            " article_id TEXT NOT NULL UNIQUE, body BLOB NOT NULL, received REAL NOT NULL,"
            " done REAL)"
        )
        conn.execute("CREATE INDEX IF NOT EXISTS inbox_pending ON inbox(done) WHERE done IS NULL")
        # Pruning runs hourly on a long-lived process: by index, not a scan of a month of rows.
        conn.execute("CREATE INDEX IF NOT EXISTS inbox_done ON inbox(done) WHERE done IS NOT NULL")

    def accept(self, articles: Iterable[Article], now: float | None = None) -> int:
        """Durably store articles not seen before (one transaction); returns how many were new."""
        now = time.time() if now is None else now
        rows = [(a.id, encode(a), now) for a in articles]
        with self._conn:  # BEGIN ... COMMIT even though the connection is in autocommit
            self._conn.execute("BEGIN IMMEDIATE")
            before = self._conn.total_changes
            self._conn.executemany("INSERT OR IGNORE INTO inbox (article_id, body, received) VALUES (?,?,?)", rows)
            return self._conn.total_changes - before

    def pending(self, limit: int = 500) -> list[Article]:
        """Accepted articles not yet processed, in arrival order."""
        return [article for _seq, article in self.pending_after(0, limit)]

    def pending_after(self, seq: int, limit: int = 500) -> list[tuple[int, Article]]:
        """(seq, article) of articles not yet marked done that arrived after ``seq``, in arrival order.

        The embedded runner marks articles done in batches: it asks past the last one it took.
        """
        rows = self._conn.execute(
            "SELECT seq, body FROM inbox WHERE done IS NULL AND seq > ? ORDER BY seq LIMIT ?", (seq, limit)
        ).fetchall()
        return [(n, decode(body)) for n, body in rows]

    def mark_all_done(self, article_ids: Iterable[str], now: float | None = None) -> None:
        """:meth:`mark_done` for many (one statement; inside the caller's transaction when there is one)."""
        when = time.time() if now is None else now
        self._conn.executemany("UPDATE inbox SET done=? WHERE article_id=?", [(when, i) for i in article_ids])

    def mark_done(self, article_id: str, now: float | None = None) -> None:
        """Record that the article's alerts are safely in the outbox."""
        self._conn.execute(
            "UPDATE inbox SET done=? WHERE article_id=?", (time.time() if now is None else now, article_id)
        )

    def prune(self, older_than: float, now: float | None = None) -> int:
        """Forget processed articles older than ``older_than`` seconds; returns how many."""
        cutoff = (time.time() if now is None else now) - older_than
        return self._conn.execute("DELETE FROM inbox WHERE done IS NOT NULL AND done < ?", (cutoff,)).rowcount

    def count_pending(self) -> int:
        """How many accepted articles wait to be processed."""
        return self._conn.execute("SELECT count(*) FROM inbox WHERE done IS NULL").fetchone()[0]
