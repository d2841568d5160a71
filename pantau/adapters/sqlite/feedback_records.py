"""The records of the desk's feedback: an alert's context, a stored verdict, quality figures, example candidates.

What :class:`~pantau.adapters.sqlite.feedback.FeedbackStore` hands to the web
pages and the CLI; plain frozen records, so a page renders them without
touching the state file.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from pantau.adapters.sqlite.archive import ArchivedAlert, ArchiveEntry

__all__ = ["AlertContext", "Recorded", "RuleQuality", "TopicQuality", "Quality", "Candidate", "CandidateKind"]


class AlertContext(msgspec.Struct, frozen=True, kw_only=True):
    """What an alert was about, for the page that asks to confirm a verdict."""

    alert_key: str
    entry: ArchiveEntry
    alert: ArchivedAlert | None
    """The alert's route, destination and fate (None when the archive never saw the alert itself)."""
    verdicts: dict[str, str]
    """Verdicts already given on this alert: person -> verdict."""


class Recorded(msgspec.Struct, frozen=True, kw_only=True):
    """A verdict as stored: one row per topic/rule the article matched."""

    alert_key: str
    article_id: str
    verdict: str
    rules: tuple[tuple[str, str], ...]
    ruleset_version: str


class RuleQuality(msgspec.Struct, frozen=True, kw_only=True):
    """One rule's alerts and the desk's verdicts on them."""

    topic: str
    rule: str
    alerts: int
    relevant: int
    not_relevant: int

    @property
    def verdicts(self) -> int:
        """Verdicts given (both kinds)."""
        return self.relevant + self.not_relevant

    @property
    def precision(self) -> float | None:
        """Share of verdicts saying relevant (None before any verdict)."""
        return self.relevant / self.verdicts if self.verdicts else None


class TopicQuality(RuleQuality, frozen=True, kw_only=True):
    """One topic: the same figures over its rules, plus articles an editor said it missed."""

    missed: int = 0


class Quality(msgspec.Struct, frozen=True, kw_only=True):
    """Quality per rule and per topic over a period."""

    since: float | None
    rules: list[RuleQuality]
    topics: list[TopicQuality]


CandidateKind = Literal["should_match", "should_not_match"]


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """An article offered as a rule example: should_not_match (marked not relevant) or should_match (missed)."""

    id: str
    """Stable id (for dismissing): ``kind:topic:rule:article``."""
    kind: CandidateKind
    topic: str
    rule: str
    """The rule that wrongly matched (should_not_match), or "" for a topic that missed the article."""
    article_id: str
    title: str
    text: str
    """An excerpt short enough for an example (the summary or the content's start)."""
    language: str
    who: str
    at: float

    def example(self) -> dict[str, str]:
        """The example as the rule file takes it (``title``, ``content``, ``language``)."""
        return {"title": self.title, "content": self.text, "language": self.language}
