"""Delivery: routes pick destinations, destinations send, the outbox retries.

    route.Router          classified story (or ops event) -> Alerts (one per destination)
    dispatch.Dispatcher   Alerts -> outbox -> messages (plan.Planner) -> destinations
    outbox.Outbox         durable pending / sent / dead-letter state (SQLite and Faust-table
                          implementations live in pantau.adapters)
    silences.Silences     silences by topic, rule, feed or term
    destinations          slack, mail, webhook, console: one module each, a registry joins them
    events.OpsEvent       feed health / destination disabled, for routes with ``events:``

Names are imported lazily so that loading pantau.yaml (which needs only
``deliver.config``) does not import every destination (together most of a second to
import, Apprise the most); the TYPE_CHECKING block gives type checkers the real names,
and ``__getattr__`` is hidden from them, so a name missing here is an error to
mypy rather than ``Any``. tests/streams/deliver/test_deliver_exports.py keeps
the three lists in step.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pantau.streams.deliver.alert import Alert, Message
    from pantau.streams.deliver.destinations import Destination, build_destinations
    from pantau.streams.deliver.dispatch import Dispatcher, DrainSummary
    from pantau.streams.deliver.events import OpsEvent
    from pantau.streams.deliver.outbox import DeadLetter, Entry, Outbox
    from pantau.streams.deliver.route import Router
    from pantau.streams.deliver.silences import Silence, Silences

__all__ = [
    "Alert",
    "Message",
    "Router",
    "Outbox",
    "Entry",
    "DeadLetter",
    "Dispatcher",
    "DrainSummary",
    "Destination",
    "build_destinations",
    "Silences",
    "Silence",
    "OpsEvent",
]

_WHERE = {
    "Alert": "alert",
    "Message": "alert",
    "Router": "route",
    "Outbox": "outbox",
    "Entry": "outbox",
    "DeadLetter": "outbox",
    "Dispatcher": "dispatch",
    "DrainSummary": "dispatch",
    "Destination": "destinations",
    "build_destinations": "destinations",
    "Silences": "silences",
    "Silence": "silences",
    "OpsEvent": "events",
}


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name not in _WHERE:
            raise AttributeError(f"module 'pantau.streams.deliver' has no attribute {name!r}")
        return getattr(importlib.import_module(f"pantau.streams.deliver.{_WHERE[name]}"), name)
