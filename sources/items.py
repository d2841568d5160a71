"""From a fetched body to keyed items and new Articles, off the event loop when the work is large.

A poll and a WebSub push share this step: parse the body, key every item by
its future Article id (the first occurrence wins, so a feed that repeats an
entry publishes it once), then normalise only the items not seen before.
Large bodies and a feed's first poll (hundreds of new items) go to a worker
thread so the loop keeps serving other feeds' fetches.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from pantau.core.article import Article
from pantau.sources.feeds import FeedSpec
from pantau.sources.fetch import FetchResult
from pantau.sources.normalise import item_id, normalise
from pantau.sources.parse import FeedItem, parse_feed

__all__ = ["Keyed", "parse_items", "normalise_items", "THREAD_PARSE_BYTES", "THREAD_NORMALISE_ITEMS"]

THREAD_PARSE_BYTES = 256 * 1024
"""Bodies larger than this are parsed in a worker thread so the event loop keeps serving fetches."""
THREAD_NORMALISE_ITEMS = 200
"""More new items than this are normalised in a worker thread (a feed's first poll)."""

Keyed = list[tuple[str, FeedItem]]


async def parse_items(result: FetchResult, spec: FeedSpec) -> tuple[Keyed, str, str]:
    """The body's items keyed by Article id, with the WebSub hub and topic it advertises (empty: no hub)."""
    if len(result.body) > THREAD_PARSE_BYTES:
        return await asyncio.to_thread(_parse_keyed, result, spec)
    return _parse_keyed(result, spec)


async def normalise_items(keyed: Keyed, spec: FeedSpec, fetched: datetime, base_url: str) -> list[Article]:
    """One Article for each keyed item, keeping its key as the id."""
    if len(keyed) > THREAD_NORMALISE_ITEMS:
        return await asyncio.to_thread(_normalise_all, keyed, spec, fetched, base_url)
    return _normalise_all(keyed, spec, fetched, base_url)


def _parse_keyed(result: FetchResult, spec: FeedSpec) -> tuple[Keyed, str, str]:
    """Parse the body and key every item by its future Article id, first occurrence wins.

    Also returns the WebSub hub and topic the response advertises (HTTP Link header first, as
    WebSub prefers it, then the document's links); both empty when there is no hub.
    """
    parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type, language=spec.language)
    keyed: dict[str, FeedItem] = {}
    for item in parsed.items:
        keyed.setdefault(item_id(item, feed=spec, base_url=result.final_url), item)
    hub = result.hub or parsed.hub
    topic = (result.self_url or parsed.self_url or result.final_url) if hub else ""
    return list(keyed.items()), hub, topic


def _normalise_all(keyed: Keyed, spec: FeedSpec, fetched: datetime, base_url: str) -> list[Article]:
    return [normalise(item, feed=spec, fetched=fetched, base_url=base_url, key=key) for key, item in keyed]
