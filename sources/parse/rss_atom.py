"""RSS 0.9x/1.0/2.0 and Atom into the shared FeedItem model, read with feedparser.

feedparser is the reference for these formats. Parse time is bounded: bodies
are capped by the fetcher, and fields feedparser handles in quadratic time (a
50 KB author takes ~6 s in its e-mail regex) are clamped in the raw bytes
before it sees them.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import feedparser

from pantau.core.errors import ParseError
from pantau.sources.dates import parse_date
from pantau.sources.parse.model import FeedItem, ParsedFeed, language_code

__all__ = ["parse_rss_atom", "clamp_fields", "strip_nul", "not_a_feed", "MAX_FIELD_BYTES"]

MAX_FIELD_BYTES = 1024
"""Longest author / name / e-mail / category kept; real ones are a few dozen bytes."""

# Person and category elements, in any namespace, whose text runs past the limit.
_LONG_FIELD = re.compile(
    rb"(<(?:[\w.-]+:)?(?:author|name|email|creator|contributor|managingEditor|webMaster|category)"
    rb"\b[^>]{0,512}>\s*(?:<!\[CDATA\[)?)([^<\]]{%d,})" % (MAX_FIELD_BYTES + 1),
    re.IGNORECASE,
)
_ALTERNATE = re.compile(rb"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"href=[\"']([^\"']+)[\"']", re.IGNORECASE)


def _cut(raw: bytes) -> bytes:
    cut = raw[:MAX_FIELD_BYTES]
    while cut and cut[-1] & 0xC0 == 0x80:  # never split a UTF-8 sequence
        cut = cut[:-1]
    if cut and cut[-1] >= 0xC0:
        cut = cut[:-1]
    return cut


def clamp_fields(body: bytes) -> bytes:
    """Cut person and category fields longer than MAX_FIELD_BYTES (feedparser is quadratic on them)."""
    if len(body) < MAX_FIELD_BYTES:
        return body
    return _LONG_FIELD.sub(lambda m: m.group(1) + _cut(m.group(2)), body)


def strip_nul(body: bytes) -> bytes:
    """Drop NUL bytes (never valid in XML) unless the body is UTF-16/32, where they are the text."""
    head = body[:4]
    if (
        b"\x00" not in body
        or head.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff"))
        or (len(head) >= 2 and (head[0] == 0 or head[1] == 0))
    ):
        return body
    return body.replace(b"\x00", b"")


def _struct_to_dt(value: tuple[int, ...] | None) -> datetime | None:
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _entry_item(entry, hint: str | None, feed_lang: str | None) -> FeedItem:
    language = hint or language_code(entry.get("language")) or feed_lang
    # dict.get, not entry.get: FeedParserDict maps missing "updated*" keys to "published*"
    # with a DeprecationWarning on every lookup.
    published = _struct_to_dt(dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed"))
    raw_date = dict.get(entry, "published") or dict.get(entry, "updated") or dict.get(entry, "created") or ""
    if published is None and raw_date:
        published = parse_date(raw_date, language=language)
    contents = [c.get("value", "") for c in entry.get("content", ()) if c.get("value")]
    authors = [a.get("name") or a.get("email") or "" for a in entry.get("authors", ()) if isinstance(a, dict)]
    if not any(authors) and entry.get("author"):
        authors = [entry["author"]]
    tags = [t.get("term") or t.get("label") or "" for t in entry.get("tags", ()) if isinstance(t, dict)]
    link = entry.get("link") or next((lk.get("href") for lk in entry.get("links", ()) if lk.get("href")), None)
    return FeedItem(
        guid=entry.get("id") or None,
        link=link,
        title=entry.get("title", "") or "",
        summary=entry.get("summary", "") or "",
        content=max(contents, key=len) if contents else "",
        published=published,
        published_raw=raw_date[:200],
        authors=tuple(a for a in authors if a),
        tags=tuple(t for t in tags if t),
        language=language,
    )


def not_a_feed(url: str, body: bytes) -> ParseError:
    """The error for a body no parser recognised: an HTML page (naming its feed link) or junk."""
    head = body[:4096].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:1024]:
        alt = _ALTERNATE.search(body[:262144])
        href = _HREF.search(alt.group(0)) if alt else None
        hint = (
            f"the page names its feed: {href.group(1).decode('utf-8', 'replace')}"
            if href
            else "use the site's RSS/Atom link instead of the web page"
        )
        return ParseError(url, "got an HTML page, not a feed", hint=hint)
    return ParseError(url, "not an RSS, Atom or JSON feed", hint="check the URL returns a feed")


def parse_rss_atom(body: bytes, *, url: str, content_type: str = "", language: str | None = None) -> ParsedFeed:
    """Parse RSS or Atom bytes; raise ParseError when feedparser finds neither."""
    headers = {"content-type": content_type} if content_type else {}
    data = feedparser.parse(
        clamp_fields(strip_nul(body)),
        response_headers=headers,
        sanitize_html=False,  # pantau reduces everything to text itself
        resolve_relative_uris=False,
    )
    version = data.get("version") or ""
    feed = data.get("feed", {})
    if not version and not data.entries:
        raise not_a_feed(url, body)
    feed_lang = language_code(feed.get("language"))
    links = {link.get("rel"): link.get("href") or "" for link in feed.get("links", []) if link.get("href")}
    return ParsedFeed(
        title=feed.get("title", "") or "",
        link=feed.get("link", "") or "",
        language=language or feed_lang,
        format=version,
        hub=links.get("hub", "")[:2048],
        self_url=links.get("self", "")[:2048],
        items=tuple(_entry_item(e, language, feed_lang) for e in data.entries),
    )
