"""The outbox tables' records (pantau/adapters/faust/outbox_table.py): a Done, and reading them cheaply.

An alert's key holds its pending ``Entry`` (streams/deliver/outbox.py) until it leaves the outbox, then
its ``Done`` over the same key: one record per state, told apart by how the bytes start, so that the
dispatcher's pending list and the pruning walk do not decode what they skip.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Literal

import msgspec

from pantau.streams.deliver.outbox import DeadLetter, Entry

__all__ = [
    "INHIBIT",
    "Stamp",
    "Done",
    "Status",
    "Table",
    "decode_dead",
    "decode_done",
    "decode_entry",
    "encode",
    "is_done",
    "ledger_at",
    "sent_before",
]

Status = Literal["pending", "sent", "dead"]


class Done(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What became of an alert that left the outbox."""

    status: Literal["sent", "dead"]
    at: float
    attempts: int
    ledger: msgspec.Raw = msgspec.Raw()
    """A sent first alert's story ledger as it was sent, until a later write puts one in ``story_ledger``."""


decode_entry = msgspec.json.Decoder(Entry).decode
decode_done = msgspec.json.Decoder(Done).decode
decode_dead = msgspec.json.Decoder(DeadLetter).decode
encode = msgspec.json.Encoder().encode


class Stamp(msgspec.Struct):
    """A time alone: an inhibition source's record (and the start of a ledger's)."""

    at: float


_at = msgspec.json.Decoder(Stamp)


def ledger_at(raw: bytes) -> float:
    """When a stored ledger was written (0 when it cannot be read: the oldest)."""
    try:
        return _at.decode(raw).at
    except (msgspec.DecodeError, msgspec.ValidationError):
        return 0.0


Table = MutableMapping[str, bytes]

_DONE = b'{"status":'
"""How a Done record starts (msgspec writes fields in order; an Entry starts with its alert)."""


def is_done(raw: bytes) -> bool:
    """Whether a record of the outbox table is a Done (else a pending Entry)."""
    return raw.startswith(_DONE)


def sent_before(raw: bytes, before: float) -> bool:
    """Whether a Done record is of an alert sent before ``before``."""
    done = decode_done(raw)
    return done.status == "sent" and done.at < before


INHIBIT = "inhibit\x1f"
"""Prefix of inhibition sources in the ledger table (no alert key, a hex digest, starts with it)."""
