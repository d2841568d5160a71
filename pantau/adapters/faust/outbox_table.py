"""The delivery outbox over Faust tables: the distributed twin of ``SqliteOutbox``.

Key -> JSON bytes tables whose every change Faust writes to a compacted
changelog topic, so a worker that takes over the deliver partition (after a
crash, restart or rebalance) rebuilds the same state:

    alert_outbox   alert key -> Entry | Done   pending (due, attempts, batch), then sent or dead:
                                               the Done overwrites the Entry, never enqueued again
    alert_done     alert key -> Done           sent or dead, as written before Done moved into
                                               alert_outbox (read, pruned, no longer written)
    alert_dead     alert key -> DeadLetter     parked after exhausting retries
    delivery_timers  "planner" -> timers       group flushes and storms, for a restart
    story_ledger   first alert key -> Ledger   what a destination was told of a story (updates)
                   "inhibit\x1f" + source -> at   an inhibition source seen (streams/deliver/inhibit.py)

An alert costs at most two outbox records: its Entry when queued, its Done (over
the same key) when sent, which also carries the story ledger written as it is sent
(``save_ledger(..., sending=True)``: no ``story_ledger`` record until a later
copy or update changes it); each record costs the deliverer ~0.1 ms of CPU in Faust's
producer path (deploy/performance.md), so records are counted. With ``hold_new``
(the worker, at least once) a new Entry stays in memory until :meth:`TableOutbox.write_held`:
an alert sent before then writes its Done only. The worker writes what is held
before Faust commits the offsets of the matches (pantau/adapters/faust/delivery.py),
so a match whose Entry is not in the changelog is read again by the next owner. ``prune`` deletes
the Done entries of alerts sent before the retention (tombstones in the
changelog, which compaction then drops), so the tables stay bounded over
months.

Pending entries are also kept decoded in memory (rebuilt lazily from the table
after recovery): the dispatcher asks for them every second.

The class only needs mutable mappings, so tests drive it with dicts; the Faust
app (pantau/adapters/faust/app.py) passes its tables, a callback that copies each new dead
letter to the dead-letter topic and one that reports each fate (sent, dead, pending
again after a replay) on the outcomes topic (pantau/adapters/kafka/outcomes.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import msgspec

from pantau.adapters.faust.outbox_records import (
    INHIBIT,
    Done,
    Stamp,
    Status,
    Table,
    decode_dead,
    decode_done,
    decode_entry,
    encode,
    is_done,
    ledger_at,
    sent_before,
)
from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.outbox import Counts, DeadLetter, Entry, Waiting, waiting

__all__ = ["TableOutbox", "Done"]


class TableOutbox:
    """The ``Outbox`` protocol over key -> bytes tables (Faust tables in the worker)."""

    def __init__(
        self,
        outbox: Table,
        done: Table,
        dead: Table,
        *,
        on_dead: Callable[[str, bytes], None] | None = None,
        timers: Table | None = None,
        ledger: Table | None = None,
        on_outcome: Callable[[Alert, Status, float], None] | None = None,
        hold_new: bool = False,
    ) -> None:
        self._outbox = outbox
        self._done = done
        self._dead = dead
        self._timers: Table = timers if timers is not None else {}
        self._ledger: Table = ledger if ledger is not None else {}
        self._on_dead = on_dead
        self._on_outcome = on_outcome
        self._pending: dict[str, Entry] | None = None
        self._sending: dict[str, bytes] = {}
        """Ledgers handed over with ``sending=True``, for the Done that ``mark_sent`` writes next."""
        self._hold_new = hold_new
        self._held: dict[str, Entry] = {}
        """New entries not written to the table yet (``hold_new``), until ``write_held`` or their Done."""

    def reset_cache(self) -> None:
        """Forget the decoded pending entries (call after the tables were recovered anew); held ones are written."""
        self.write_held()
        self._pending = None
        self._sending.clear()

    def write_held(self) -> int:
        """Write the held new entries to the table (before the offsets of what made them are committed); how many."""
        held, self._held = self._held, {}
        for key, entry in held.items():
            self._outbox[key] = encode(entry)
        return len(held)

    @property
    def _cache(self) -> dict[str, Entry]:
        if self._pending is None:
            self._pending = {key: decode_entry(raw) for key, raw in list(self._outbox.items()) if not is_done(raw)}
        return self._pending

    def _put(self, key: str, entry: Entry) -> None:
        self._held.pop(key, None)
        self._outbox[key] = encode(entry)
        self._cache[key] = entry

    def _settle(self, key: str, done: Done) -> None:
        # One record: the Done takes the pending Entry's place under the same key (with the ledger, when
        # sent); a held Entry is never written.
        self._cache.pop(key, None)
        self._held.pop(key, None)
        ledger = self._sending.pop(key, None)
        if ledger is not None and done.status == "sent":
            done = msgspec.structs.replace(done, ledger=msgspec.Raw(ledger))
        self._outbox[key] = encode(done)

    def enqueue(self, alerts: Iterable[Alert], due: Sequence[float]) -> list[Alert]:
        """Store alerts whose key was never seen (pending, sent or dead); return those stored."""
        stored: list[Alert] = []
        for alert, when in zip(alerts, due, strict=True):
            if alert.key in self._held or alert.key in self._outbox or alert.key in self._done:
                continue
            entry = Entry(alert=alert, due=when)
            if self._hold_new:
                self._held[alert.key] = self._cache[alert.key] = entry
            else:
                self._put(alert.key, entry)
            stored.append(alert)
        return stored

    def pending(self, destination: str | None = None) -> list[Entry]:
        """Every pending entry (of ``destination`` when given), oldest first."""
        entries = [e for e in self._cache.values() if destination is None or e.alert.destination == destination]
        return sorted(entries, key=lambda e: (e.due, e.alert.created, e.alert.key))

    def entry(self, key: str) -> Entry | None:
        """The pending entry ``key`` (None when it is not pending)."""
        return self._cache.get(key)

    def waiting(self) -> list[Waiting]:
        """The earliest due time per destination, route and kind (from the decoded entries in memory)."""
        return waiting(self._cache.values())

    def counts(self) -> Counts:
        """Pending alerts (in memory) and dead letters per destination."""
        pending = Counter(e.alert.destination for e in self._cache.values())
        dead = Counter(decode_dead(raw).alert.destination for raw in list(self._dead.values()))
        return Counts(pending=dict(pending), dead=dict(dead))

    def due(self, now: float) -> list[Entry]:
        """Pending entries whose time has come, oldest first."""
        return [e for e in self.pending() if e.due <= now]

    def mark_sent(self, keys: Sequence[str], at: float) -> None:
        """Record delivery: the key stays (as sent) so the alert is never sent twice."""
        for key in keys:
            entry = self._cache.get(key)
            attempts = entry.attempts + 1 if entry else 1
            self._settle(key, Done(status="sent", at=at, attempts=attempts))
            if entry is not None and self._on_outcome is not None:
                self._on_outcome(entry.alert, "sent", at)

    def mark_retry(self, keys: Sequence[str], at: float, error: str, batch: str | None = None) -> None:
        """Count a failed attempt and schedule the next one at ``at``."""
        for key in keys:
            entry = self._cache.get(key)
            if entry is not None:
                self._put(
                    key, msgspec.structs.replace(entry, due=at, attempts=entry.attempts + 1, error=error, batch=batch)
                )

    def mark_dead(self, keys: Sequence[str], error: str, at: float) -> None:
        """Move these alerts to the dead letters (and hand each to ``on_dead``)."""
        for key in keys:
            entry = self._cache.get(key)
            if entry is None:
                continue
            letter = DeadLetter(alert=entry.alert, attempts=entry.attempts + 1, error=error, died=at)
            raw = encode(letter)
            self._dead[key] = raw
            self._settle(key, Done(status="dead", at=at, attempts=letter.attempts))
            if self._on_dead is not None:
                self._on_dead(key, raw)
            if self._on_outcome is not None:
                self._on_outcome(entry.alert, "dead", at)

    def dead(self) -> list[DeadLetter]:
        """Every dead letter, oldest first."""
        letters = [decode_dead(raw) for raw in list(self._dead.values())]
        return sorted(letters, key=lambda d: (d.died, d.alert.key))

    def replay(self, keys: Sequence[str] | None, now: float) -> int:
        """Move dead letters (all when ``keys`` is None) back to pending, due now; return how many."""
        moved = 0
        for key in list(self._dead.keys()) if keys is None else keys:
            raw = self._dead.get(key)
            if raw is None:
                continue
            letter = decode_dead(raw)
            del self._dead[key]
            if key in self._done:
                del self._done[key]
            self._put(key, Entry(alert=letter.alert, due=now))
            if self._on_outcome is not None:
                self._on_outcome(letter.alert, "pending", now)
            moved += 1
        return moved

    def prune(self, before: float) -> int:
        """Delete the Done records of alerts sent before ``before`` (dead ones stay); return how many."""
        old = 0
        for table in (self._outbox, self._done):
            for key, raw in list(table.items()):
                if not is_done(raw):
                    continue
                if sent_before(raw, before):
                    del table[key]
                    old += 1
                elif b'"ledger":' in raw:
                    # A ledger kept in a sent record goes when a stored one would (by its ``at``), the key stays.
                    done = decode_done(raw)
                    if done.ledger and ledger_at(bytes(done.ledger)) < before:
                        table[key] = encode(Done(status=done.status, at=done.at, attempts=done.attempts))
        stale = [k for k, raw in list(self._ledger.items()) if ledger_at(raw) < before]
        for key in stale:
            del self._ledger[key]
        return old

    def amend(self, key: str, alert: Alert) -> bool:
        """Replace a pending, never attempted alert's payload; False when it was sent or tried meanwhile."""
        entry = self._cache.get(key)
        if entry is None or entry.attempts:
            return False
        self._put(key, msgspec.structs.replace(entry, alert=alert))
        return True

    def ledger(self, key: str) -> bytes | None:
        """The story-update ledger of the first alert ``key`` (the table's, else the one kept with it when sent)."""
        raw = self._ledger.get(key)
        if raw is not None:
            return raw
        done = self._outbox.get(key)
        if done is None or not is_done(done):
            return None
        ledger = decode_done(done).ledger
        return bytes(ledger) or None

    def save_ledger(self, key: str, raw: bytes, at: float, *, sending: bool = False) -> None:
        """Store the ledger of the first alert ``key`` (its ``at`` travels inside it); ``sending``: in its Done."""
        if sending and key in self._cache and key not in self._ledger:
            # Marked sent next in the same step (StoryLedgers.record_sent, then mark_sent): one record, not two.
            self._sending[key] = raw
            return
        self._ledger[key] = raw

    def inhibit_source(self, key: str) -> float | None:
        """When the inhibition source ``key`` was last seen, if ever (kept in the ledger table)."""
        raw = self._ledger.get(INHIBIT + key)
        return ledger_at(raw) if raw is not None else None

    def save_inhibit_source(self, key: str, at: float) -> None:
        """Record that the inhibition source ``key`` was seen at ``at`` (pruned with the ledgers, by ``at``)."""
        self._ledger[INHIBIT + key] = encode(Stamp(at))

    def load_timers(self) -> bytes | None:
        """The planner's saved timers (None when never saved)."""
        return self._timers.get("planner")

    def save_timers(self, raw: bytes) -> None:
        """Save the planner's timers in the timers table."""
        self._timers["planner"] = raw
