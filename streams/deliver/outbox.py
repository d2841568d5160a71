"""The outbox: alerts waiting to be delivered, and the dead letters that gave up.

An alert is written here before any attempt to send it and marked sent only
after the destination accepted it, so a crash at any point means "send again
later", never "lost". Keys are unique: enqueuing a key that was ever seen
(pending, sent or dead) does nothing, which is what makes delivery happen
once per (story, route, destination). The embedded mode keeps this in SQLite
(:class:`pantau.adapters.sqlite.outbox.SqliteOutbox`); the distributed mode
implements the same small protocol over Faust tables
(:class:`pantau.adapters.faust.outbox_table.TableOutbox`). Sent keys are
pruned after the delivery retention (streams/deliver/retention.py), so months
of alerts keep the state bounded; the planner's group, storm and flush timers
are saved beside the alerts, so a restart neither sends the next digest early
nor forgets a storm.

Taking an alert in must not cost more with thousands waiting (a digest route,
a destination down): the dispatcher's timer reads :meth:`Outbox.waiting` (one
row per destination, route and kind), its gauges :meth:`Outbox.counts`, a story
update its one entry (:meth:`Outbox.entry`), and only a destination with
something to send reads that destination's entries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol

import msgspec

from pantau.streams.deliver.alert import Alert

__all__ = ["Outbox", "Entry", "DeadLetter", "Recent", "Waiting", "Counts", "waiting"]


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """A pending alert with its delivery bookkeeping."""

    alert: Alert
    due: float
    """Unix time of the next attempt (or of the group's flush)."""
    attempts: int = 0
    batch: str | None = None
    """Set at the first attempt of a digest, so retries resend the same batch (same webhook-id)."""
    error: str = ""


class Waiting(msgspec.Struct, frozen=True, order=True):
    """The earliest pending entry of one destination, route and kind: all the dispatcher's timer needs."""

    destination: str
    route: str
    fresh: bool
    """Not a retry of an attempted batch (a held storm applies to these only)."""
    due: float


def fresh(entry: Entry) -> bool:
    """Whether an entry waits as new (never attempted, or outside a batch) rather than as a retry."""
    return entry.batch is None or entry.attempts == 0


def waiting(entries: Iterable[Entry]) -> list[Waiting]:
    """Summarise entries as :meth:`Outbox.waiting` does (for outboxes that hold them in memory)."""
    earliest: dict[tuple[str, str, bool], float] = {}
    for e in entries:
        group = (e.alert.destination, e.alert.route, fresh(e))
        if e.due < earliest.get(group, math.inf):
            earliest[group] = e.due
    return [Waiting(d, r, f, due) for (d, r, f), due in earliest.items()]


class Counts(msgspec.Struct, frozen=True):
    """Pending alerts and dead letters per destination (the gauges)."""

    pending: dict[str, int]
    dead: dict[str, int]


class DeadLetter(msgspec.Struct, frozen=True, kw_only=True):
    """An alert that exhausted its retries (or whose destination was disabled)."""

    alert: Alert
    attempts: int
    error: str
    died: float


class Recent(msgspec.Struct, frozen=True, kw_only=True):
    """An alert of any status as ``pantau status`` lists it; ``alert`` is None once sent (payload dropped)."""

    updated: float
    destination: str
    route: str
    status: str
    alert: Alert | None
    title: str = ""
    """The alert's headline, kept after the payload is dropped so the list still says what was sent."""


class Outbox(Protocol):
    """Durable delivery state: enqueue once, hand out what is due, record outcomes."""

    def enqueue(self, alerts: Iterable[Alert], due: Sequence[float]) -> list[Alert]:
        """Store alerts not seen before (due at the matching time); return those stored."""

    def due(self, now: float) -> list[Entry]:
        """Pending entries whose time has come, oldest first."""

    def pending(self, destination: str | None = None) -> list[Entry]:
        """Every pending entry (of ``destination`` when given), oldest first."""

    def entry(self, key: str) -> Entry | None:
        """The pending entry ``key`` (None when it is not pending)."""

    def waiting(self) -> list[Waiting]:
        """The earliest due time of the pending entries, per destination, route and kind."""

    def counts(self) -> Counts:
        """How many alerts are pending and dead, per destination."""

    def mark_sent(self, keys: Sequence[str], at: float) -> None:
        """Record that the destination accepted these alerts."""

    def mark_retry(self, keys: Sequence[str], at: float, error: str, batch: str | None = None) -> None:
        """Count a failed attempt and schedule the next one at ``at``."""

    def mark_dead(self, keys: Sequence[str], error: str, at: float) -> None:
        """Move these alerts to the dead letters."""

    def dead(self) -> list[DeadLetter]:
        """Every dead letter, oldest first."""

    def replay(self, keys: Sequence[str] | None, now: float) -> int:
        """Move dead letters (all when ``keys`` is None) back to pending, due now; return how many."""

    def prune(self, before: float) -> int:
        """Forget the keys of alerts sent before ``before``; return how many."""

    def load_timers(self) -> bytes | None:
        """The planner's saved timers (None when never saved)."""

    def save_timers(self, raw: bytes) -> None:
        """Save the planner's timers with the outbox."""

    def amend(self, key: str, alert: Alert) -> bool:
        """Replace a pending, never attempted alert's payload (a waiting update gains items); False otherwise."""

    def ledger(self, key: str) -> bytes | None:
        """The story-update ledger of the first alert ``key`` (streams/deliver/updates.py)."""

    def save_ledger(self, key: str, raw: bytes, at: float, *, sending: bool = False) -> None:
        """Store the ledger of the first alert ``key`` (pruned with the sent keys, by ``at``).

        ``sending``: the ledger of the pending alert ``key`` itself, written just before ``mark_sent(key)``
        in the same step; an outbox may keep it in the alert's sent record instead (one record fewer).
        """

    def inhibit_source(self, key: str) -> float | None:
        """When an inhibition source (streams/deliver/inhibit.py) keyed ``key`` was last seen, if ever."""

    def save_inhibit_source(self, key: str, at: float) -> None:
        """Record that the inhibition source ``key`` was seen at ``at`` (pruned with the sent keys)."""
