"""Silences in the embedded mode's SQLite state file (read by every run, written by the CLI).

Implements :class:`pantau.streams.deliver.silences.Silences`; the distributed
twin is :class:`pantau.adapters.kafka.silences.TopicSilences`.
"""

from __future__ import annotations

import sqlite3
import time

from pantau.streams.deliver.silences import Kind, Silence, new_silence

__all__ = ["SqliteSilences"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_silences (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    reason TEXT NOT NULL,
    created REAL NOT NULL,
    expires REAL NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
"""


class SqliteSilences:
    """Silences kept in the SQLite state file (read by every run, written by the CLI)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(_SCHEMA)

    def add(
        self, kind: Kind, value: str, duration: float, reason: str, *, now: float | None = None, created_by: str = ""
    ) -> Silence:
        """Create a silence lasting ``duration`` seconds from now."""
        now = time.time() if now is None else now
        silence = new_silence(kind, value, duration, reason, now=now, created_by=created_by)
        self.conn.execute(
            "INSERT INTO alert_silences (id, kind, value, reason, created, expires, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (silence.id, kind, value, reason, silence.created, silence.expires, created_by),
        )
        return silence

    def all(self) -> list[Silence]:
        """Every silence ever added, newest first."""
        rows = self.conn.execute(
            "SELECT id, kind, value, reason, created, expires, created_by FROM alert_silences ORDER BY created DESC, id"
        ).fetchall()
        return [
            Silence(id=i, kind=k, value=v, reason=r, created=c, expires=e, created_by=b) for i, k, v, r, c, e, b in rows
        ]

    def active(self, now: float | None = None) -> list[Silence]:
        """Silences in force at ``now``."""
        now = time.time() if now is None else now
        # Asked at every alert taken in: read the few in force, not every silence ever added.
        rows = self.conn.execute(
            "SELECT id, kind, value, reason, created, expires, created_by FROM alert_silences"
            " WHERE created <= ? AND expires > ? ORDER BY created DESC, id",
            (now, now),
        ).fetchall()
        return [
            Silence(id=i, kind=k, value=v, reason=r, created=c, expires=e, created_by=b) for i, k, v, r, c, e, b in rows
        ]

    def expire(self, silence_id: str, now: float | None = None) -> bool:
        """End a silence now; False when no active silence has that id."""
        now = time.time() if now is None else now
        cur = self.conn.execute(
            "UPDATE alert_silences SET expires = ? WHERE id = ? AND expires > ?", (now, silence_id, now)
        )
        return cur.rowcount > 0
