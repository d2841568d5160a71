"""The backtest shown under the rule editor: what the edit would have changed over the archive.

Uses the archive's backtest (``pantau rules backtest``) when it is there;
otherwise compares both rule sets on the archived articles of the period
directly (same question, without the per-route alert counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pantau.core.article import Article
from pantau.streams.classify import Match, RuleSet

__all__ = ["Sample", "TopicChange", "BacktestView", "run_backtest", "MAX_ARTICLES"]

MAX_ARTICLES = 20_000
"""Archived articles compared by the built-in comparison (newest first)."""


@dataclass(frozen=True)
class Sample:
    """One article that gains or loses a topic, with the hits that decide it."""

    article: Article
    matches: tuple[Match, ...]


@dataclass
class TopicChange:
    """Per topic: how many articles the edit gains and loses, and a few of each."""

    topic: str
    gained: int = 0
    lost: int = 0
    gained_samples: list[Sample] = field(default_factory=list)
    lost_samples: list[Sample] = field(default_factory=list)


@dataclass
class BacktestView:
    """What the page shows: articles compared, changes per topic, the versions compared."""

    articles: int
    current: str
    proposed: str
    topics: list[TopicChange]
    report: object | None = None
    """The archive backtest's own report, when it ran (per-route/destination alerts a day)."""


def run_backtest(web, current: RuleSet, proposed: RuleSet, folder: Path, *, since: float) -> BacktestView:
    """Compare ``current`` and ``proposed`` over the archive since ``since``."""
    from pantau.web.views_archive import archive_store

    store = archive_store(web)
    entries = store.recent(limit=MAX_ARTICLES, matched_only=False, since=since) if store is not None else []
    changes: dict[str, TopicChange] = {}
    for entry in entries:
        article = entry.article
        before, after = current.classify(article), proposed.classify(article)
        old, new = set(before.topics), set(after.topics)
        for topic in new - old:
            change = changes.setdefault(topic, TopicChange(topic))
            change.gained += 1
            if len(change.gained_samples) < 5:
                change.gained_samples.append(Sample(article, tuple(m for m in after.matches if m.topic == topic)))
        for topic in old - new:
            change = changes.setdefault(topic, TopicChange(topic))
            change.lost += 1
            if len(change.lost_samples) < 5:
                change.lost_samples.append(Sample(article, tuple(m for m in before.matches if m.topic == topic)))
    topics = sorted(changes.values(), key=lambda c: c.topic)
    return BacktestView(len(entries), current.version, proposed.version, topics)
