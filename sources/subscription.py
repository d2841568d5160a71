"""A WebSub subscription as the subscriber keeps it, where it is stored, and the timings it follows.

Subscriptions are kept in a :class:`SubscriptionStore` (the process's SQLite state file:
pantau/adapters/sqlite/websub.py): after a restart the subscriber carries on with the leases,
secrets and states it had (renewing at 80 % as before) instead of subscribing every feed again;
a feed it holds no record of is subscribed when a poll finds its hub, under the same callback id
(the hub replaces any old subscription and secret).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Subscription", "SubscriptionStore", "callback_id", "VERIFY_WITHIN", "RETRY", "RENEW_AT", "STATES"]

VERIFY_WITHIN = 60.0
"""Seconds a hub has to verify our intent before we ask again."""
RETRY = (5.0, 30.0, 120.0, 600.0, 3600.0)
"""Waits between failed subscription attempts."""
RENEW_AT = 0.8
"""Share of the granted lease after which the subscription is renewed."""
STATES = ("requested", "active", "expired", "denied", "failed")


def callback_id(feed_key: str) -> str:
    """The callback path segment of a feed: stable across restarts, reveals nothing of the feed."""
    return hashlib.blake2b(feed_key.encode("utf-8"), digest_size=12, person=b"pantau-websub").hexdigest()


@dataclass
class Subscription:
    """One feed's subscription at its hub."""

    feed: str
    hub: str
    topic: str
    callback: str
    secret: str
    state: str = "requested"
    requested_at: float = 0.0
    verified_at: float = 0.0
    lease: float = 0.0
    attempts: int = 0
    retry_at: float = 0.0
    last_push: float = 0.0
    quiet: bool = False
    """The hub missed articles a poll found: polling runs at the feed's own interval again."""

    @property
    def expires_at(self) -> float:
        """When the granted lease ends (0 before verification)."""
        return self.verified_at + self.lease if self.verified_at else 0.0


class SubscriptionStore(Protocol):
    """Where subscriptions outlive the process (one record per feed)."""

    def load_all(self) -> list[Subscription]:
        """Every stored subscription."""
        ...

    def save(self, sub: Subscription) -> None:
        """Store (or replace) the feed's subscription."""
        ...

    def delete(self, feed: str) -> None:
        """Forget the feed's subscription."""
        ...
