"""JSON Feed 1.0/1.1 (jsonfeed.org) into the shared FeedItem model, read with msgspec."""

from __future__ import annotations

import msgspec

from pantau.core.errors import ParseError
from pantau.sources.dates import parse_date
from pantau.sources.parse.model import FeedItem, ParsedFeed, language_code

__all__ = ["parse_json_feed"]


class _Author(msgspec.Struct):
    name: str | None = None
    url: str | None = None


class _Item(msgspec.Struct):
    id: str | int | None = None
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    author: _Author | None = None
    authors: list[_Author] = []
    tags: list[str] = []
    language: str | None = None


class _Hub(msgspec.Struct):
    type: str = ""
    url: str = ""


class _Feed(msgspec.Struct):
    version: str = ""
    title: str = ""
    home_page_url: str | None = None
    feed_url: str | None = None
    hubs: list[_Hub] = []
    language: str | None = None
    items: list[_Item] = []


_decoder = msgspec.json.Decoder(_Feed)


def _item(raw: _Item, hint: str | None, feed_lang: str | None) -> FeedItem:
    language = hint or language_code(raw.language) or feed_lang
    raw_date = raw.date_published or raw.date_modified or ""
    people = raw.authors or ([raw.author] if raw.author else [])
    return FeedItem(
        guid=str(raw.id) if raw.id is not None else None,
        link=raw.url or raw.external_url,
        title=raw.title or "",
        summary=raw.summary or "",
        content=raw.content_html or raw.content_text or "",
        published=parse_date(raw_date, language=language) if raw_date else None,
        published_raw=raw_date[:200],
        authors=tuple(p.name[:1024] for p in people if p.name),
        tags=tuple(t[:1024] for t in raw.tags if t),
        language=language,
    )


def parse_json_feed(body: bytes, *, url: str, language: str | None = None) -> ParsedFeed:
    """Parse a JSON Feed document; raise ParseError when it is not one."""
    try:
        feed = _decoder.decode(body.lstrip().removeprefix(b"\xef\xbb\xbf"))
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ParseError(url, f"not a JSON Feed: {exc}", hint="check the URL returns a feed") from None
    if "jsonfeed.org" not in feed.version:
        raise ParseError(
            url,
            f"JSON without a JSON Feed version (got {feed.version[:80]!r})",
            hint="pantau reads JSON Feed 1.0/1.1 (https://jsonfeed.org)",
        )
    feed_lang = language_code(feed.language)
    return ParsedFeed(
        title=feed.title,
        link=feed.home_page_url or "",
        language=language or feed_lang,
        format=f"json{feed.version.rsplit('/', 1)[-1]}",
        items=tuple(_item(i, language, feed_lang) for i in feed.items),
        hub=next((h.url for h in feed.hubs if h.type.lower() == "websub" and h.url), "")[:2048],
        self_url=(feed.feed_url or "")[:2048],
    )
