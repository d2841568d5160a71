"""Who delivers: exactly one worker at a time, the owner of the matches partition.

Delivery state (outbox, stories) lives in Faust tables on the one matches
partition. :class:`DeliverySupervisor` runs the Dispatcher while this worker
holds that partition with its tables recovered, and stops it at once when the
partition is revoked or the group rebalances: another worker then recovers the
tables from their changelogs and carries on, so an alert key once marked sent
is never sent again. ``tick()`` is called by a Faust timer; it never raises.

New outbox entries may be held in memory (``TableOutbox(hold_new=True)``: an alert
sent meanwhile writes its Done only). :class:`WriteHeldBeforeCommit`, a Faust sensor,
writes them when a commit starts: Faust then flushes its producer before it commits
the offsets, so a committed match always has its alert in the changelog, and an
uncommitted one is read again by whoever delivers next.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

import faust
from faust.sensors import Sensor
from faust.types import TP

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.faust.stories_table import TableStoryStore
from pantau.core.logs import get_logger
from pantau.streams.stories import StoryIndex

if TYPE_CHECKING:
    from pantau.streams.deliver import Dispatcher

__all__ = ["DeliverySupervisor", "WriteHeldBeforeCommit"]

log = get_logger(component="worker")


class WriteHeldBeforeCommit(Sensor):
    """Writes the outbox's held entries as Faust starts a commit (before it flushes the producer and commits)."""

    def __init__(self, outbox: TableOutbox) -> None:
        super().__init__()
        self.outbox = outbox

    def on_commit_initiated(self, consumer: object) -> None:
        """Faust's hook, called in the loop before the offsets to commit are chosen and the producer flushed."""
        self.outbox.write_held()


class DeliverySupervisor:
    """Starts the dispatcher when this worker owns the matches partition, stops it when it does not."""

    def __init__(
        self,
        app: faust.App,
        dispatcher: Dispatcher,
        outbox: TableOutbox,
        story_table: MutableMapping[str, bytes],
        matches_tp: TP,
    ) -> None:
        self.app = app
        self.dispatcher = dispatcher
        self.outbox = outbox
        self.story_table = story_table
        self.matches_tp = matches_tp
        self.not_ready: list[str] = ["worker starting"]
        """Why the worker cannot do its work yet; refreshed in the event loop, read by /readyz."""
        self._stories: StoryIndex | None = None
        self._delivering: asyncio.Future[None] | None = None
        self._joined = False
        self._closed = False

    def stories(self) -> StoryIndex:
        """The story index, rebuilt from the recovered table after each takeover."""
        if self._stories is None:
            # The dispatcher's None keeps sent keys forever; story members then stay as long.
            kept = self.dispatcher.retention
            retention = math.inf if kept is None else kept
            self._stories = StoryIndex(TableStoryStore(self.story_table), retention=retention)
        return self._stories

    def owns_delivery(self) -> bool:
        """True while this worker holds the matches partition with its tables recovered."""
        app = self.app
        return not app.rebalancing and not app.in_recovery and self.matches_tp in app.consumer.assignment()

    @property
    def delivering(self) -> bool:
        """True while this worker's dispatcher runs."""
        return self._delivering is not None and not self._delivering.done()

    def refresh_readiness(self) -> None:
        """Recompute ``not_ready`` (in the loop: Faust's consumer is not thread-safe)."""
        reasons = []
        if self.app.rebalancing or self.app.in_recovery:
            reasons.append("kafka: rebalancing or recovering tables")
        # A member the group gave nothing is ready: a standby for delivery (and, in --role all,
        # classifying with its own consumer group). Only one that has not joined yet is not.
        if not self._joined and not self.app.consumer.assignment():
            reasons.append("kafka: not in the consumer group yet")
        self.not_ready = reasons

    def tick(self) -> None:
        """One supervision step: refresh readiness, start or stop delivery to match ownership."""
        # Never raise: an exception in a Faust timer crashes the whole app.
        try:
            self.refresh_readiness()
            owns = self.owns_delivery()
            running = self.delivering
            if owns and not running and not self._closed:
                self.start()
            elif running and not owns:
                self.stop("partition not owned")
        except Exception:
            log.exception("delivery_supervisor_failed")

    def catch_up(self) -> None:
        """Before a match is planned: start delivery now if this worker owns it (timers restored), not next tick.

        After a takeover Faust hands the recovered partition's waiting matches to the agent at once,
        up to half a second before the supervisor's next tick: planned against the group clocks of a
        dispatcher not yet restored, an alert of a group that sent a moment before the takeover would
        go out after group_wait instead of group_interval (tests/e2e/test_distributed_delivery.py).
        """
        if not self.delivering:
            self.tick()
        if not self.delivering:  # Faust still flags the rebalance; the agent reads a recovered partition
            self.dispatcher.restore_timers()

    def assigned(self, partitions: set[TP]) -> None:
        """The group gave this worker its partitions (perhaps none): it has joined."""
        self._joined = True

    def revoked(self, partitions: set[TP]) -> None:
        """Stop delivering at once when the matches partition is among those revoked."""
        if self.matches_tp in partitions:
            self.stop("partition revoked")

    def start(self) -> None:
        """Run the dispatcher (after a takeover: over freshly recovered tables)."""
        self.outbox.reset_cache()
        self.dispatcher.restore_timers()  # the group and storm clocks the previous owner saved
        self._stories = None
        self._delivering = asyncio.ensure_future(self._deliver())
        log.info("delivery_started", partition=str(self.matches_tp))

    def stop(self, reason: str) -> None:
        """Stop sending at once: the partition (and its tables) may belong to another worker."""
        if self._delivering is not None:
            self._delivering.cancel()
            self._delivering = None
            # Whatever is cached may be stale once another worker owns the tables.
            self._stories = None
            self.outbox.reset_cache()
            log.info("delivery_stopped", reason=reason)

    def close(self) -> None:
        """The worker is shutting down: stop delivering for good (another worker takes over)."""
        self._closed = True
        self.stop("worker shutting down")

    async def _deliver(self) -> None:
        try:
            await self.dispatcher.run_forever()
        except asyncio.CancelledError:
            raise
        except Exception:  # the supervisor restarts it on its next tick
            log.exception("delivery_crashed")
            self._delivering = None
