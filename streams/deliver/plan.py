"""Which messages to send now: grouping into digests, storm summaries, retried batches.

Pure bookkeeping over outbox entries, kept apart from the sending so that it
can be tested with plain values. Per (route, destination) group it follows
Alertmanager: the first alert of a group waits ``group_wait``, later ones
wait until ``group_interval`` after the previous flush, and everything
pending in the group goes out as one digest. Ungrouped routes send each
alert on its own, unless more than ``storm.max`` arrive within
``storm.window``: then the excess is held and sent as one storm summary when
the window ends. A destination whose body carries several alerts (a webhook's
``batch``) takes an ungrouped route's alerts that are due at the same moment in
one message of up to ``batch`` alerts: one request instead of one per alert.
A failed message keeps its batch id, so a retry resends the same alerts
under the same message id. The timers (last flush, storm hold,
recent sends) are saved with the outbox (:meth:`Planner.snapshot`) and
restored at start, so a restart does not send the next digest early nor
forget a storm in progress.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

import msgspec

from pantau.streams.deliver.alert import Message, MessageKind, message_id
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.outbox import Entry, Waiting

__all__ = ["Planner", "Planned"]

Group = tuple[str, str]  # (route, destination)
_SEP = "\x1f"
_V = TypeVar("_V")


class _Timers(msgspec.Struct, kw_only=True):
    """The planner's clocks as saved with the outbox (groups as ``route<US>destination``)."""

    last_flush: dict[str, float] = {}
    storm_until: dict[str, float] = {}
    recent: dict[str, list[float]] = {}


_timers_decoder = msgspec.json.Decoder(_Timers)


class Planned(msgspec.Struct, frozen=True):
    """A message to send and the outbox entries it carries."""

    message: Message
    entries: tuple[Entry, ...]


def _message(
    destination: str, route: str, kind: MessageKind, entries: list[Entry], batch: str | None = None
) -> Planned:
    alerts = tuple(e.alert for e in entries)
    kind = "alert" if len(alerts) == 1 and kind != "storm" else kind
    if alerts[0].event is not None:  # ops routes are never grouped: one event per message
        kind = "ops_event"
    if alerts[0].update is not None:  # updates go one per message, into the story's thread
        kind = "update"
    mid = batch or message_id([a.key for a in alerts])
    return Planned(Message(id=mid, destination=destination, route=route, kind=kind, alerts=alerts), tuple(entries))


def _singles(destination: str, route: str, ready: list[Entry], batch: int) -> list[Planned]:
    # Each alert on its own, or (a destination that takes several per body) up to ``batch`` per message,
    # a digest in form only: nothing waited for the others. Ops events always go one per message.
    step = 1 if any(e.alert.event is not None for e in ready) else max(batch, 1)
    return [_message(destination, route, "digest", ready[i : i + step]) for i in range(0, len(ready), step)]


