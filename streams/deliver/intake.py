"""Taking alerts into the outbox: inhibited and silenced ones are set aside, the rest queued once each.

The dispatcher's first stage (Alertmanager's order: inhibit, silence, then
queue). Each alert is queued at the time its route's grouping plans for it;
an alert whose key is already known (sent or queued) is dropped by the
outbox, and a later copy of a story that already alerted is folded into its
story ledger, where it may open an update (streams/deliver/ledgers.py).
What the last call set aside is kept for the archive (``inhibited``,
``silenced``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

from pantau.core import metrics
from pantau.core.logs import BoundLogger
from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.inhibit import Inhibitor
from pantau.streams.deliver.ledgers import StoryLedgers
from pantau.streams.deliver.outbox import Outbox
from pantau.streams.deliver.plan import Planner
from pantau.streams.deliver.silences import Silences, silencing

__all__ = ["Intake"]


class Intake:
    """Screens alerts through inhibit rules and silences and queues the rest in the outbox."""

    def __init__(
        self,
        outbox: Outbox,
        planner: Planner,
        inhibitor: Inhibitor,
        silences: Silences | None,
        ledgers: StoryLedgers,
        logger: Callable[[str], BoundLogger],
    ) -> None:
        self.outbox = outbox
        self.planner = planner
        self.inhibitor = inhibitor
        self.silences = silences
        self.ledgers = ledgers
        self._logger = logger
        self.inhibited: dict[str, str] = {}
        """Alert key -> why it was inhibited, for the alerts of the last ``take`` (the archive shows it)."""
        self.silenced: dict[str, str] = {}
        """Alert key -> silence id, for the alerts the last ``take`` muted (as ``inhibited``)."""

    def take(self, alerts: Sequence[Alert], now: float) -> tuple[list[Alert], float]:
        """Store alerts not delivered before (after inhibits and silences): (newly queued, earliest due)."""
        live = self.silences.active(now) if self.silences is not None else []
        metrics.SILENCES_ACTIVE.set(len(live))
        kept, muted = self.inhibitor.split(list(alerts), now)
        self.inhibited = {}
        self.silenced = {}
        for alert, why in muted:
            self.inhibited[alert.key] = why
            metrics.INHIBITED.labels(alert.destination, alert.route).inc()
            self._logger(alert.destination).info("alert_inhibited", alert=alert.key, route=alert.route, why=why)
        keep: list[Alert] = []
        for alert in kept:
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
        first = {id(a) for a in stored}  # a later copy of the same story in this call has the key, not the place
        earliest = min((due for a, due in zip(keep, dues, strict=True) if a.key in fresh), default=math.inf)
        for alert in keep:
            # A fresh alert's ledger is its pending entry until a copy folds in or it is sent (StoryLedgers.ledger):
            # one state write fewer per alert.
            if alert.classified is None or alert.update is not None or id(alert) in first:
                continue
            for update, due in self.ledgers.fold(alert, now):
                stored.append(update)
                earliest = min(earliest, due)
        for name, count in Counter(a.destination for a in stored).items():
            metrics.OUTBOX_PENDING.labels(name).inc(count)  # followed as alerts leave; recounted every few seconds
        return stored, earliest
