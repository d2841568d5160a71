"""What one ``pantau run --once`` did: the poll's and the drain's summaries and the pipeline's counts.

The embedded runner (:mod:`pantau.runtime.embedded`) fills it in as it goes; ``pantau run --once``
prints its :meth:`RunSummary.line` and one line per failed feed on stderr.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pantau.sources.outcome import PollSummary
from pantau.streams.deliver import DrainSummary

__all__ = ["RunSummary"]


@dataclass
class RunSummary:
    """One ``--once`` run: the poll's and the drain's own summaries, and what the pipeline made in between."""

    polled: PollSummary = field(default_factory=PollSummary)
    drained: DrainSummary = field(default_factory=lambda: DrainSummary(sent=0, pending=0, dead=0))
    articles: int = 0
    matched: int = 0
    alerts: int = 0

    @property
    def errors(self) -> list[str]:
        """One line per failed feed, naming the feed."""
        errors = []
        for outcome in self.polled.outcomes:
            if outcome.failed:
                error = outcome.error or outcome.outcome
                # FeedError messages start with the URL, which is the feed's id unless it has its own.
                errors.append(error if error.startswith(outcome.feed) else f"{outcome.feed}: {error}")
        return errors

    def line(self) -> str:
        """The one-line summary printed on stderr."""
        polled, drained = self.polled, self.drained
        return (
            f"pantau: {polled.feeds} feeds polled ({polled.failed} failed), {self.articles} new articles, "
            f"{self.matched} matched, {self.alerts} new alerts: {drained.sent} delivered, "
            f"{drained.pending} waiting for retry, {drained.dead} dead-lettered"
        )
