"""From a fetched body to keyed items and Articles (sources/items.py), on the loop or in a thread."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from pantau.sources.feeds import FeedSpec
from pantau.sources.fetch import FetchResult
from pantau.sources.items import THREAD_NORMALISE_ITEMS, THREAD_PARSE_BYTES, normalise_items, parse_items
from pantau.sources.normalise import item_id
from tests.sources.conftest import rss

FEED = FeedSpec(url="https://news.example.id/rss")
FETCHED = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
HUB_NS = ' xmlns:atom="http://www.w3.org/2005/Atom"'
HUB_LINKS = (
    '<atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="https://news.example.id/self"/>'
)


def _result(body: str, **fields: str) -> FetchResult:
    return FetchResult(url=FEED.url, final_url=FEED.url, status=200, body=body.encode(), **fields)


def _body(items: list[dict], *, hub: bool = False, padding: int = 0) -> str:
    doc = rss(items, extra_ns=HUB_NS if hub else "")
    extra = (HUB_LINKS if hub else "") + ("<!--" + "x" * padding + "-->" if padding else "")
    return doc.replace("<title>Feed</title>", "<title>Feed</title>" + extra)


@pytest.mark.parametrize("padding", [0, THREAD_PARSE_BYTES + 1], ids=["on the loop", "in a thread"])
def test_items_are_keyed_by_their_article_id_first_occurrence_wins(padding: int) -> None:
    items = [
        {"title": "Satu", "link": "https://news.example.id/1"},
        {"title": "Satu lagi", "link": "https://news.example.id/1"},  # the same entry again: kept once
        {"title": "Dua", "link": "https://news.example.id/2"},
    ]
    result = _result(_body(items, padding=padding))
    assert len(result.body) > THREAD_PARSE_BYTES or not padding
    keyed, hub, topic = asyncio.run(parse_items(result, FEED))
    assert [item.title for _key, item in keyed] == ["Satu", "Dua"]
    assert [key for key, item in keyed] == [item_id(item, feed=FEED, base_url=FEED.url) for _k, item in keyed]
    assert (hub, topic) == ("", "")  # no hub advertised: no topic either


def test_the_hub_and_topic_come_from_the_link_header_first_then_the_document() -> None:
    items = [{"title": "Satu", "link": "https://news.example.id/1"}]
    _keyed, hub, topic = asyncio.run(parse_items(_result(_body(items, hub=True)), FEED))
    assert (hub, topic) == ("https://hub.example/", "https://news.example.id/self")
    headed = _result(_body(items, hub=True), hub="https://header-hub.example/", self_url="https://news.example.id/h")
    assert asyncio.run(parse_items(headed, FEED))[1:] == ("https://header-hub.example/", "https://news.example.id/h")
    no_self = _result(_body(items), hub="https://header-hub.example/")
    assert asyncio.run(parse_items(no_self, FEED))[1:] == ("https://header-hub.example/", FEED.url)


@pytest.mark.parametrize("count", [3, THREAD_NORMALISE_ITEMS + 1], ids=["on the loop", "in a thread"])
def test_each_keyed_item_becomes_one_article_whose_id_is_its_key(count: int) -> None:
    items = [{"title": f"Berita {i}", "link": f"https://news.example.id/{i}"} for i in range(count)]
    keyed, _hub, _topic = asyncio.run(parse_items(_result(rss(items)), FEED))
    keyed = [(f"key-{i}", item) for i, (_key, item) in enumerate(keyed)]  # the key given, not one recomputed
    articles = asyncio.run(normalise_items(keyed, FEED, FETCHED, FEED.url))
    assert [a.id for a in articles] == [key for key, _item in keyed]
    assert [a.title for a in articles] == [f"Berita {i}" for i in range(count)]
    assert {a.fetched for a in articles} == {FETCHED}
