"""Silences: mute alerts by topic, rule, feed or term for a while, with a reason.

A silence expires by itself; ``pantau silence expire ID`` ends it early. An
alert is silenced when its feed is silenced, or when every rule match that
made it is silenced (by topic, rule or one of the matched terms): an article
matching both a silenced ``asean`` and a live ``north-korea`` still alerts.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Sequence
from typing import Literal, Protocol

import msgspec

from pantau.streams.classify import Classified, Match

__all__ = ["Silence", "Silences", "SilenceStore", "KINDS", "new_silence", "silencing"]

Kind = Literal["topic", "rule", "feed", "term"]
KINDS: tuple[str, ...] = ("topic", "rule", "feed", "term")


class Silence(msgspec.Struct, frozen=True, kw_only=True):
    """One silence: what it mutes, until when, and why."""

    id: str
    kind: Kind
    value: str
    reason: str
    created: float
    expires: float
    created_by: str = ""

    def active(self, now: float) -> bool:
        """True while the silence is in force."""
        return self.created <= now < self.expires

    def mutes_match(self, match: Match) -> bool:
        """True when this silence mutes one rule match."""
        value = self.value.casefold()
        if self.kind == "topic":
            return match.topic.casefold() == value
        if self.kind == "rule":
            return match.rule.casefold() == value
        if self.kind == "term":
            return any(h.term.casefold() == value or h.text.casefold() == value for h in match.hits)
        return False


class Silences(Protocol):
    """What the Dispatcher reads: SQLite in embedded mode, the silences topic in distributed mode."""

    def active(self, now: float | None = None) -> list[Silence]:
        """Silences in force at ``now``."""


def new_silence(kind: Kind, value: str, duration: float, reason: str, *, now: float, created_by: str = "") -> Silence:
    """A fresh silence with a random id, lasting ``duration`` seconds from ``now``."""
    if kind not in KINDS:
        raise ValueError(f"silence kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return Silence(id=secrets.token_hex(4), kind=kind, value=value, reason=reason, created=now,
                   expires=now + duration, created_by=created_by)


def silencing(silences: Sequence[Silence], classified: Classified, now: float) -> Silence | None:
    """The silence that mutes this classified article, or None if it should alert."""
    live = [s for s in silences if s.active(now)]
    article = classified.article
    for s in live:
        if s.kind == "feed" and s.value in (article.feed, article.feed_name):
            return s
    if not classified.matches:
        return None
    muted_by: Silence | None = None
    for match in classified.matches:
        hit = next((s for s in live if s.mutes_match(match)), None)
        if hit is None:
            return None
        muted_by = muted_by or hit
    return muted_by


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


class SilenceStore:
    """Silences kept in the SQLite state file (read by every run, written by the CLI)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(_SCHEMA)

    def add(self, kind: Kind, value: str, duration: float, reason: str, *, now: float | None = None,
            created_by: str = "") -> Silence:
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
            "SELECT id, kind, value, reason, created, expires, created_by FROM alert_silences"
            " ORDER BY created DESC, id"
        ).fetchall()
        return [Silence(id=i, kind=k, value=v, reason=r, created=c, expires=e, created_by=b)
                for i, k, v, r, c, e, b in rows]

    def active(self, now: float | None = None) -> list[Silence]:
        """Silences in force at ``now``."""
        now = time.time() if now is None else now
        return [s for s in self.all() if s.active(now)]

    def expire(self, silence_id: str, now: float | None = None) -> bool:
        """End a silence now; False when no active silence has that id."""
        now = time.time() if now is None else now
        cur = self.conn.execute(
            "UPDATE alert_silences SET expires = ? WHERE id = ? AND expires > ?", (now, silence_id, now)
        )
        return cur.rowcount > 0
