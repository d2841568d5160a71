"""What a backtest reports: per rule and topic, matches gained and lost with samples; per route, alerts a day.

The records of :func:`pantau.streams.backtest.backtest` (which re-exports them); the
web page and ``pantau rules backtest`` render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from pantau.core.article import Article
from pantau.streams.classify import Hit, Match

__all__ = ["Archived", "Sample", "RuleChange", "TopicChange", "DeliveryChange", "BacktestResult"]


class Archived(Protocol):
    """One archived article as a backtest reads it (pantau.adapters.sqlite.archive.ScanRow)."""

    # Read-only: the archive's rows are frozen records.
    @property
    def article(self) -> Article: ...
    @property
    def at(self) -> float: ...
    @property
    def matches(self) -> tuple[Match, ...] | None: ...
    @property
    def ruleset_version(self) -> str: ...
    @property
    def story_id(self) -> str | None: ...


@dataclass(frozen=True)
class Sample:
    """An article a rule gained or lost, with the hits of the side that matched it."""

    article_id: str
    title: str
    url: str
    at: float
    hits: tuple[Hit, ...]
    snippet: str


@dataclass
class RuleChange:
    """One rule (``topic/rule``): articles it matched on each side, gained and lost, and samples."""

    topic: str
    rule: str
    before: int = 0
    after: int = 0
    gained: int = 0
    lost: int = 0
    gained_samples: list[Sample] = field(default_factory=list)
    lost_samples: list[Sample] = field(default_factory=list)


@dataclass
class TopicChange:
    """One topic: articles it matched on each side, gained and lost."""

    topic: str
    before: int = 0
    after: int = 0
    gained: int = 0
    lost: int = 0


@dataclass
class DeliveryChange:
    """Alerts one route would have sent one destination, on each side, in total and per UTC day."""

    route: str
    destination: str
    kind: str
    """The destination's type (slack, email, webhook, console) for the editor's sentence."""
    before: int = 0
    after: int = 0
    days: dict[str, list[int]] = field(default_factory=dict)
    """``YYYY-MM-DD`` -> [before, after]."""

    def per_day(self, days: float) -> tuple[float, float]:
        """Average alerts a day on each side over a window of ``days`` days."""
        return self.before / days, self.after / days


@dataclass
class BacktestResult:
    """Everything an editor sees before saving: per topic, per rule, per route and destination."""

    since: float
    until: float
    articles: int
    running_version: str
    proposed_version: str
    topics: list[TopicChange]
    rules: list[RuleChange]
    deliveries: list[DeliveryChange]
    seconds: float
    reused: int
    """Articles whose running-side classification came from the archive, not a new pass."""
    narrowed: int = 0
    """Articles whose proposed side classified only the topics in the edit's scope."""

    @property
    def days(self) -> float:
        """Length of the window in days (at least one)."""
        return max(1.0, (self.until - self.since) / 86400)

    @property
    def changed(self) -> bool:
        """True when some rule gained or lost an article."""
        return any(r.gained or r.lost for r in self.rules)

    def headline(self) -> list[str]:
        """One sentence per route and destination whose daily alerts change, biggest change first."""
        lines = []
        for d in sorted(self.deliveries, key=lambda d: -abs(d.after - d.before)):
            before, after = d.per_day(self.days)
            if d.after == d.before:
                continue
            delta = after - before
            word = "more" if delta > 0 else "fewer"
            lines.append(
                f"this change would have sent {abs(delta):.1f} {word} {d.kind} alerts a day to "
                f"{d.destination} (route {d.route}: {before:.1f} -> {after:.1f} a day)"
            )
        return lines
