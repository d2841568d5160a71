"""Delivery: routes pick destinations, destinations send, the outbox retries.

    route.Router          classified story (or ops event) -> Alerts (one per destination)
    dispatch.Dispatcher   Alerts -> outbox -> messages (plan.Planner) -> destinations
    outbox.SqliteOutbox   durable pending / sent / dead-letter state (embedded mode)
    silences.SilenceStore silences by topic, rule, feed or term
    slack, mail, webhook, console    the destinations (destinations.build_destinations)
    events.OpsEvent       feed health / destination disabled, for routes with ``events:``

Names are imported lazily so that loading pantau.yaml (which needs only
``deliver.config``) does not import every destination.
"""

from __future__ import annotations

import importlib

__all__ = [
    "Alert", "Message", "Router", "Outbox", "SqliteOutbox", "Entry", "DeadLetter", "Dispatcher",
    "DrainSummary", "Destination", "build_destinations", "SilenceStore", "Silence", "OpsEvent",
]

_WHERE = {
    "Alert": "alert", "Message": "alert", "Router": "route", "Outbox": "outbox", "SqliteOutbox": "outbox",
    "Entry": "outbox", "DeadLetter": "outbox", "Dispatcher": "dispatch", "DrainSummary": "dispatch",
    "Destination": "destinations", "build_destinations": "destinations", "SilenceStore": "silences",
    "Silence": "silences", "OpsEvent": "events",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'pantau.streams.deliver' has no attribute {name!r}")
    return getattr(importlib.import_module(f"pantau.streams.deliver.{_WHERE[name]}"), name)
