"""When to poll a feed next: adaptive interval, jitter, backoff, Retry-After.

Busy feeds are polled more often than quiet ones, within bounds set from the
feed's declared interval. Every delay is jittered so that 10,000 feeds do not
fire in the same second after a restart. Failures back off exponentially but
never stop polling: a feed that comes back is noticed within ``MAX_BACKOFF``.
"""

from __future__ import annotations

import random

from pantau.sources.feeds import MIN_INTERVAL  # one minimum, declared and documented with the feed fields

__all__ = [
    "interval_bounds",
    "adapt_interval",
    "backoff_delay",
    "jittered",
    "next_delay",
    "MAX_BACKOFF",
    "JITTER",
]

MAX_BACKOFF = 6 * 3600.0
"""Longest wait between attempts at a failing feed."""
JITTER = 0.1
"""Delays are spread by +/- this fraction."""


def interval_bounds(declared: float) -> tuple[float, float]:
    """Shortest and longest adaptive interval for a feed declared at ``declared`` seconds."""
    declared = max(MIN_INTERVAL, declared)
    return max(MIN_INTERVAL, declared / 4), declared * 4


def adapt_interval(current: float, declared: float, *, new_items: int) -> float:
    """Shorten the interval after new items, lengthen it after a quiet poll, within bounds."""
    low, high = interval_bounds(declared)
    current = current or max(MIN_INTERVAL, declared)
    current = current * 0.7 if new_items else current * 1.25
    return min(high, max(low, current))


def backoff_delay(failures: int, declared: float) -> float:
    """Delay after ``failures`` consecutive failures: doubling from the interval, capped, never infinite."""
    base = max(MIN_INTERVAL, declared)
    return min(MAX_BACKOFF, base * 2 ** min(max(0, failures - 1), 20))


def jittered(delay: float, rng: random.Random | None = None) -> float:
    """``delay`` spread uniformly by +/- JITTER."""
    r = (rng or random).uniform(-JITTER, JITTER)
    return max(1.0, delay * (1 + r))


def next_delay(
    *, interval: float, declared: float, failures: int, retry_after: float | None, rng: random.Random | None = None
) -> float:
    """Seconds until the next poll: backoff when failing, never earlier than Retry-After."""
    delay = backoff_delay(failures, declared) if failures else interval
    delay = jittered(delay, rng)
    if retry_after is not None:
        delay = max(delay, retry_after)  # the server's wish is a floor, not jittered below
    return delay
