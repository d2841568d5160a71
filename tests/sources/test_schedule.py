"""Schedules, Retry-After and per-host limits."""

import asyncio
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from pantau.sources.politeness import MAX_RETRY_AFTER, HostLimiter, parse_retry_after
from pantau.sources.schedule import (
    JITTER,
    MAX_BACKOFF,
    adapt_interval,
    backoff_delay,
    interval_bounds,
    jittered,
    next_delay,
)


def test_retry_after_in_seconds_and_as_http_date():
    now = datetime(2024, 11, 14, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120") == 120
    assert parse_retry_after(format_datetime(now + timedelta(minutes=5), usegmt=True), now=now) == 300
    assert parse_retry_after(format_datetime(now - timedelta(minutes=5), usegmt=True), now=now) == 0
    assert parse_retry_after("9999999") == MAX_RETRY_AFTER
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_adaptive_interval_moves_within_bounds():
    low, high = interval_bounds(300)
    interval = 300.0
    for _ in range(50):
        interval = adapt_interval(interval, 300, new_items=5)
    assert interval == low
    for _ in range(50):
        interval = adapt_interval(interval, 300, new_items=0)
    assert interval == high


def test_backoff_doubles_is_capped_and_never_gives_up():
    delays = [backoff_delay(n, 300) for n in range(1, 40)]
    assert delays[:3] == [300, 600, 1200]
    assert max(delays) == MAX_BACKOFF and delays[-1] == MAX_BACKOFF


def test_jitter_spreads_within_bounds():
    rng = random.Random(1)
    values = {round(jittered(100, rng), 3) for _ in range(200)}
    assert len(values) > 100
    assert all(100 * (1 - JITTER) <= v <= 100 * (1 + JITTER) for v in values)


def test_retry_after_is_a_floor():
    assert next_delay(interval=60, declared=60, failures=1, retry_after=3600, rng=random.Random(0)) == 3600


def test_host_limiter_bounds_per_host_and_total():
    async def scenario():
        limiter = HostLimiter(per_host=2, total=3)
        active: dict[str, int] = {}
        peaks = {"total": 0}

        async def request(url: str) -> None:
            async with limiter.slot(url):
                host = url.split("/")[2]
                active[host] = active.get(host, 0) + 1
                peaks[host] = max(peaks.get(host, 0), active[host])
                peaks["total"] = max(peaks["total"], sum(active.values()))
                await asyncio.sleep(0.01)
                active[host] -= 1

        urls = [f"https://{h}.example/{i}" for h in "abc" for i in range(6)]
        await asyncio.gather(*(request(u) for u in urls))
        assert limiter.active_hosts == 0
        return peaks

    peaks = asyncio.run(scenario())
    assert peaks["total"] == 3
    assert max(peaks[h] for h in ("a.example", "b.example", "c.example")) == 2
