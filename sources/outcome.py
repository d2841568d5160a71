"""What one poll of one feed, and one poll of all feeds, came to."""

from __future__ import annotations

import msgspec

__all__ = ["FeedOutcome", "PollSummary", "summarise"]


class FeedOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """The result of polling one feed once."""

    feed: str
    outcome: str
    """ok, not_modified, disabled, deferred (a Retry-After is still running), or a FetchError
    outcome (error, blocked, gone, throttled, too_large, timeout), parse_error, publish_error."""
    status: int | None = None
    items: int = 0
    published: int = 0
    duplicates: int = 0
    bytes: int = 0
    elapsed: float = 0.0
    error: str | None = None
    next_due: float = 0.0
    """Unix time the feed should be polled again (0 when unchanged)."""
    hub: str = ""
    """The WebSub hub the feed advertised in this response (Link header or the document)."""
    topic: str = ""
    """The topic URL to subscribe to at ``hub`` (the feed's self link, else the fetched URL)."""

    @property
    def failed(self) -> bool:
        """True when the poll did not succeed (304 and ok count as success)."""
        return self.outcome not in {"ok", "not_modified", "disabled", "deferred"}


class PollSummary(msgspec.Struct, frozen=True, kw_only=True):
    """Totals of one pass over the feed list (what ``poll --once`` prints)."""

    feeds: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    disabled: int = 0
    deferred: int = 0
    published: int = 0
    duplicates: int = 0
    bytes: int = 0
    elapsed: float = 0.0
    outcomes: tuple[FeedOutcome, ...] = ()

    def line(self) -> str:
        """A one-line human summary."""
        return (
            f"{self.feeds} feeds in {self.elapsed:.1f}s: {self.ok} ok, {self.not_modified} not modified, "
            f"{self.failed} failed, {self.disabled} disabled, {self.deferred} deferred; "
            f"{self.published} new articles, "
            f"{self.duplicates} duplicates, {self.bytes} bytes"
        )


def summarise(outcomes: list[FeedOutcome], elapsed: float) -> PollSummary:
    """Add up per-feed outcomes into a PollSummary."""
    return PollSummary(
        feeds=len(outcomes),
        ok=sum(o.outcome == "ok" for o in outcomes),
        not_modified=sum(o.outcome == "not_modified" for o in outcomes),
        failed=sum(o.failed for o in outcomes),
        disabled=sum(o.outcome == "disabled" for o in outcomes),
        deferred=sum(o.outcome == "deferred" for o in outcomes),
        published=sum(o.published for o in outcomes),
        duplicates=sum(o.duplicates for o in outcomes),
        bytes=sum(o.bytes for o in outcomes),
        elapsed=elapsed,
        outcomes=tuple(outcomes),
    )
