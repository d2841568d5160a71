"""Sending one planned message and recording its outcome: sent, retried, dead-lettered, destination disabled.

The dispatcher decides what is due and when; this is what happens to one
message. A failed message is retried on the destination's schedule with
jitter (a Retry-After pauses the whole destination); when the schedule is
exhausted, or the receiver refuses for good, its alerts become dead letters.
410 Gone disables the destination until restart and raises a
``destination_disabled`` ops event through ``on_event``. Every outcome is a
metric and a log event.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

from pantau.core import metrics
from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.core.logs import BoundLogger
from pantau.streams.deliver.destinations import Destination
from pantau.streams.deliver.events import OpsEvent, destination_disabled
from pantau.streams.deliver.ledgers import StoryLedgers
from pantau.streams.deliver.outbox import Outbox
from pantau.streams.deliver.pace import Pacer
from pantau.streams.deliver.plan import Planned

__all__ = ["OnEvent", "Sender"]

OnEvent = Callable[[OpsEvent], Awaitable[None]]


class Sender:
    """Sends planned messages to destinations and settles each one in the outbox, metrics and logs."""

    def __init__(
        self,
        outbox: Outbox,
        ledgers: StoryLedgers,
        pace: Pacer,
        *,
        clock: Callable[[], float],
        jitter: float,
        rng: random.Random,
        on_event: OnEvent | None,
        logger: Callable[[str], BoundLogger],
    ) -> None:
        self.outbox = outbox
        self.ledgers = ledgers
        self.pace = pace
        self.clock = clock
        self.jitter = jitter
        self.on_event = on_event
        self._rng = rng
        self._logger = logger
        self.disabled: dict[str, str] = {}
        """Destination -> why it is disabled (410 Gone) until restart."""
        self.sent = 0
        self.dead_lettered = 0

    async def attempt(self, dest: Destination, planned: Planned) -> bool:
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
            self.dead(keys, dest.name, exc.message)
            if exc.disable:
                await self._raise(self._disable(dest.name, exc.message))
                return False
            return True
        except Exception as exc:  # a bug in rendering must not stall the queue
            metrics.ALERTS.labels(dest.name, "failed").inc(len(keys))
            log.exception("delivery_crashed")
            self.dead(keys, dest.name, f"{type(exc).__name__}: {exc}")
            return True
        now = self.clock()
        # First: a ledger not stored yet comes from the pending entry.
        self.ledgers.record_sent(planned, getattr(dest, "last_ref", None), now)
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
            self.dead(keys, dest.name, exc.message)
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

    def dead(self, keys: list[str], name: str, reason: str) -> None:
        """Dead-letter the alerts ``keys`` of destination ``name`` with ``reason``, for an operator to replay."""
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
        self.dead(rest, name, self.disabled[name])
        return destination_disabled(name, reason, now)

    async def _raise(self, event: OpsEvent) -> None:
        """Hand an ops event to ``on_event``; its failure is logged, never fatal to delivery."""
        if self.on_event is None:
            return
        try:
            await self.on_event(event)
        except Exception as exc:  # a broken ops route must not stop the other deliveries
            self._logger(event.subject).error("ops_event_route_failed", kind=event.kind, error=str(exc))
