"""Story ledgers in the outbox: what each destination was told about a story that already alerted.

The dispatcher keeps them beside the alerts: a later copy of an alerted story
is folded into its ledger (and opens or amends a waiting update, see
streams/deliver/updates.py), and a sent message notes in its stories'
ledgers that the first alert went out (with the destination's message id, so
an update can thread under it) or that an update did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pantau.core.logs import BoundLogger
from pantau.streams.deliver import updates
from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.outbox import Outbox
from pantau.streams.deliver.plan import Planned

__all__ = ["StoryLedgers"]


class StoryLedgers:
    """Reads, folds and records the story ledgers stored in an outbox."""

    def __init__(self, outbox: Outbox, routes: Mapping[str, RouteSpec], logger: Callable[[str], BoundLogger]) -> None:
        self.outbox = outbox
        self.routes = routes
        self._logger = logger

    def fold(self, copy: Alert, now: float) -> list[tuple[Alert, float]]:
        """Fold a copy of an alerted story into its waiting update, or open one; (update, due) when one is stored."""
        route = self.routes.get(copy.route)
        if route is not None and not route.updates:
            return []
        ledger = self.ledger(copy.key)
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

    def ledger(self, key: str) -> updates.Ledger | None:
        """The story ledger of the first alert ``key``: stored, or (not stored yet) its pending entry's first."""
        ledger = updates.decode_ledger(self.outbox.ledger(key))
        if ledger is not None:
            return ledger
        entry = self.outbox.entry(key)
        if entry is None or entry.alert.classified is None or entry.alert.update is not None:
            return None
        return updates.first_ledger(entry.alert)

    def record_sent(self, planned: Planned, ref: object, now: float) -> None:
        """Note in the story ledgers that a first alert went out (with the destination's message id) or an update."""
        for e in planned.entries:
            alert = e.alert
            if alert.classified is None:
                continue
            key = alert.update.of if alert.update is not None else alert.key
            ledger = self.ledger(key)
            if ledger is None:
                continue
            if alert.update is not None:
                ledger.last_update = now
                if ledger.open == alert.key:
                    ledger.open = ""
                self.outbox.save_ledger(key, updates.encode_ledger(ledger), ledger.at)
                continue
            ledger.sent = True
            ledger.ref = str(ref) if ref else ledger.ref
            # The caller marks the alert sent next, in the same step: the outbox may keep this with its sent record.
            self.outbox.save_ledger(key, updates.encode_ledger(ledger), ledger.at, sending=True)
