"""Never silent: per-feed health verdicts, metrics, and the one record of a feed's health.

A feed that fails, or stops producing items, for longer than its threshold
produces one :class:`FeedHealth` when it enters that state and one when it
recovers, so routes can tell ops without repeating themselves every poll.
``pantau status`` shows the same record for every feed (:func:`feed_health`);
ops routes deliver it as an ``OpsEvent`` (``pantau.streams.deliver.events``).
"""

from __future__ import annotations

import time

import msgspec

from pantau.core import metrics
from pantau.sources.feed_state import FeedState
from pantau.sources.feeds import FeedSpec

__all__ = [
    "FeedHealth",
    "verdict",
    "shown_verdict",
    "feed_health",
    "health_event",
    "record_metrics",
    "forget_metrics",
    "FAILING_AFTER",
]

FAILING_AFTER = 3
"""Consecutive failed polls after which a feed counts as failing (FeedSpec.failing_after's default)."""


class FeedHealth(msgspec.Struct, frozen=True, kw_only=True):
    """A feed's health at one moment: its verdict and the figures behind it.

    Announced when the verdict changes (:func:`health_event`: failing, silent,
    gone or recovered), and shown per feed by ``pantau status``
    (:func:`feed_health`: ok, unreachable, failing, silent, gone, new or disabled).
    """

    feed: str
    # The events topic carries these records between processes; the encoded names
    # stay those of earlier releases so sources and workers of either still read each other.
    name: str = msgspec.field(default="", name="feed_name")
    verdict: str = msgspec.field(name="kind")
    message: str = ""
    """What happened, in a sentence for ops (announced changes only)."""
    failures: int = 0
    last_error: str | None = None
    last_success: float | None = None
    last_new_item: float | None = None
    at: float = 0.0
    """When the verdict was reached (Unix time)."""


def verdict(state: FeedState, spec: FeedSpec, *, now: float | None = None) -> str:
    """ok, failing (failing_after failures in a row), silent (no new item for silent_after) or gone."""
    now = time.time() if now is None else now
    if state.disabled:
        return "gone"
    if state.failures >= spec.failing_after:
        return "failing"
    since = _quiet_since(state)
    if since is not None and now - since > spec.silent_after and state.last_success is not None:
        return "silent"
    return "ok"


def shown_verdict(state: FeedState, spec: FeedSpec, *, now: float | None = None) -> str:
    """What ``pantau status`` shows: :func:`verdict`, but a feed never fetched successfully is never "ok".

    Before ``failing_after`` failures a feed counts as ok for alerting (one
    timeout is no news); a feed that has failed every attempt so far is shown
    as ``unreachable`` all the same, with its last error.
    """
    current = verdict(state, spec, now=now)
    if current == "ok" and state.last_success is None and state.failures:
        return "unreachable"
    return current


def feed_health(state: FeedState | None, spec: FeedSpec, *, now: float) -> FeedHealth:
    """What ``pantau status`` shows of a feed: :func:`shown_verdict`, ``new`` before its first poll, or ``disabled``."""
    if state is None or state.last_attempt is None:
        return FeedHealth(feed=spec.key, name=spec.name, verdict="new" if spec.enabled else "disabled", at=now)
    return FeedHealth(
        feed=spec.key,
        name=spec.name,
        verdict=shown_verdict(state, spec, now=now) if spec.enabled else "disabled",
        failures=state.failures,
        last_success=state.last_success,
        last_new_item=state.last_new_item,
        last_error=state.last_error if state.failures or state.disabled else None,
        at=now,
    )


def _quiet_since(state: FeedState) -> float | None:
    # A feed that never gave an item is silent counting from its first good poll.
    return state.last_new_item or state.first_success or state.last_success


def _message(kind: str, state: FeedState, spec: FeedSpec, now: float) -> str:
    name = spec.name or spec.key
    if kind == "failing":
        return f"feed {name!r} failed {state.failures} times in a row: {state.last_error}"
    if kind == "silent":
        since = _quiet_since(state) or now
        return f"feed {name!r} has had no new item for {(now - since) / 3600:.1f} h"
    if kind == "gone":
        return f"feed {name!r} is disabled: {state.disabled}"
    return f"feed {name!r} is healthy again"


def health_event(state: FeedState, spec: FeedSpec, *, now: float | None = None) -> FeedHealth | None:
    """The event for a change of verdict since the last one announced (updates ``state.health``)."""
    now = time.time() if now is None else now
    current = verdict(state, spec, now=now)
    if current == state.health:
        return None
    state.health = current
    kind = "recovered" if current == "ok" else current
    return FeedHealth(
        feed=spec.key,
        name=spec.name,
        verdict=kind,
        message=_message(kind, state, spec, now),
        failures=state.failures,
        last_error=state.last_error,
        last_success=state.last_success,
        last_new_item=state.last_new_item,
        at=now,
    )


def record_metrics(state: FeedState, spec: FeedSpec) -> None:
    """Publish the feed's gauges (labelled by feed id only)."""
    if state.last_success is not None:
        metrics.FEED_LAST_SUCCESS.labels(spec.key).set(state.last_success)
    if state.last_new_item is not None:
        metrics.FEED_LAST_ITEM.labels(spec.key).set(state.last_new_item)
    metrics.FEED_FAILURES.labels(spec.key).set(state.failures)
    metrics.FEED_SILENT_THRESHOLD.labels(spec.key).set(spec.silent_after)


def forget_metrics(feed: str) -> None:
    """Drop a removed feed's series so they do not linger in /metrics."""
    for gauge in (
        metrics.FEED_LAST_SUCCESS,
        metrics.FEED_LAST_ITEM,
        metrics.FEED_FAILURES,
        metrics.FEED_SILENT_THRESHOLD,
    ):
        try:
            gauge.remove(feed)
        except KeyError:
            pass
