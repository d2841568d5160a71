"""The archive's records: what goes in (Intake), what comes out (entries, search hits, scan rows, usage)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import msgspec

from pantau.core.article import Article
from pantau.streams.classify import Classified, Match

if TYPE_CHECKING:
    from pantau.streams.pipeline import Outcome

__all__ = [
    "AlertFate",
    "ArchivedAlert",
    "Intake",
    "intake_of",
    "ArchiveEntry",
    "Segment",
    "SearchHit",
    "ScanRow",
    "Usage",
]

AlertFate = Literal["pending", "sent", "dead", "silenced", "inhibited"]


class ArchivedAlert(msgspec.Struct, frozen=True, kw_only=True):
    """One alert a story produced: where it went and what became of it."""

    key: str
    route: str
    destination: str
    created: float
    status: AlertFate = "pending"
    why: str = ""
    """For an inhibited alert: which inhibit rule and source match suppressed it."""


class Intake(msgspec.Struct, frozen=True, kw_only=True):
    """What to archive for one article: its classification, story (when matched) and alerts."""

    classified: Classified
    story_id: str | None = None
    alerts: tuple[ArchivedAlert, ...] = ()


class ArchiveEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One archived article with everything pantau decided about it."""

    article: Article
    at: float
    """When pantau took it in (the article's fetch time), Unix seconds."""
    matches: tuple[Match, ...] = ()
    ruleset_version: str = ""
    story_id: str | None = None
    alerts: tuple[ArchivedAlert, ...] = ()
    """The alerts of the article's story (shared by every copy of the story)."""

    @property
    def topics(self) -> tuple[str, ...]:
        """The matched topic ids, sorted and unique."""
        return tuple(sorted({m.topic for m in self.matches}))


class Segment(msgspec.Struct, frozen=True, array_like=True):
    """A piece of displayed text; ``hit`` when it matched the search (render it highlighted, escaped)."""

    text: str
    hit: bool = False


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    """One search result: the entry, its title and a snippet cut into plain and matching segments."""

    entry: ArchiveEntry
    title: tuple[Segment, ...]
    snippet: tuple[Segment, ...]


class ScanRow(msgspec.Struct, frozen=True, array_like=True):
    """The backtest's view of one archived article (no alerts, no decoding it does not need)."""

    article: Article
    at: float
    matches: tuple[Match, ...] | None
    """The matches archived with ``ruleset_version`` (None when the article was not classified here)."""
    ruleset_version: str
    story_id: str | None = None
    """The story the pipeline put the article in (matched articles only)."""


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    """How much the archive holds and how much disk the whole state file uses."""

    articles: int
    alerts: int
    oldest: float | None
    newest: float | None
    file_bytes: int
    """Pages in use in the SQLite file (free pages left by pruning excluded)."""


def intake_of(outcome: Outcome, queued: set[str], inhibited: dict[str, str] | None = None) -> Intake:
    """The archive record of one processed article; an alert not queued was inhibited, silenced or queued before."""
    inhibited = inhibited or {}
    alerts = tuple(
        ArchivedAlert(
            key=a.key,
            route=a.route,
            destination=a.destination,
            created=a.created,
            status="pending" if a.key in queued else "inhibited" if a.key in inhibited else "silenced",
            why=inhibited.get(a.key, ""),
        )
        for a in outcome.alerts
    )
    return Intake(
        classified=outcome.classified, story_id=outcome.story.story_id if outcome.story else None, alerts=alerts
    )
