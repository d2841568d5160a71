"""Pacing each destination: at most ``rate`` messages a second, nothing while it asked us to wait.

The dispatcher serves every destination on its own; these are the two clocks
a receiver sets for it: the gap between messages its rate allows, and a
Retry-After pause during which nothing else is sent to it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["Pacer"]


class Pacer:
    """Per-destination send slots (from ``rate``) and Retry-After pauses."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._next_slot: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}

    def paused_until(self, name: str) -> float:
        """When the destination's Retry-After pause ends (0 when it has none)."""
        return self._paused_until.get(name, 0.0)

    def pause(self, name: str, until: float) -> None:
        """Send nothing to the destination before ``until``."""
        self._paused_until[name] = until

    async def wait_slot(self, name: str, rate: float | None) -> None:
        """Wait until ``rate`` (messages a second) allows the destination's next message, then take that slot."""
        if not rate:
            return
        wait = self._next_slot.get(name, 0.0) - self.clock()
        if wait > 0:
            await asyncio.sleep(wait)
        # From the actual send time, so a late wake-up never squeezes the next gap.
        self._next_slot[name] = self.clock() + 1.0 / rate
