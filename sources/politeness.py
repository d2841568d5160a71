"""Being a good client: per-host and global concurrency, and Retry-After.

A news site serving fifty of our feeds must not see fifty connections at
once; the whole poller must not open more sockets than the machine (or the
network path) takes. Servers that answer 429/503 with Retry-After are left
alone for as long as they ask, in either of the header's two forms.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import AsyncIterator
from urllib.parse import urlsplit

__all__ = ["parse_retry_after", "HostLimiter", "host_of", "MAX_RETRY_AFTER"]

MAX_RETRY_AFTER = 24 * 3600.0
"""A server asking for more than a day is capped: we still want to notice recovery."""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER)


def host_of(url: str) -> str:
    """The lowercase host a URL points at (the unit of per-host politeness)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class HostLimiter:
    """At most ``per_host`` requests to one host and ``total`` overall, at any moment."""

    def __init__(self, *, per_host: int, total: int) -> None:
        self.per_host = max(1, per_host)
        self._global = asyncio.Semaphore(max(1, total))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Hold one host slot, then one global slot, for the duration of a request."""
        host = host_of(url)
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.per_host)
        self._users[host] = self._users.get(host, 0) + 1
        try:
            # Host first: a request queued behind a busy host must not hold a global slot.
            async with sem, self._global:
                yield
        finally:
            self._users[host] -= 1
            if not self._users[host]:  # forget idle hosts so 10,000 feeds cost nothing
                del self._users[host]
                del self._hosts[host]

    @property
    def active_hosts(self) -> int:
        """Hosts with a request in flight or waiting."""
        return len(self._hosts)
