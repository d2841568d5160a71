"""Inhibition (Alertmanager's, for content): a strong alert on a story mutes weaker routes' alerts on it.

    inhibit:
      - source: {topic: north-korea, severity: critical}
        target: {topic: asean}             # or {route: <route name>}, or both
        equal: [story]

"When a critical north-korea match covers a story, do not also send the asean
route's alert for the same story." The source is a match of the story (its
topic, severity, rule, tags); the target is an alert (its route's name, or a
topic the route takes); ``equal: [story]`` (the only key, and the default)
ties them to one story: the source may come from this article or from an
earlier copy of the story (remembered for ``memory``, 3 days by default, in
the outbox's store: SQLite ``inhibit_sources`` or the Faust ``story_ledger``
table, so a restart keeps inhibiting; pruned with the sent keys). An alert that
is itself a source is never inhibited. A suppressed alert is counted in
``pantau_delivery_inhibited_total``, logged with its explanation, and the
archive shows it as "inhibited" with that explanation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pantau.streams.classify import Match
from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.config import RouteSpec

__all__ = ["InhibitRule", "SourceMatch", "TargetMatch", "Inhibitor", "SourceStore"]


class SourceMatch(BaseModel):
    """Which match of a story inhibits: every given field must hold for one match."""

    model_config = ConfigDict(extra="forbid")
    topic: str | None = None
    severity: str | None = None
    rule: str | None = None
    tags: list[str] = Field(default_factory=list)

    def holds(self, m: Match) -> bool:
        """True when the match satisfies every given field."""
        return (
            (self.topic is None or m.topic == self.topic)
            and (self.severity is None or m.severity == self.severity)
            and (self.rule is None or m.rule == self.rule)
            and set(self.tags) <= set(m.tags)
        )

    def describe(self) -> str:
        """``north-korea/critical`` for explanations."""
        parts = [p for p in (self.topic, self.severity, self.rule) if p] + [f"#{t}" for t in self.tags]
        return "/".join(parts) or "any match"


class TargetMatch(BaseModel):
    """Which alerts are inhibited: by route name, or by a topic the route takes (both must hold when given)."""

    model_config = ConfigDict(extra="forbid")
    route: str | None = None
    topic: str | None = None

    @model_validator(mode="after")
    def _some(self) -> TargetMatch:
        if self.route is None and self.topic is None:
            raise ValueError("an inhibit target needs route: or topic:")
        return self

    def holds(self, alert: Alert, route: RouteSpec | None) -> bool:
        """True when the alert's route is the named one / takes the topic."""
        if self.route is not None and alert.route != self.route:
            return False
        if self.topic is not None:
            topics = (
                route.topics
                if route is not None and route.topics
                else (alert.classified.topics if alert.classified is not None else ())
            )
            return self.topic in topics
        return True


EqualBy = Literal["story"]
_BY_STORY: tuple[EqualBy, ...] = ("story",)


class InhibitRule(BaseModel):
    """One ``inhibit:`` entry of pantau.yaml."""

    model_config = ConfigDict(extra="forbid")
    source: SourceMatch
    target: TargetMatch
    equal: list[EqualBy] = Field(default_factory=lambda: list(_BY_STORY))


class SourceStore(Protocol):
    """Where inhibition sources outlive the process (the outbox in both modes)."""

    def inhibit_source(self, key: str) -> float | None:
        """When the source ``key`` was last seen, if ever."""

    def save_inhibit_source(self, key: str, at: float) -> None:
        """Record that the source ``key`` was seen at ``at``."""


class Inhibitor:
    """Applies the inhibit rules to one article's alerts; remembers inhibiting stories for ``memory`` seconds."""

    def __init__(
        self,
        rules: Iterable[InhibitRule],
        routes: Mapping[str, RouteSpec],
        *,
        memory: float = 3 * 86400.0,
        store: SourceStore | None = None,
    ) -> None:
        self.rules = list(rules)
        self.routes = dict(routes)
        self.memory = memory
        self.store = store
        self._sources: dict[tuple[int, str], float] = {}  # (rule, story) -> when last seen (a cache of the store)
        # A rule is known by its content, not its place: reordering inhibit: keeps what was remembered.
        self._ids = [hashlib.blake2b(r.model_dump_json().encode(), digest_size=8).hexdigest() for r in self.rules]

    def split(self, alerts: list[Alert], now: float) -> tuple[list[Alert], list[tuple[Alert, str]]]:
        """(alerts to deliver, [(inhibited alert, explanation)])."""
        if not self.rules:
            return alerts, []
        self._forget(now)
        kept: list[Alert] = []
        muted: list[tuple[Alert, str]] = []
        for alert in alerts:
            reason = self._why(alert, now) if alert.classified is not None and alert.update is None else None
            if reason is None:
                kept.append(alert)
            else:
                muted.append((alert, reason))
        return kept, muted

    def _why(self, alert: Alert, now: float) -> str | None:
        c = alert.classified
        if c is None:  # split() asks only about story alerts; ops events are never inhibited
            return None
        route = self.routes.get(alert.route)
        for i, rule in enumerate(self.rules):
            here = [m for m in c.matches if rule.source.holds(m)]
            if here:
                self._seen(i, alert.story, now)
            if not rule.target.holds(alert, route):
                continue
            # An alert whose own route takes the source's topic is the source alert itself.
            if route is not None and rule.source.topic is not None and rule.source.topic in route.topics:
                continue
            if here or self._remembered(i, alert.story, now):
                where = "this article" if here else "an earlier copy of the story"
                return (
                    f"inhibited by inhibit[{i}]: a {rule.source.describe()} match in {where} covers story "
                    f"{alert.story}, so route {alert.route} does not alert on it"
                )
        return None

    def _key(self, rule: int, story: str) -> str:
        return f"{self._ids[rule]}\x1f{story}"

    def _seen(self, rule: int, story: str, now: float) -> None:
        last = self._sources.get((rule, story))
        self._sources[(rule, story)] = now
        # Written through, but at most once a minute per story: a burst of copies costs one write.
        if self.store is not None and (last is None or now - last >= 60.0):
            self.store.save_inhibit_source(self._key(rule, story), now)

    def _remembered(self, rule: int, story: str, now: float) -> bool:
        if (rule, story) in self._sources:
            return True
        at = self.store.inhibit_source(self._key(rule, story)) if self.store is not None else None
        if at is None or at < now - self.memory:
            return False
        self._sources[(rule, story)] = at  # seen before a restart: cached again
        return True

    def _forget(self, now: float) -> None:
        old = [k for k, at in self._sources.items() if at < now - self.memory]
        for k in old:
            del self._sources[k]
