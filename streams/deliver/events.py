"""Ops events: a feed's health changed, or a destination was disabled.

Routes that list ``events:`` send these to ops the way other routes send
articles, through the same outbox, retries and dead letters. Each event names
its *episode* (the moment its state began), so one episode of "feed X is
failing" is delivered once per destination however often it is re-announced,
and a later, separate episode is delivered again.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Literal, get_args

import msgspec

from pantau.sources.health import FeedHealth

__all__ = [
    "OpsEvent",
    "EventKind",
    "EVENT_KINDS",
    "from_health",
    "destination_disabled",
    "EventView",
    "event_view",
]

EventKind = Literal["feed_failing", "feed_silent", "feed_gone", "feed_recovered", "destination_disabled"]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)

_SEVERITY = {
    "feed_failing": "error",
    "feed_silent": "warning",
    "feed_gone": "error",
    "feed_recovered": "info",
    "destination_disabled": "error",
}
_TITLE = {
    "feed_failing": "Feed failing",
    "feed_silent": "Feed silent",
    "feed_gone": "Feed gone",
    "feed_recovered": "Feed recovered",
    "destination_disabled": "Destination disabled",
}


class OpsEvent(msgspec.Struct, frozen=True, kw_only=True):
    """Something ops should hear about: a feed's health changed or a destination stopped."""

    kind: EventKind
    subject: str
    """The feed id (feed events) or destination name (destination_disabled)."""
    subject_name: str = ""
    """The feed's display name, when it has one."""
    message: str
    episode: str
    """Identifies this occurrence: the same episode is delivered once per destination."""
    at: float
    """Unix time the state began."""
    failures: int = 0
    last_error: str | None = None
    last_success: float | None = None

    @property
    def severity(self) -> str:
        """error, warning or info."""
        return _SEVERITY[self.kind]

    @property
    def title(self) -> str:
        """A one-line headline, e.g. ``Feed failing: Antara``."""
        return f"{_TITLE[self.kind]}: {self.subject_name or self.subject}"

    @property
    def ident(self) -> str:
        """``kind:subject:episode``: the story id of its alerts and its Kafka record key."""
        return f"{self.kind}:{self.subject}:{self.episode}"

    @property
    def about(self) -> Literal["feed", "destination"]:
        """What ``subject`` names."""
        return "destination" if self.kind == "destination_disabled" else "feed"


def _episode(at: float) -> str:
    # repr() of a float round-trips exactly (JSON too), so every worker derives the same key.
    return repr(float(at))


_FEED_KINDS: dict[str, EventKind] = {
    "failing": "feed_failing",
    "silent": "feed_silent",
    "gone": "feed_gone",
    "recovered": "feed_recovered",
}


def _feed_kind(health: str) -> EventKind:
    if health not in _FEED_KINDS:
        raise ValueError(f"feed health event of unknown kind {health!r} (expected one of {', '.join(_FEED_KINDS)})")
    return _FEED_KINDS[health]


def from_health(event: FeedHealth) -> OpsEvent:
    """The ops event for a feed health change announced by the poller."""
    # A health event is announced once per change of verdict, at the time of the change.
    return OpsEvent(
        kind=_feed_kind(event.verdict),
        subject=event.feed,
        subject_name=event.name,
        message=event.message,
        episode=_episode(event.at),
        at=event.at,
        failures=event.failures,
        last_error=event.last_error,
        last_success=event.last_success,
    )


def destination_disabled(name: str, reason: str, at: float) -> OpsEvent:
    """The ops event for a destination the dispatcher stopped using (410 Gone)."""
    return OpsEvent(
        kind="destination_disabled",
        subject=name,
        message=f"destination {name!r} disabled: {reason}",
        episode=_episode(at),
        at=at,
        last_error=reason,
    )


class EventView(msgspec.Struct, frozen=True, kw_only=True):
    """An ops event as readers see it: plain strings for every destination to format."""

    key: str
    kind: str
    severity: str
    title: str
    message: str
    about: str
    subject: str
    at: str
    details: tuple[tuple[str, str], ...]
    """(label, value) pairs worth showing, e.g. ("Failures in a row", "3")."""


def _when(ts: float | None) -> str:
    if ts is None:
        return "never"
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
VIEW_TEXT = 2000
"""Longest text of a view: errors can quote whole server answers."""


def _clean(text: str) -> str:
    # Errors quote servers' answers: no escape sequences may reach terminals or mail.
    text = _CONTROL.sub("", text)
    return text if len(text) <= VIEW_TEXT else text[: VIEW_TEXT - 1] + "…"


def event_view(event: OpsEvent, key: str) -> EventView:
    """The reader's view of an ops event delivered under alert ``key`` (control characters removed)."""
    details: list[tuple[str, str]] = [(event.about.capitalize(), event.subject)]
    if event.about == "feed":
        details.append(("Last success", _when(event.last_success)))
        if event.failures:
            details.append(("Failures in a row", str(event.failures)))
    if event.last_error and event.kind != "destination_disabled":
        details.append(("Last error", event.last_error))
    return EventView(
        key=key,
        kind=event.kind,
        severity=event.severity,
        title=_clean(event.title),
        message=_clean(event.message),
        about=event.about,
        subject=_clean(event.subject),
        at=_when(event.at),
        details=tuple((label, _clean(value)) for label, value in details),
    )
