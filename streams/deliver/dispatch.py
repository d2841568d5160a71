"""The dispatcher: takes alerts into the outbox, sends what is due, retries, parks.

Each destination is served on its own (a dead mail server never holds up Slack), one message at a time, at most
``rate`` messages a second, pausing for a receiver's Retry-After. A destination taking several alerts per request (a
webhook's ``batch``) that sent a moment ago (``gather``, 5 ms) waits that moment, so a burst shares requests (972
alerts: ~215, not ~440); an idle one sends at once. A failed message is retried on the destination's schedule
(Standard Webhooks: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) with jitter; when the schedule is exhausted, or
the receiver refuses for good, its alerts become dead letters. 410 Gone disables the destination until restart and
raises a ``destination_disabled`` ops event through ``on_event``, routed to the other destinations. Every outcome is a
metric and a log event. The planner's timers are saved with the outbox after every pass that moved them and restored
at start; ``housekeep`` prunes sent keys older than ``retention``.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import msgspec

from pantau.core import metrics
from pantau.core.logs import BoundLogger, get_logger
from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import Destination
from pantau.streams.deliver.inhibit import Inhibitor, InhibitRule
from pantau.streams.deliver.intake import Intake
from pantau.streams.deliver.ledgers import StoryLedgers
from pantau.streams.deliver.outbox import Entry, Outbox, Waiting
from pantau.streams.deliver.pace import Pacer
from pantau.streams.deliver.plan import Planner
from pantau.streams.deliver.retention import PRUNE_EVERY
from pantau.streams.deliver.send import OnEvent, Sender
from pantau.streams.deliver.silences import Silences

__all__ = ["Dispatcher", "DrainSummary", "OnEvent"]


class DrainSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What a drain achieved: alerts sent, still pending (parked), dead-lettered."""

    sent: int
    pending: int
    dead: int


