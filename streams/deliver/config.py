"""Route declarations of pantau.yaml (``routes:``) and the URL masking destinations share (durations: core).

Each destination type declares its own settings model (streams/deliver/destinations/);
routes follow Alertmanager:
first match wins unless ``continue: true``, a ``default: true`` route catches
what nothing else matched, and ``group_wait`` / ``group_interval`` /
``repeat_interval`` / ``storm`` shape how often a destination hears from it.
A route with ``events:`` is an ops route: it takes feed-health and
destination events (optionally only of some ``feeds:``), never articles;
article routes never take events. Secret values never appear in ``repr()``
or ``str()`` of a spec.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Durations are shared with settings outside delivery (archive:, websub:); re-exported for destinations.
from pantau.core.config import Duration, parse_duration

__all__ = ["RouteSpec", "StormSpec", "EventName", "parse_duration", "Duration", "mask_url", "STANDARD_SCHEDULE"]

# The Standard Webhooks retry schedule: the first attempt at once, then these waits.
STANDARD_SCHEDULE = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)


def mask_url(url: str | None) -> str | None:
    """The URL with its password and (for token-bearing paths) everything after the host hidden."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]  # as written: a bad port must not stop us describing it
    if parts.username:
        host = f"{parts.username}:***@{host}" if parts.password else f"{parts.username}@{host}"
    path = "/***" if parts.path not in ("", "/") else parts.path
    return urlunsplit((parts.scheme, host, path, "", ""))


class StormSpec(BaseModel):
    """More than ``max`` alerts within ``window`` on a route become one summary message."""

    model_config = ConfigDict(extra="forbid")
    max: int = Field(default=20, ge=1)
    window: Duration = 300.0


EventName = Literal["feed_failing", "feed_silent", "feed_gone", "feed_recovered", "destination_disabled"]
"""Ops events a route can take (see streams/deliver/events.py)."""

_ARTICLE_ONLY = ("topics", "rules", "severity", "tags", "languages")


class RouteSpec(BaseModel):
    """Which matches (or, with ``events:``, which ops events) go where; every listed matcher must hold."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = ""
    """Stable name used in idempotency keys and metrics (default: derived from the matchers)."""
    topics: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
    severity: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    events: list[EventName] = Field(default_factory=list)
    """Ops events this route takes (it then takes no articles): feed_failing, feed_silent,
    feed_gone, feed_recovered, destination_disabled."""
    to: list[str] = Field(min_length=1)
    continue_: bool = Field(default=False, alias="continue")
    default: bool = False
    """Used only for matches no other route took (Alertmanager's root route)."""
    group_wait: Duration = 0.0
    group_interval: Duration = 0.0
    repeat_interval: Duration = 0.0
    """0: a story alerts once per destination; else it may alert again once per interval."""
    storm: StormSpec | None = None
    updates: bool = True
    """Tell the destination when a story that alerted gets more outlets, languages or topics."""
    update_wait: Duration = 300.0
    """How long an update collects further copies before it goes out."""
    update_interval: Duration = 3600.0
    """At most one update per story and destination in this time."""

    @model_validator(mode="after")
    def _events_only(self) -> "RouteSpec":
        if not self.events:
            return self
        # Ops events have no topic or rule, and arrive one per episode: these
        # settings would silently never apply, so say so instead.
        wrong = [f for f in _ARTICLE_ONLY if getattr(self, f)]
        wrong += [f for f in ("group_wait", "group_interval", "repeat_interval") if getattr(self, f)]
        if self.storm is not None:
            wrong.append("storm")
        if self.default:
            wrong.append("default")
        if wrong:
            raise ValueError(
                f"a route with events: matches only events and feeds; remove {', '.join(wrong)} "
                "(put article matchers on a separate route)"
            )
        return self

    @property
    def takes_events(self) -> bool:
        """True for an ops route (``events:``), which never takes articles."""
        return bool(self.events)

    @model_validator(mode="after")
    def _derive_name(self) -> "RouteSpec":
        if not self.name:
            # Derived from what the route matches and where it sends, not its
            # position, so that reordering routes keeps idempotency keys (and
            # so "sent once") stable.
            matchers: dict[str, object] = {
                k: sorted(getattr(self, k)) for k in ("topics", "rules", "severity", "tags", "feeds", "languages", "to")
            }
            matchers["default"] = self.default
            if self.events:  # only when set, so article routes keep the names (and keys) they had
                matchers["events"] = sorted(self.events)
            digest = hashlib.blake2b(json.dumps(matchers, sort_keys=True).encode(), digest_size=4).hexdigest()
            label = "-".join(self.topics[:2]) or ("default" if self.default else "ops" if self.events else "route")
            self.name = f"{label}-{digest}"
        return self

    @property
    def grouped(self) -> bool:
        """True when alerts wait to be sent together as a digest."""
        return self.group_wait > 0 or self.group_interval > 0
