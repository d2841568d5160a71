"""WebSub subscriptions in the process's SQLite state file, so that a restart resumes them.

Implements :class:`pantau.sources.subscription.SubscriptionStore`: one row per feed holding the whole
subscription (hub, topic, callback id, secret, state, lease), written by the subscriber's event
loop whenever a subscription changes. The embedded mode (`pantau run`) and each `pantau sources`
worker keep it in their own state file, beside the feeds' progress.
"""

from __future__ import annotations

import sqlite3

import msgspec

from pantau.core.logs import get_logger
from pantau.sources.subscription import Subscription

__all__ = ["SqliteSubscriptionStore"]

log = get_logger(component="websub")
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Subscription).decode


class SqliteSubscriptionStore:
    """SubscriptionStore in the SQLite state file (``pantau.adapters.sqlite.state.open_state``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS websub_subscriptions (feed TEXT PRIMARY KEY, record BLOB NOT NULL)"
        )

    def load_all(self) -> list[Subscription]:
        """Every stored subscription; an unreadable row is logged and skipped (the feed subscribes afresh)."""
        subs = []
        for feed, raw in self.conn.execute("SELECT feed, record FROM websub_subscriptions ORDER BY feed"):
            try:
                subs.append(_decode(raw))
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.warning("websub_record_unreadable", feed=feed, error=str(exc))
        return subs

    def save(self, sub: Subscription) -> None:
        """Store (or replace) the feed's subscription."""
        self.conn.execute(
            "INSERT INTO websub_subscriptions (feed, record) VALUES (?, ?) "
            "ON CONFLICT(feed) DO UPDATE SET record = excluded.record",
            (sub.feed, _encode(sub)),
        )

    def delete(self, feed: str) -> None:
        """Forget the feed's subscription."""
        self.conn.execute("DELETE FROM websub_subscriptions WHERE feed = ?", (feed,))