class Dispatcher:
    """Delivers alerts from an outbox to destinations, once each."""

    def __init__(
        self,
        destinations: Mapping[str, Destination],
        outbox: Outbox,
        *,
        routes: Iterable[RouteSpec] = (),
        silences: Silences | None = None,
        clock: Callable[[], float] = time.time,
        jitter: float = 0.1,
        idle: float = 1.0,
        rng: random.Random | None = None,
        on_event: OnEvent | None = None,
        retention: float | None = None,
        inhibit: Iterable[InhibitRule] = (),
        gather: float = 0.005,
    ) -> None:
        self.destinations = dict(destinations)
        self.retention = retention
        """Seconds sent-alert keys are kept (None: forever); see streams/deliver/retention.py."""
        self._pruned_at = -math.inf
        self.outbox = outbox
        routes = list(routes)
        self.planner = Planner({r.name: r for r in routes})
        self.inhibitor = Inhibitor(inhibit, self.planner.routes, store=outbox)
        self.planner.restore(outbox.load_timers())
        self.clock = clock
        self.idle = idle
        self.pace = Pacer(clock)
        self.gather = gather
        """Seconds a batching destination that just sent waits for more alerts before its next request."""
        self._served: dict[str, float] = {}
        """Destination -> when (monotonic) its last pass of requests ended."""
        self._log = {name: get_logger(destination=name) for name in self.destinations}
        self.ledgers = StoryLedgers(outbox, self.planner.routes, self._logger)
        self.sender = Sender(
            outbox,
            self.ledgers,
            self.pace,
            clock=clock,
            jitter=jitter,
            rng=rng or random.Random(),
            on_event=on_event,
            logger=self._logger,
        )
        self.intake = Intake(outbox, self.planner, self.inhibitor, silences, self.ledgers, self._logger)
        self.disabled = self.sender.disabled
        """Destination -> why it is disabled (410 Gone) until restart."""
        self._wake: asyncio.Event | None = None
        self._wake_at = -math.inf
        """When the running loop wakes next by itself (set just before it waits)."""
        self._gauges_at = -math.inf
        for name in self.destinations:
            metrics.DESTINATION_UP.labels(name).set(1)
            # Zero series from the start, so increase() sees the first failure.
            metrics.prime_destination(name)
        self._refresh_gauges()

    @property
    def inhibited(self) -> dict[str, str]:
        """Alert key -> why it was inhibited, for the alerts of the last ``submit`` (the archive shows it)."""
        return self.intake.inhibited

    @property
    def silenced(self) -> dict[str, str]:
        """Alert key -> silence id, for the alerts the last ``submit`` muted (as ``inhibited``)."""
        return self.intake.silenced

    @property
    def sent(self) -> int:
        """Alerts sent since start."""
        return self.sender.sent

    @property
    def dead_lettered(self) -> int:
        """Alerts dead-lettered since start."""
        return self.sender.dead_lettered

    @property
    def jitter(self) -> float:
        """Spread of retry waits (each is the schedule's wait times 1 +/- jitter); tests set it to 0."""
        return self.sender.jitter

    @jitter.setter
    def jitter(self, value: float) -> None:
        self.sender.jitter = value

    # -- intake ---------------------------------------------------------------

    async def submit(self, alerts: Sequence[Alert]) -> list[Alert]:
        """Store alerts not delivered before (after silences); return the ones newly queued."""
        stored, earliest = self.intake.take(alerts, self.clock())
        # Wake the loop only for alerts due before it wakes anyway: a digest filling up costs no pass per alert.
        if self._wake is not None and earliest < self._wake_at:
            self._wake.set()
        return stored

    def wake(self) -> None:
        """Make the running loop look at the outbox now (entries put there behind its back: a replay)."""
        if self._wake is not None:
            self._wake.set()

    # -- sending --------------------------------------------------------------

    async def step(self, *, flush: bool = False) -> None:
        """One pass: send everything due now (``flush``: also open groups and held storms)."""
        now = self.clock()
        waiting = self._waiting()
        if not flush and not any(w.due <= now for rows in waiting.values() for w in rows):
            return
        await asyncio.gather(*(self._serve(name, self.outbox.pending(name), flush) for name in waiting))
        self._save_timers()
        self._refresh_gauges(force=flush)

    async def _serve(self, name: str, entries: list[Entry], flush: bool) -> None:
        dest = self.destinations.get(name)
        if dest is None or name in self.disabled:
            reason = self.disabled.get(name) or f"destination {name!r} is no longer configured"
            self.sender.dead([e.alert.key for e in entries], name, reason)
            return
        # A destination whose body carries several alerts (a webhook) says how many: one request for them.
        batch = getattr(dest, "batch", 1)
        if not flush and len(entries) < batch and time.monotonic() - self._served.get(name, -math.inf) < self.gather:
            await asyncio.sleep(self.gather)  # busy a moment ago: what arrives now shares the next request
            entries = self.outbox.pending(name)
        if self.pace.paused_until(name) > self.clock():
            return
        plans = self.planner.plan(name, entries, self.clock(), flush=flush, batch=batch)
        self._save_timers()  # before sending: a crash mid-send must not forget the flush
        for planned in plans:
            await self.pace.wait_slot(name, dest.rate)
            sent = await self.sender.attempt(dest, planned)
            self._served[name] = time.monotonic()
            if not sent:
                break  # paused or disabled: leave the rest for later

    def _save_timers(self) -> None:
        if self.planner.changed:
            self.outbox.save_timers(self.planner.snapshot())

    def restore_timers(self) -> None:
        """Take the planner's timers from the outbox again (after a takeover of the tables)."""
        self.planner.restore(self.outbox.load_timers())

    def housekeep(self, *, force: bool = False) -> int:
        """Prune sent keys older than ``retention`` (at most once an hour unless ``force``); how many."""
        now = self.clock()
        if self.retention is None or (not force and now - self._pruned_at < PRUNE_EVERY):
            return 0
        self._pruned_at = now
        pruned = self.outbox.prune(now - self.retention)
        if pruned:
            get_logger(component="deliver").info("sent_keys_pruned", keys=pruned, retention_days=self.retention / 86400)
        return pruned

    # -- loops ----------------------------------------------------------------

    def next_wake(self) -> float:
        """Earliest time anything pending may be sent (inf when nothing is pending)."""
        return self._next_wake(self._waiting())

    def _next_wake(self, waiting: Mapping[str, list[Waiting]]) -> float:
        return min((self._wake_time(name, rows) for name, rows in waiting.items()), default=math.inf)

    def _wake_time(self, name: str, rows: list[Waiting]) -> float:
        # Paused (Retry-After) or held (storm) destinations wait for their time.
        return max(self.planner.next_wake(name, rows), self.pace.paused_until(name))

    async def drain(self, max_wait: float) -> DrainSummary:
        """Send what is due, flush open groups, wait out retries due within ``max_wait``; park the rest."""
        deadline = self.clock() + max_wait
        sent_before, dead_before = self.sent, self.dead_lettered
        while True:
            await self.step(flush=True)
            wake = self.next_wake()
            if wake == math.inf or wake > deadline:
                break
            await asyncio.sleep(max(0.0, wake - self.clock()))
        self._save_timers()
        self.housekeep()
        self._refresh_gauges(force=True)
        pending = sum(self.outbox.counts().pending.values())
        return DrainSummary(sent=self.sent - sent_before, pending=pending, dead=self.dead_lettered - dead_before)

    async def run_forever(self) -> None:
        """Deliver until cancelled; each destination is served on its own task, so a slow one delays no other."""
        wake = self._wake = asyncio.Event()
        busy: dict[str, asyncio.Task[Any]] = {}
        try:
            while True:
                now = self.clock()
                # One summary row per destination, route and kind serves both what to start and when to wake;
                # only a destination with something due reads its entries.
                waiting = self._waiting()
                for name, rows in waiting.items():
                    if name in busy and not busy[name].done():
                        continue
                    if min(w.due for w in rows) > now or self._wake_time(name, rows) > now:
                        continue
                    busy[name] = asyncio.create_task(self._serve(name, self.outbox.pending(name), False))
                    busy[name].add_done_callback(lambda _t: wake.set())
                self._save_timers()
                self.housekeep()
                self._refresh_gauges()
                delay = min(max(self._next_wake(waiting) - self.clock(), 0.01), self.idle)
                self._wake_at = self.clock() + delay
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation racing the wake-up.
                try:
                    async with asyncio.timeout(delay):
                        await wake.wait()
                except TimeoutError:
                    pass
                wake.clear()
        finally:
            for task in busy.values():
                task.cancel()
            await asyncio.gather(*busy.values(), return_exceptions=True)

    async def aclose(self) -> None:
        """Close every destination's connections."""
        for dest in self.destinations.values():
            await dest.aclose()

    # -- bookkeeping ----------------------------------------------------------

    def _waiting(self) -> dict[str, list[Waiting]]:
        """The outbox's earliest due times, by destination."""
        by_dest: dict[str, list[Waiting]] = defaultdict(list)
        for row in self.outbox.waiting():
            by_dest[row.destination].append(row)
        return by_dest

    def _logger(self, name: str) -> BoundLogger:
        if name not in self._log:
            self._log[name] = get_logger(destination=name)
        return self._log[name]

    def _refresh_gauges(self, *, force: bool = False) -> None:
        # Counting goes over every pending alert and dead letter (without decoding): at most every few seconds.
        now = self.clock()
        if not force and now - self._gauges_at < 5.0:
            return
        self._gauges_at = now
        counts = self.outbox.counts()
        for name in set(self.destinations) | set(counts.pending) | set(counts.dead):
            metrics.OUTBOX_PENDING.labels(name).set(counts.pending.get(name, 0))
            metrics.DEAD_LETTERS.labels(name).set(counts.dead.get(name, 0))
