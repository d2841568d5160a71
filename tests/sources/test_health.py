"""sources/health.py: the one record of a feed's health, as status shows it and as the events topic carries it."""

from __future__ import annotations

import msgspec

from pantau.sources.feed_state import FeedState
from pantau.sources.feeds import FeedSpec
from pantau.sources.health import FeedHealth, feed_health, health_event

URL = "https://kabar.example/rss"
NOW = 1_800_000_000.0


def test_status_shows_new_disabled_unreachable_and_ok_feeds():
    spec = FeedSpec(url=URL, name="Kabar")
    assert feed_health(None, spec, now=NOW).verdict == "new"
    assert feed_health(None, FeedSpec(url=URL, enabled=False), now=NOW).verdict == "disabled"
    never = FeedState(feed=spec.key, url=URL, failures=1, last_attempt=NOW - 5, last_error="connection refused")
    shown = feed_health(never, spec, now=NOW)
    assert (shown.verdict, shown.name, shown.failures, shown.last_error) == (
        "unreachable",
        "Kabar",
        1,
        "connection refused",
    )
    fine = FeedState(feed=spec.key, url=URL, last_attempt=NOW - 5, last_success=NOW - 5, last_error="old 503")
    assert (feed_health(fine, spec, now=NOW).verdict, feed_health(fine, spec, now=NOW).last_error) == ("ok", None)


def test_an_announced_change_travels_under_the_names_earlier_releases_used():
    spec = FeedSpec(url=URL, name="Kabar", failing_after=1)
    event = health_event(FeedState(feed=spec.key, url=URL, failures=1, last_error="HTTP 503"), spec, now=NOW)
    assert event is not None and event.verdict == "failing" and "failed 1 times" in event.message
    wire = msgspec.json.decode(msgspec.json.encode(event))
    assert (wire["feed_name"], wire["kind"]) == ("Kabar", "failing")
    # A record written by an earlier release (no last_new_item) still reads.
    old = b'{"feed":"k","feed_name":"Kabar","kind":"gone","message":"m","failures":0,"at":1.0}'
    assert msgspec.json.decode(old, type=FeedHealth) == FeedHealth(
        feed="k", name="Kabar", verdict="gone", message="m", at=1.0
    )
