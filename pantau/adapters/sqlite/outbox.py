"""The alert outbox and dead letters in the embedded mode's SQLite state file.

Implements :class:`pantau.streams.deliver.outbox.Outbox` (see there for the
once-per-key contract), plus the read-outs ``pantau status`` uses.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from pantau.streams.deliver.alert import Alert, decode_alert, encode_alert
from pantau.streams.deliver.outbox import Counts, DeadLetter, Entry, Recent, Waiting

__all__ = ["SqliteOutbox"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_outbox (
    key TEXT PRIMARY KEY,
    destination TEXT NOT NULL,
    route TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | dead
    due REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    batch TEXT,
    error TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    updated REAL NOT NULL,
    alert BLOB
);
CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox(status, due);
CREATE INDEX IF NOT EXISTS alert_outbox_sent ON alert_outbox(updated) WHERE status = 'sent';
CREATE TABLE IF NOT EXISTS story_ledger (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS inhibit_sources (
    key TEXT PRIMARY KEY,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS delivery_timers (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_dead_letters (
    key TEXT PRIMARY KEY,
    destination TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT NOT NULL,
    died REAL NOT NULL,
    alert BLOB NOT NULL
);
"""


class SqliteOutbox:
    """The outbox and dead letters in the embedded mode's SQLite state file."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(_SCHEMA)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(alert_outbox)")}
        if "title" not in columns:  # state files from before titles were kept
            conn.execute("ALTER TABLE alert_outbox ADD COLUMN title TEXT NOT NULL DEFAULT ''")

    @contextmanager
    def _tx(self) -> Iterator[None]:
        # The state connection is in autocommit mode: open the transaction
        # ourselves so that a batch is all-or-nothing.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def enqueue(self, alerts: Iterable[Alert], due: Sequence[float]) -> list[Alert]:
        """Store alerts not seen before (INSERT OR IGNORE on the key); return those stored."""
        stored: list[Alert] = []
        now = time.time()
        with self._tx():
            for alert, when in zip(alerts, due, strict=True):
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO alert_outbox (key, destination, route, due, created, updated, alert, title)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        alert.key,
                        alert.destination,
                        alert.route,
                        when,
                        alert.created,
                        now,
                        encode_alert(alert),
                        alert.headline[:300],
                    ),
                )
                if cur.rowcount:
                    stored.append(alert)
        return stored

    def _entries(self, where: str, params: tuple = ()) -> list[Entry]:
        rows = self.conn.execute(
            f"SELECT alert, due, attempts, batch, error FROM alert_outbox WHERE status = 'pending' {where}"
            " ORDER BY due, created, key",
            params,
        ).fetchall()
        return [Entry(alert=decode_alert(a), due=d, attempts=n, batch=b, error=e) for a, d, n, b, e in rows]

    def due(self, now: float) -> list[Entry]:
        """Pending entries whose time has come, oldest first."""
        return self._entries("AND due <= ?", (now,))

    def pending(self, destination: str | None = None) -> list[Entry]:
        """Every pending entry (of ``destination`` when given), oldest first."""
        return self._entries("") if destination is None else self._entries("AND destination = ?", (destination,))

    def entry(self, key: str) -> Entry | None:
        """The pending entry ``key`` (None when it is not pending)."""
        found = self._entries("AND key = ?", (key,))
        return found[0] if found else None

    def waiting(self) -> list[Waiting]:
        """The earliest due time per destination, route and kind, counted by SQLite (nothing decoded)."""
        rows = self.conn.execute(
            "SELECT destination, route, batch IS NULL OR attempts = 0, min(due) FROM alert_outbox"
            " WHERE status = 'pending' GROUP BY 1, 2, 3"
        )
        return [Waiting(d, r, bool(f), due) for d, r, f, due in rows]

    def counts(self) -> Counts:
        """Pending alerts and dead letters per destination, counted by SQLite."""
        pending = self.conn.execute(
            "SELECT destination, count(*) FROM alert_outbox WHERE status = 'pending' GROUP BY destination"
        )
        dead = self.conn.execute("SELECT destination, count(*) FROM alert_dead_letters GROUP BY destination")
        return Counts(pending=dict(pending.fetchall()), dead=dict(dead.fetchall()))

    def mark_sent(self, keys: Sequence[str], at: float) -> None:
        """Mark sent; the payload is dropped, the key kept so the alert is never sent twice."""
        with self._tx():
            self.conn.executemany(
                "UPDATE alert_outbox SET status = 'sent', attempts = attempts + 1, updated = ?, error = '',"
                " alert = NULL WHERE key = ?",
                [(at, k) for k in keys],
            )

    def mark_retry(self, keys: Sequence[str], at: float, error: str, batch: str | None = None) -> None:
        """Count a failed attempt and schedule the next one at ``at``."""
        with self._tx():
            self.conn.executemany(
                "UPDATE alert_outbox SET attempts = attempts + 1, due = ?, error = ?, batch = ?, updated = ?"
                " WHERE key = ? AND status = 'pending'",
                [(at, error, batch, time.time(), k) for k in keys],
            )

    def mark_dead(self, keys: Sequence[str], error: str, at: float) -> None:
        """Move these alerts to the dead-letter table (one transaction)."""
        with self._tx():
            for key in keys:
                self.conn.execute(
                    "INSERT OR REPLACE INTO alert_dead_letters (key, destination, attempts, error, died, alert)"
                    " SELECT key, destination, attempts + 1, ?, ?, alert FROM alert_outbox"
                    " WHERE key = ? AND status = 'pending'",
                    (error, at, key),
                )
                self.conn.execute(
                    "UPDATE alert_outbox SET status = 'dead', attempts = attempts + 1, error = ?, updated = ?"
                    " WHERE key = ? AND status = 'pending'",
                    (error, at, key),
                )

    def dead(self) -> list[DeadLetter]:
        """Every dead letter, oldest first."""
        rows = self.conn.execute(
            "SELECT alert, attempts, error, died FROM alert_dead_letters ORDER BY died, key"
        ).fetchall()
        return [DeadLetter(alert=decode_alert(a), attempts=n, error=e, died=d) for a, n, e, d in rows]

    def replay(self, keys: Sequence[str] | None, now: float) -> int:
        """Move dead letters back to pending with a fresh retry budget; return how many."""
        with self._tx():
            if keys is None:
                keys = [k for (k,) in self.conn.execute("SELECT key FROM alert_dead_letters")]
            moved = 0
            for key in keys:
                row = self.conn.execute("SELECT alert FROM alert_dead_letters WHERE key = ?", (key,)).fetchone()
                if row is None:
                    continue
                self.conn.execute(
                    "UPDATE alert_outbox SET status = 'pending', attempts = 0, due = ?, batch = NULL, error = '',"
                    " updated = ?, alert = ? WHERE key = ?",
                    (now, now, row[0], key),
                )
                self.conn.execute("DELETE FROM alert_dead_letters WHERE key = ?", (key,))
                moved += 1
        return moved

    def prune(self, before: float) -> int:
        """Delete the rows of alerts sent before ``before`` (dead letters stay); return how many."""
        with self._tx():
            self.conn.execute("DELETE FROM story_ledger WHERE at < ?", (before,))
            self.conn.execute("DELETE FROM inhibit_sources WHERE at < ?", (before,))
            return self.conn.execute(
                "DELETE FROM alert_outbox WHERE status = 'sent' AND updated < ?", (before,)
            ).rowcount

    def amend(self, key: str, alert: Alert) -> bool:
        """Replace a pending, never attempted alert's payload; False when it was sent or tried meanwhile."""
        return (
            self.conn.execute(
                "UPDATE alert_outbox SET alert = ? WHERE key = ? AND status = 'pending' AND attempts = 0",
                (encode_alert(alert), key),
            ).rowcount
            == 1
        )

    def ledger(self, key: str) -> bytes | None:
        """The story-update ledger of the first alert ``key``."""
        row = self.conn.execute("SELECT value FROM story_ledger WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def save_ledger(self, key: str, raw: bytes, at: float, *, sending: bool = False) -> None:
        """Store the ledger of the first alert ``key``."""
        self.conn.execute("INSERT OR REPLACE INTO story_ledger (key, value, at) VALUES (?, ?, ?)", (key, raw, at))

    def inhibit_source(self, key: str) -> float | None:
        """When the inhibition source ``key`` was last seen, if ever."""
        row = self.conn.execute("SELECT at FROM inhibit_sources WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else None

    def save_inhibit_source(self, key: str, at: float) -> None:
        """Record that the inhibition source ``key`` was seen at ``at``."""
        self.conn.execute("INSERT OR REPLACE INTO inhibit_sources (key, at) VALUES (?, ?)", (key, at))

    def load_timers(self) -> bytes | None:
        """The planner's saved timers (None when never saved)."""
        row = self.conn.execute("SELECT value FROM delivery_timers WHERE name = 'planner'").fetchone()
        return row[0] if row else None

    def save_timers(self, raw: bytes) -> None:
        """Save the planner's timers (one row, replaced)."""
        self.conn.execute("INSERT OR REPLACE INTO delivery_timers (name, value) VALUES ('planner', ?)", (raw,))

    def sent_counts(self) -> dict[str, tuple[int, float]]:
        """Per destination: how many alerts were sent, and when the last one was."""
        rows = self.conn.execute(
            "SELECT destination, count(*), max(updated) FROM alert_outbox WHERE status = 'sent' GROUP BY destination"
        )
        return {destination: (count, last) for destination, count, last in rows}

    def recent(self, limit: int) -> list[Recent]:
        """The ``limit`` most recently updated alerts of any status, newest first."""
        rows = self.conn.execute(
            "SELECT updated, destination, route, status, alert, title FROM alert_outbox ORDER BY updated DESC LIMIT ?",
            (limit,),
        ).fetchall()
        recent = []
        for u, d, r, s, a, title in rows:
            alert = decode_alert(a) if a else None
            recent.append(
                Recent(
                    updated=u,
                    destination=d,
                    route=r,
                    status=s,
                    alert=alert,
                    title=title or (alert.headline if alert else ""),
                )
            )
        return recent
