"""The parsers' shared model: what a feed said, before any cleaning (raw feed fields end here).

Each format's module (rss_atom, jsonfeed) builds these from its own document;
normalise turns them into Articles.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

__all__ = ["FeedItem", "ParsedFeed", "language_code"]


class FeedItem(msgspec.Struct, frozen=True, kw_only=True):
    """One entry as the feed wrote it: HTML strings, raw date text, no cleaning yet."""

    guid: str | None = None
    link: str | None = None
    title: str = ""
    summary: str = ""
    content: str = ""
    published: datetime | None = None
    published_raw: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str | None = None


class ParsedFeed(msgspec.Struct, frozen=True, kw_only=True):
    """A parsed feed: its own metadata and its items in document order."""

    title: str = ""
    link: str = ""
    language: str | None = None
    format: str = ""
    items: tuple[FeedItem, ...] = ()
    hub: str = ""
    """The WebSub hub the feed advertises (``<link rel="hub">``), empty when none."""
    self_url: str = ""
    """The feed's canonical address (``<link rel="self">``): the topic to subscribe to at the hub."""


def language_code(value: str | None) -> str | None:
    """The ISO 639 code of a declared language ("en-US" -> "en"), None when unusable."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else None
