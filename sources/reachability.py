"""The first round since start: how many feeds could be reached, said once.

An operator who starts pantau behind a firewall, or offline, should not read
hundreds of per-feed errors to learn that nothing answers: when every enabled
feed has been tried once, one line says how many were reached, and what to try
when none was. Later rounds say nothing more (per-feed health has its own events).
"""

from __future__ import annotations

from collections.abc import Callable

from pantau.core.logs import BoundLogger, get_logger
from pantau.sources.outcome import FeedOutcome

__all__ = ["FirstRound", "reachability_line"]

_NOT_TRIED = {"disabled", "deferred"}
"""Outcomes that say nothing of the feed's reachability: it was not asked this round."""


def reachability_line(reached: int, feeds: int) -> str:
    """``"3 of 24 feeds reachable"``, with what to try when none is (offline, or a firewall)."""
    line = f"{reached} of {feeds} feeds reachable"
    if feeds and not reached:
        line += "; offline? try `make demo` (or `pantau demo`) to see pantau work on bundled sample feeds"
    return line


class FirstRound:
    """Feeds of the first round since start -> reached; told once, when all enabled feeds were tried."""

    def __init__(self, log: BoundLogger | None = None) -> None:
        self.log = log or get_logger()
        self._reached: dict[str, bool] = {}
        self.told = False

    def count(self, feed: str, outcome: FeedOutcome, enabled: Callable[[], set[str]]) -> None:
        """Note ``feed``'s outcome; log ``feeds_reachable`` (``feeds_unreachable`` if none) once all were tried."""
        if self.told or outcome.outcome in _NOT_TRIED:
            return
        self._reached.setdefault(feed, not outcome.failed)
        keys = enabled()
        if not keys <= set(self._reached):
            return
        self.told = True
        reached = sum(self._reached[key] for key in keys)
        line = reachability_line(reached, len(keys))
        if reached:
            self.log.info("feeds_reachable", reached=reached, feeds=len(keys), message=line)
        else:
            self.log.warning("feeds_unreachable", reached=0, feeds=len(keys), message=line)
