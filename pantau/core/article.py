"""The one Article record: what every stage after the parser sees.

Raw feed fields never leave the parser's adapter; everything downstream
(classification, stories, routing, delivery, Kafka topics, SQLite state)
speaks this schema and converts only at its edges with :func:`encode` /
:func:`decode`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Generic, TypeVar

import msgspec

__all__ = ["Article", "article_id", "synthetic_article", "encode", "decode", "JsonCodec", "SCHEMA_VERSION"]

T = TypeVar("T")

SCHEMA_VERSION = 1


class Article(msgspec.Struct, frozen=True, kw_only=True):
    """A normalised news item, identical in embedded and distributed mode."""

    id: str
    """Stable id: a hash of the canonical URL (guid as fallback)."""
    url: str
    """Canonical link (tracking parameters and fragment removed)."""
    title: str
    summary: str = ""
    content: str = ""
    published: datetime | None = None
    """Publication time in UTC, when the feed gave one we could read."""
    fetched: datetime
    """When pantau fetched it, UTC: the start of the delivery-latency clock."""
    feed: str
    """The feed's id (its URL unless the feed list names it)."""
    feed_name: str = ""
    language: str | None = None
    """ISO 639-1 code declared by the feed, else detected among id/en/vi/ko or "other" (pantau.core.language)."""
    language_source: str | None = None
    """How ``language`` was decided: "declared" (by the feed) or "detected"; None when unknown or older records."""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    v: int = SCHEMA_VERSION

    @property
    def text_length(self) -> int:
        """Characters of title, summary and content together."""
        return len(self.title) + len(self.summary) + len(self.content)


def synthetic_article(
    id: str,
    *,
    feed: str,
    title: str = "",
    summary: str = "",
    content: str = "",
    url: str = "",
    language: str | None = None,
) -> Article:
    """An Article no feed delivered (a rule's example, a corpus item, pasted text), fetched now."""
    return Article(
        id=id,
        url=url,
        title=title,
        summary=summary,
        content=content,
        fetched=datetime.now(timezone.utc),
        feed=feed,
        language=language,
    )


def article_id(canonical_key: str) -> str:
    """Derive the stable article id from a canonical URL or guid."""
    return hashlib.blake2b(canonical_key.encode("utf-8"), digest_size=12).hexdigest()


class JsonCodec(Generic[T]):
    """The JSON wire form of one record type (Article, Classified, Alert...).

    The encoder and the typed decoder are built once and reused, as msgspec
    advises for repeated use: every article passes through them.
    """

    def __init__(self, record_type: type[T]) -> None:
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(record_type)

    def encode(self, record: T) -> bytes:
        """Serialise a record to JSON bytes (the Kafka and SQLite wire form)."""
        return self._encoder.encode(record)

    def decode(self, data: bytes | str) -> T:
        """Parse JSON bytes back into the record type, validating every field."""
        return self._decoder.decode(data)


_codec = JsonCodec(Article)
encode = _codec.encode
"""Serialise an Article to JSON bytes (the Kafka and SQLite wire form)."""
decode = _codec.decode
"""Parse JSON bytes back into an Article, validating every field."""
