"""What the poller remembers about each feed between polls, and the protocol of the store keeping it.

A feed's state (ETag, Last-Modified, schedule, health) and the ids of the
articles it produced are committed together, in one transaction, and only
after the publisher has durably accepted those articles: a crash before that
point re-fetches and re-offers the same articles, a crash after it loses
nothing. The embedded mode keeps both in SQLite
(:class:`pantau.adapters.sqlite.feed_state.SqliteFeedStateStore`); source
workers share them through Kafka
(:class:`pantau.adapters.kafka.feed_states.SharedFeedStateStore`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import msgspec

__all__ = ["FeedState", "FeedStateStore", "SEEN_RETENTION"]

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
