"""The dispatcher: takes alerts into the outbox, sends what is due, retries, parks.

Each destination is served on its own (a dead mail server never holds up
Slack), one message at a time, at most ``rate`` messages a second, pausing
for a receiver's Retry-After. A failed message is retried on the
destination's schedule (Standard Webhooks: at once, 5 s, 5 min, 30 min, 2 h,
5 h, 10 h, 10 h) with jitter; when the schedule is exhausted, or the receiver
refuses for good, its alerts become dead letters. 410 Gone disables the
destination until restart and raises a ``destination_disabled`` ops event
through ``on_event`` (which routes it to the other destinations). Every
outcome is a metric and a log event. The planner's timers are saved with the
outbox after every pass that moved them and restored at start;
:meth:`Dispatcher.housekeep` prunes sent keys older than ``retention``.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

import msgspec

from pantau.core import metrics
from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.core.logs import BoundLogger, get_logger
from pantau.streams.deliver import updates
from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import Destination
from pantau.streams.deliver.events import OpsEvent, destination_disabled
from pantau.streams.deliver.inhibit import Inhibitor, InhibitRule
from pantau.streams.deliver.outbox import Entry, Outbox, Waiting
from pantau.streams.deliver.pace import Pacer
from pantau.streams.deliver.plan import Planned, Planner
from pantau.streams.deliver.retention import PRUNE_EVERY
from pantau.streams.deliver.silences import Silences, silencing

__all__ = ["Dispatcher", "DrainSummary", "OnEvent"]

OnEvent = Callable[[OpsEvent], Awaitable[None]]


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
    ) -> None:
        self.destinations = dict(destinations)
        self.retention = retention
        """Seconds sent-alert keys are kept (None: forever); see streams/deliver/retention.py."""
        self._pruned_at = -math.inf
        self.on_event = on_event
        """Called with each ops event the dispatcher raises (a destination disabled)."""
        self.outbox = outbox
        self.silences = silences
        routes = list(routes)
        self.planner = Planner({r.name: r for r in routes})
        self.inhibitor = Inhibitor(inhibit, self.planner.routes, store=outbox)
        self.inhibited: dict[str, str] = {}
        """Alert key -> why it was inhibited, for the alerts of the last ``submit`` (the archive shows it)."""
        self.silenced: dict[str, str] = {}
        """Alert key -> silence id, for the alerts the last ``submit`` muted (as ``inhibited``)."""
        self.planner.restore(outbox.load_timers())
        self.clock = clock
        self.jitter = jitter
        self.idle = idle
        self._rng = rng or random.Random()
        self.pace = Pacer(clock)
        self.disabled: dict[str, str] = {}
        self._wake: asyncio.Event | None = None
        self._wake_at = -math.inf
        """When the running loop wakes next by itself (set just before it waits)."""
        self._gauges_at = -math.inf
        self.sent = 0
        self.dead_lettered = 0
        self._log = {name: get_logger(destination=name) for name in self.destinations}
        for name in self.destinations:
            metrics.DESTINATION_UP.labels(name).set(1)
            # Zero series from the start, so increase() sees the first failure.
            metrics.prime_destination(name)
        self._refresh_gauges()

    # -- intake ---------------------------------------------------------------

    async def submit(self, alerts: Sequence[Alert]) -> list[Alert]:
        """Store alerts not delivered before (after silences); return the ones newly queued."""
        now = self.clock()
        live = self.silences.active(now) if self.silences is not None else []
        metrics.SILENCES_ACTIVE.set(len(live))
        alerts, muted = self.inhibitor.split(list(alerts), now)
        self.inhibited = {}
        self.silenced = {}
        for alert, why in muted:
            self.inhibited[alert.key] = why
            metrics.INHIBITED.labels(alert.destination, alert.route).inc()
            self._logger(alert.destination).info("alert_inhibited", alert=alert.key, route=alert.route, why=why)
        keep: list[Alert] = []
        for alert in alerts:
            # Silences mute stories; ops events about pantau itself are not theirs to mute.
            silence = silencing(live, alert.classified, now) if live and alert.classified is not None else None
            if silence is not None:
                self.silenced[alert.key] = silence.id
                metrics.ALERTS.labels(alert.destination, "silenced").inc()
                self._logger(alert.destination).info("alert_silenced", alert=alert.key, silence=silence.id)
                continue
            keep.append(alert)
        dues = [self.planner.due_time(a.route, a.destination, now) for a in keep]
        stored = self.outbox.enqueue(keep, dues)
        fresh = {a.key for a in stored}
        earliest = min((due for a, due in zip(keep, dues, strict=True) if a.key in fresh), default=math.inf)
        for alert in keep:
            # A fresh alert's ledger is its pending entry until a copy folds in or it is sent (_ledger):
            # one state write fewer per alert.
            if alert.classified is None or alert.update is not None or alert.key in fresh:
                continue
            for update, due in self._story_update(alert, now):
                stored.append(update)
                earliest = min(earliest, due)
        for name, count in Counter(a.destination for a in stored).items():
            metrics.OUTBOX_PENDING.labels(name).inc(count)  # followed as alerts leave; recounted every few seconds
        # Wake the loop only for alerts due before it wakes anyway: a digest filling up costs no pass per alert.
        if self._wake is not None and earliest < self._wake_at:
            self._wake.set()
        return stored

    def _story_update(self, copy: Alert, now: float) -> list[tuple[Alert, float]]:
        """Fold a copy of an alerted story into its waiting update, or open one; (update, due) when one is stored."""
        route = self.planner.routes.get(copy.route)
        if route is not None and not route.updates:
            return []
        ledger = self._ledger(copy.key)
        if ledger is None:
            return []
        item = updates.fold(ledger, copy)
        if item is None:
            return []
        opened: list[tuple[Alert, float]] = []
        if ledger.sent:
            waiting = self.outbox.entry(ledger.open) if ledger.open else None
            if waiting is None or not self.outbox.amend(ledger.open, updates.add_item(waiting.alert, item)):
                update = updates.new_update(ledger, copy, copy, item, now)
                due = updates.due(route, ledger, now)
                opened = [(a, due) for a in self.outbox.enqueue([update], [due])]
                self._logger(copy.destination).info("story_update_opened", alert=copy.key, update=update.key)
        self.outbox.save_ledger(copy.key, updates.encode_ledger(ledger), ledger.at)
        return opened

    def _ledger(self, key: str) -> updates.Ledger | None:
        """The story ledger of the first alert ``key``: stored, or (not stored yet) its pending entry's first."""
        ledger = updates.decode_ledger(self.outbox.ledger(key))
        if ledger is not None:
            return ledger
        entry = self.outbox.entry(key)
        if entry is None or entry.alert.classified is None or entry.alert.update is not None:
            return None
        return updates.first_ledger(entry.alert)

    def _record_sent(self, dest: Destination, planned: Planned, now: float) -> None:
        """Note in the story ledgers that a first alert went out (with the destination's message id) or an update."""
        ref = getattr(dest, "last_ref", None)
        for e in planned.entries:
            alert = e.alert
            if alert.classified is None:
                continue
            key = alert.update.of if alert.update is not None else alert.key
            ledger = self._ledger(key)
            if ledger is None:
                continue
            if alert.update is not None:
                ledger.last_update = now
                if ledger.open == alert.key:
                    ledger.open = ""
            else:
                ledger.sent = True
                ledger.ref = str(ref) if ref else ledger.ref
            self.outbox.save_ledger(key, updates.encode_ledger(ledger), ledger.at)

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
            self._dead([e.alert.key for e in entries], name, reason)
            return
        if self.pace.paused_until(name) > self.clock():
            return
        # A destination whose body carries several alerts (a webhook) says how many: one request for them.
        plans = self.planner.plan(name, entries, self.clock(), flush=flush, batch=getattr(dest, "batch", 1))
        self._save_timers()  # before sending: a crash mid-send must not forget the flush
        for planned in plans:
            await self.pace.wait_slot(name, dest.rate)
            if not await self._attempt(dest, planned):
                break  # paused or disabled: leave the rest for later

    async def _attempt(self, dest: Destination, planned: Planned) -> bool:
        """Send one message and record the outcome; False when the destination must stop for now."""
        keys = [e.alert.key for e in planned.entries]
        tries = max(e.attempts for e in planned.entries) + 1
        log = self._logger(dest.name).bind(message=planned.message.id, alerts=len(keys), attempt=tries)
        try:
            await dest.send(planned.message)
        except RetryableDelivery as exc:
            metrics.ALERTS.labels(dest.name, "failed").inc(len(keys))
            return self._retry(dest, planned, keys, tries, exc, log)
        except PermanentDelivery as exc:
            metrics.ALERTS.labels(dest.name, "failed").inc(len(keys))
            log.error("delivery_refused", error=exc.message, hint=exc.hint)
            self._dead(keys, dest.name, exc.message)
            if exc.disable:
                await self._raise(self._disable(dest.name, exc.message))
                return False
            return True
        except Exception as exc:  # a bug in rendering must not stall the queue
            metrics.ALERTS.labels(dest.name, "failed").inc(len(keys))
            log.exception("delivery_crashed")
            self._dead(keys, dest.name, f"{type(exc).__name__}: {exc}")
            return True
        now = self.clock()
        self._record_sent(dest, planned, now)  # first: a ledger not stored yet comes from the pending entry
        self.outbox.mark_sent(keys, now)
        self.sent += len(keys)
        metrics.ALERTS.labels(dest.name, "sent").inc(len(keys))
        metrics.OUTBOX_PENDING.labels(dest.name).dec(len(keys))
        for e in planned.entries:
            article = e.alert.article
            if article is None:
                continue  # ops events have no fetch time to measure from
            metrics.DELIVERY_LATENCY.labels(dest.name).observe(max(0.0, now - article.fetched.timestamp()))
        log.info("alert_delivered", kind=planned.message.kind)
        return True

    def _retry(
        self, dest: Destination, planned: Planned, keys: list[str], tries: int, exc: RetryableDelivery, log: BoundLogger
    ) -> bool:
        schedule = dest.spec.schedule
        if tries >= len(schedule):
            log.error("delivery_gave_up", error=exc.message, attempts=tries)
            self._dead(keys, dest.name, exc.message)
            return True
        wait = schedule[tries] * self._rng.uniform(1 - self.jitter, 1 + self.jitter)
        now = self.clock()
        if exc.retry_after is not None:
            # Honour the receiver: not before Retry-After, and nothing else to it meanwhile.
            wait = max(wait, exc.retry_after)
            self.pace.pause(dest.name, now + exc.retry_after)
        self.outbox.mark_retry(keys, now + wait, exc.message, batch=planned.message.id)
        metrics.ALERTS.labels(dest.name, "retried").inc(len(keys))
        log.warning("delivery_retry", error=exc.message, retry_in=round(wait, 3), retry_after=exc.retry_after)
        return exc.retry_after is None

    def _dead(self, keys: list[str], name: str, reason: str) -> None:
        if not keys:
            return
        self.outbox.mark_dead(keys, reason, self.clock())
        self.dead_lettered += len(keys)
        metrics.OUTBOX_PENDING.labels(name).dec(len(keys))
        metrics.DEAD_LETTERS.labels(name).inc(len(keys))
        metrics.ALERTS.labels(name, "dead_lettered").inc(len(keys))
        self._logger(name).error(
            "alert_dead_lettered",
            alerts=len(keys),
            error=reason,
            hint="`pantau alerts dead` lists them, `pantau alerts replay` sends them again",
        )

    def _disable(self, name: str, reason: str) -> OpsEvent:
        """Stop using a destination (410 Gone): a gauge at 0, its queue dead-lettered; returns the ops event."""
        now = self.clock()
        self.disabled[name] = f"destination {name!r} disabled: {reason}"
        metrics.DESTINATION_UP.labels(name).set(0)
        self._logger(name).error(
            "destination_disabled",
            reason=reason,
            hint="fix the destination in pantau.yaml, restart, then `pantau alerts replay`",
        )
        rest = [e.alert.key for e in self.outbox.pending(name)]
        self._dead(rest, name, self.disabled[name])
        return destination_disabled(name, reason, now)

    async def _raise(self, event: OpsEvent) -> None:
        """Hand an ops event to ``on_event``; its failure is logged, never fatal to delivery."""
        if self.on_event is None:
            return
        try:
            await self.on_event(event)
        except Exception as exc:  # a broken ops route must not stop the other deliveries
            self._logger(event.subject).error("ops_event_route_failed", kind=event.kind, error=str(exc))

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
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a
                # cancellation that races with the wake-up, and the loop would never stop.
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
