"""Silences: mute alerts by topic, rule, feed or term for a while, with a reason.

A silence expires by itself; ``pantau silence expire ID`` ends it early. An
alert is silenced when its feed is silenced, or when every rule match that
made it is silenced (by topic, rule or one of the matched terms): an article
matching both a silenced ``asean`` and a live ``north-korea`` still alerts.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Literal, Protocol

import msgspec

from pantau.streams.classify import Classified, Match

__all__ = ["Silence", "Silences", "Kind", "KINDS", "new_silence", "silencing"]

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
    return Silence(
        id=secrets.token_hex(4),
        kind=kind,
        value=value,
        reason=reason,
        created=now,
        expires=now + duration,
        created_by=created_by,
    )


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