class Planner:
    """Remembers group flushes and storms; turns pending entries into messages."""

    def __init__(self, routes: Mapping[str, RouteSpec]) -> None:
        self.routes = dict(routes)
        self.last_flush: dict[Group, float] = {}
        self.storm_until: dict[Group, float] = {}
        self.recent: dict[Group, deque[float]] = defaultdict(deque)
        self.changed = False
        """True when a timer moved since the last :meth:`snapshot`."""

    def snapshot(self) -> bytes:
        """The timers as bytes to save with the outbox (clears ``changed``)."""
        self.changed = False
        return msgspec.json.encode(
            _Timers(
                last_flush={_SEP.join(k): v for k, v in self.last_flush.items()},
                storm_until={_SEP.join(k): v for k, v in self.storm_until.items()},
                recent={_SEP.join(k): list(v) for k, v in self.recent.items() if v},
            )
        )

    def restore(self, raw: bytes | None) -> None:
        """Take the timers saved by :meth:`snapshot` (groups of routes no longer configured are dropped)."""
        if not raw:
            return
        try:
            saved = _timers_decoder.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return  # unreadable timers: start afresh, as before timers were saved

        def groups(d: dict[str, _V]) -> Iterator[tuple[tuple[str, str], _V]]:
            for key, value in d.items():
                route, _, destination = key.partition(_SEP)
                if route in self.routes:
                    yield (route, destination), value

        self.last_flush = dict(groups(saved.last_flush))
        self.storm_until = dict(groups(saved.storm_until))
        self.recent = defaultdict(deque, {k: deque(v) for k, v in groups(saved.recent)})

    def due_time(self, route: str, destination: str, now: float) -> float:
        """When a newly enqueued alert of this group should go out."""
        spec = self.routes.get(route)
        if spec is None or not spec.grouped:
            return now
        last = self.last_flush.get((route, destination), -math.inf)
        return max(now + spec.group_wait, last + spec.group_interval)

    def plan(
        self, destination: str, entries: list[Entry], now: float, *, flush: bool = False, batch: int = 1
    ) -> list[Planned]:
        """Messages to send now for one destination (``flush``: do not wait for groups or storms).

        ``batch``: how many alerts of an ungrouped route one message may carry (the destination's).
        """
        out: list[Planned] = []
        retries: dict[str, list[Entry]] = defaultdict(list)
        fresh: dict[str, list[Entry]] = defaultdict(list)
        updates: list[Entry] = []
        for e in entries:
            if e.batch is not None and e.attempts > 0:
                retries[e.batch].append(e)
            elif e.alert.update is not None:
                # Story updates are not grouped nor counted in storms: each waits its own time.
                if flush or e.due <= now:
                    updates.append(e)
            else:
                fresh[e.alert.route].append(e)
        out.extend(_message(destination, e.alert.route, "update", [e]) for e in updates)
        for batch_id, group in retries.items():
            # Retries wait out their backoff even when flushing: drain() decides how long to wait.
            if min(e.due for e in group) <= now:
                out.append(_message(destination, group[0].alert.route, "digest", group, batch_id))
        for route, group in fresh.items():
            out.extend(self._plan_fresh(destination, route, group, now, flush, batch))
        return out

    def _plan_fresh(
        self, destination: str, route: str, group: list[Entry], now: float, flush: bool, batch: int = 1
    ) -> list[Planned]:
        spec = self.routes.get(route)
        ready = [e for e in group if flush or e.due <= now]
        if not ready:
            return []
        key = (route, destination)
        # Only groups and storms have clocks worth saving: plain routes cost no state write per send.
        self.changed = self.changed or (spec is not None and (spec.grouped or spec.storm is not None))
        if spec is not None and spec.grouped:
            self.last_flush[key] = now
            return [_message(destination, route, "digest", group)]
        if spec is None or spec.storm is None:
            return _singles(destination, route, ready, batch)
        recent = self.recent[key]
        while recent and recent[0] <= now - spec.storm.window:
            recent.popleft()
        held_until = self.storm_until.get(key)
        if held_until is not None:
            if now < held_until and not flush:
                return []
            del self.storm_until[key]
            recent.append(now)
            return [_message(destination, route, "storm", ready)]
        allowed = max(spec.storm.max - len(recent), 0)
        single, rest = ready[:allowed], ready[allowed:]
        out = _singles(destination, route, single, batch)
        recent.extend([now] * len(single))
        if rest:
            if flush:
                recent.append(now)
                out.append(_message(destination, route, "storm", rest))
            else:
                self.storm_until[key] = (recent[0] if recent else now) + spec.storm.window
        return out

    def next_wake(self, destination: str, waiting: Iterable[Waiting]) -> float:
        """The earliest time something for this destination may become sendable (``Outbox.waiting`` rows)."""
        times = []
        for w in waiting:
            held = self.storm_until.get((w.route, destination))
            times.append(max(w.due, held) if held is not None and w.fresh else w.due)
        return min(times, default=math.inf)
