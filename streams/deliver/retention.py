"""How long delivery state is kept: sent-alert keys and story members, pruned so months of running stay bounded.

A sent alert's key must outlive every way the same key can come back:

- another outlet's copy of the story joins it only within the story window
  (``StoryIndex.window``, 3 days), and then maps to the same key;
- with ``repeat_interval`` the key changes every interval, so a key older
  than one interval can never be made again.

Story members (the MinHash signatures of matched articles) serve the same
window, and re-processing after a restart. Both are therefore kept for the
longest of :data:`MIN_RETENTION`, twice the story window and twice the
longest repeat interval, then pruned: SQLite rows in embedded mode, table
entries (tombstones in the compacted changelog) in distributed mode. Dead
letters are never pruned: they wait for an operator.
"""

from __future__ import annotations

from collections.abc import Iterable

from pantau.streams.deliver.config import RouteSpec

__all__ = ["delivery_retention", "MIN_RETENTION", "PRUNE_EVERY"]

MIN_RETENTION = 30 * 86400.0
"""Thirty days: a desk asking "did we alert on this last month?" still gets an answer from the state."""

PRUNE_EVERY = 3600.0
"""The dispatcher prunes sent keys at most once an hour of its clock."""


def delivery_retention(routes: Iterable[RouteSpec], *, story_window: float = 3 * 86400.0) -> float:
    """Seconds to keep sent-alert keys and story members: 30 days, or twice the window / longest repeat if longer."""
    longest_repeat = max((r.repeat_interval for r in routes), default=0.0)
    return max(MIN_RETENTION, 2 * story_window, 2 * longest_repeat)
