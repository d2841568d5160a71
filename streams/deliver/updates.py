"""Story updates: a story that already alerted is picked up by more outlets, another language or a new topic.

The destination then hears about it as an *update* of the first alert, not a
new alert and not silence: a threaded reply where the channel has threads
(Slack app ``thread_ts``, Telegram ``reply_to_message_id``, email
``In-Reply-To``), an ``alert.updated`` webhook event with the same story id,
a compact follow-up elsewhere. For each first alert a :class:`Ledger` records what the desk has
been told (outlets, languages, topics) and the destination's reference of the
first message. A copy that adds something opens an update that waits
``update_wait`` for more copies (so an editor reads "3 more outlets: Kompas,
Tempo, VnExpress", not three messages) and never goes out sooner than
``update_interval`` after the previous update of that story (the per-story
rate limit); routes turn updates off with ``updates: false``. Copies seen
while the first alert is still waiting (a grouped route) are noted, not
announced: the first alert has not been read yet.
"""

from __future__ import annotations

import hashlib

import msgspec

from pantau.streams.classify.records import Classified
from pantau.streams.deliver.alert import Alert, StoryUpdate, UpdateItem
from pantau.streams.deliver.config import RouteSpec

__all__ = ["Ledger", "first_ledger", "fold", "update_key", "encode_ledger", "decode_ledger", "new_update"]


class Ledger(msgspec.Struct, kw_only=True):
    """What a destination was told about a story through one route (keyed by the first alert's key)."""

    title: str
    first_topics: list[str]
    outlets: list[str]
    languages: list[str]
    topics: list[str]
    at: float
    """When the first alert was made (for pruning with the sent keys)."""
    sent: bool = False
    ref: str = ""
    """The destination's id of the first message (Telegram message_id, Slack ``channel:ts``), when it gives one."""
    seq: int = 0
    """Updates opened so far."""
    open: str = ""
    """Key of the update still waiting to be sent ("" when none)."""
    last_update: float = 0.0


encode_ledger = msgspec.json.Encoder().encode
_decoder = msgspec.json.Decoder(Ledger)


def decode_ledger(raw: bytes | None) -> Ledger | None:
    """The ledger from its stored bytes (None when absent or unreadable)."""
    if not raw:
        return None
    try:
        return _decoder.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _classified(alert: Alert) -> Classified:
    # Only story alerts have ledgers: ops events (classified None) are never folded (see Dispatcher.submit).
    if alert.classified is None:
        raise ValueError(f"alert {alert.key} is an ops event: story updates are kept for story alerts only")
    return alert.classified


def _outlet(alert: Alert) -> str:
    a = _classified(alert).article
    return a.feed_name or a.feed


def first_ledger(alert: Alert) -> Ledger:
    """The ledger of a first alert: its outlet, language and topics are what the desk knows."""
    classified = _classified(alert)
    a = classified.article
    return Ledger(
        title=a.title,
        first_topics=list(classified.topics),
        outlets=[_outlet(alert)],
        languages=[a.language] if a.language else [],
        topics=list(classified.topics),
        at=alert.created,
    )


def fold(ledger: Ledger, copy: Alert) -> UpdateItem | None:
    """Note a copy in the ledger; the item to announce when it adds an outlet, a language or a topic."""
    classified = _classified(copy)
    a = classified.article
    outlet, language = _outlet(copy), a.language or ""
    topics = [t for t in classified.topics if t not in ledger.topics]
    new_outlet = outlet not in ledger.outlets
    new_language = bool(language) and language not in ledger.languages
    if not (new_outlet or new_language or topics):
        return None
    if new_outlet:
        ledger.outlets.append(outlet)
    if new_language:
        ledger.languages.append(language)
    ledger.topics.extend(topics)
    return UpdateItem(
        outlet=outlet,
        title=a.title,
        url=a.url,
        language=language,
        new_outlet=new_outlet,
        new_language=new_language,
        new_topics=tuple(topics),
    )


def update_key(first: str, seq: int) -> str:
    """The idempotency key of the ``seq``-th update of the alert keyed ``first``."""
    return hashlib.blake2b(f"{first}\x1fupdate\x1f{seq}".encode(), digest_size=16).hexdigest()


def new_update(ledger: Ledger, first: Alert, copy: Alert, item: UpdateItem, now: float) -> Alert:
    """Open the ledger's next update with its first item (the caller stores it and the ledger)."""
    ledger.seq += 1
    key = update_key(first.key, ledger.seq)
    ledger.open = key
    update = StoryUpdate(
        of=first.key,
        seq=ledger.seq,
        title=ledger.title,
        first_topics=tuple(ledger.first_topics),
        reply_to=ledger.ref,
        items=(item,),
    )
    return Alert(
        key=key,
        destination=first.destination,
        route=first.route,
        classified=copy.classified,
        story=first.story,
        created=now,
        update=update,
    )


def add_item(alert: Alert, item: UpdateItem) -> Alert:
    """The waiting update with one more item."""
    assert alert.update is not None
    return msgspec.structs.replace(
        alert, update=msgspec.structs.replace(alert.update, items=alert.update.items + (item,))
    )


def due(route: RouteSpec | None, ledger: Ledger, now: float) -> float:
    """When a newly opened update goes out: after ``update_wait``, not within ``update_interval`` of the last."""
    wait = route.update_wait if route is not None else 300.0
    interval = route.update_interval if route is not None else 3600.0
    return max(now + wait, ledger.last_update + interval if ledger.last_update else 0.0)
