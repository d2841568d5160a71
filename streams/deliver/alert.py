"""The Alert record (one story, or one ops event, for one route and destination) and the Message sent.

An alert's ``key`` is the idempotency key of delivery: the same story routed
the same way to the same destination always gets the same key, so copies of
a story from several outlets, retries, restarts and rebalances all collapse
into one delivery. A Message is what one request to a destination carries:
one alert, or a digest / storm summary of several. An alert carries either a
classified story or an ops event (``events:`` routes), never both, so ops
events share the outbox, retries and dead letters of article alerts.
"""

from __future__ import annotations

import hashlib
from typing import Literal

import msgspec

from pantau.core.article import Article, JsonCodec
from pantau.streams.classify import Classified
from pantau.streams.deliver.events import OpsEvent
from pantau.streams.deliver.feedback import FeedbackLinks

__all__ = ["Alert", "StoryUpdate", "UpdateItem", "Message", "alert_key", "message_id", "encode_alert", "decode_alert"]


class UpdateItem(msgspec.Struct, frozen=True, kw_only=True):
    """One copy of a story that adds something to what the desk was told."""

    outlet: str
    title: str
    url: str
    language: str = ""
    new_outlet: bool = True
    new_language: bool = False
    new_topics: tuple[str, ...] = ()


class StoryUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """An update of an alert already sent: the copies since, batched (streams/deliver/updates.py)."""

    of: str
    """The key of the first alert (same story, route and destination)."""
    seq: int
    title: str
    """The first alert's headline, so the update reads as part of its thread."""
    first_topics: tuple[str, ...] = ()
    """The first alert's topics (an email update's subject repeats the first one's)."""
    reply_to: str = ""
    """The destination's id of the first message (Telegram message_id), when it gave one."""
    items: tuple[UpdateItem, ...] = ()

    @property
    def outlets(self) -> list[str]:
        """The outlets new to the desk, in arrival order."""
        return [i.outlet for i in self.items if i.new_outlet]

    @property
    def languages(self) -> list[str]:
        """The languages new to the desk."""
        return [i.language for i in self.items if i.new_language]

    @property
    def topics(self) -> list[str]:
        """The topics new to the desk."""
        return list(dict.fromkeys(t for i in self.items for t in i.new_topics))

    def summary(self) -> str:
        """``3 more outlets: Kompas, Tempo, VnExpress; now also in en; new topic: asean``."""
        parts = []
        if self.outlets:
            n = len(self.outlets)
            parts.append(f"{n} more outlet{'s' if n > 1 else ''}: {', '.join(self.outlets)}")
        if self.languages:
            parts.append(f"now also in {', '.join(self.languages)}")
        if self.topics:
            parts.append(f"new topic{'s' if len(self.topics) > 1 else ''}: {', '.join(self.topics)}")
        return "; ".join(parts) or "more coverage"


MessageKind = Literal["alert", "digest", "storm", "ops_event", "update"]
"""What a message carries: one alert, a digest, a storm summary, an ops event or a story update."""


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    """A classified story (or an ops event) bound for one destination through one route."""

    key: str
    destination: str
    route: str
    classified: Classified | None = None
    """The story's match; None for an ops event."""
    story: str
    """The story id; for an ops event its ``kind:subject:episode``."""
    created: float
    """Unix time the alert was made (routing time)."""
    event: OpsEvent | None = None
    update: StoryUpdate | None = None
    """Set on an update of an alert already sent (more outlets, languages, topics); see updates.py."""
    feedback: FeedbackLinks | None = None
    """Signed "relevant" / "not relevant" links (pantau.streams.deliver.feedback); None for ops events."""

    @property
    def article(self) -> Article | None:
        """The article that made the story alert first (None for an ops event)."""
        return self.classified.article if self.classified is not None else None

    @property
    def headline(self) -> str:
        """One line for listings: the article title or the ops event's title."""
        if self.event is not None:
            return self.event.title
        return self.classified.article.title if self.classified is not None else ""


def alert_key(story: str, route: str, destination: str, *, epoch: int = 0) -> str:
    """Stable idempotency key of (story, route, destination); ``epoch`` counts repeat intervals."""
    parts = [story, route, destination] + ([str(epoch)] if epoch else [])
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()


class Message(msgspec.Struct, frozen=True, kw_only=True):
    """What one delivery request carries: one alert, a digest, or a storm summary."""

    id: str
    """Stable across retries: the alert key, or a hash of the batch's keys."""
    destination: str
    route: str
    kind: MessageKind
    alerts: tuple[Alert, ...]


def message_id(keys: list[str] | tuple[str, ...]) -> str:
    """The id of a message carrying these alert keys (the key itself for one alert)."""
    if len(keys) == 1:
        return keys[0]
    joined = "\x1f".join(sorted(keys)).encode("utf-8")
    return "batch_" + hashlib.blake2b(joined, digest_size=16).hexdigest()


_codec = JsonCodec(Alert)
encode_alert = _codec.encode
"""Serialise an Alert to JSON bytes (the outbox and Faust table form)."""
decode_alert = _codec.decode
"""Parse JSON bytes back into an Alert, validating every field."""
