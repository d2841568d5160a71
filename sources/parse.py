"""Parser adapter: feed bytes -> ParsedFeed of FeedItems (raw feed fields end here).

feedparser is the reference for RSS 0.9x/1.0/2.0 and Atom; JSON Feed is read
with msgspec. Parse time is bounded: bodies are capped by the fetcher, and
fields feedparser handles in quadratic time (a 50 KB author takes ~6 s in its
e-mail regex) are clamped in the raw bytes before it sees them.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import feedparser
import msgspec

from pantau.sources.dates import parse_date
from pantau.core.errors import ParseError

__all__ = ["FeedItem", "ParsedFeed", "parse_feed", "clamp_fields", "strip_nul", "language_code", "MAX_FIELD_BYTES"]

MAX_FIELD_BYTES = 1024
"""Longest author / name / e-mail / category kept; real ones are a few dozen bytes."""

# Person and category elements, in any namespace, whose text runs past the limit.
_LONG_FIELD = re.compile(
    rb"(<(?:[\w.-]+:)?(?:author|name|email|creator|contributor|managingEditor|webMaster|category)"
    rb"\b[^>]{0,512}>\s*(?:<!\[CDATA\[)?)([^<\]]{%d,})" % (MAX_FIELD_BYTES + 1),
    re.IGNORECASE,
)
_ALTERNATE = re.compile(
    rb"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(rb"href=[\"']([^\"']+)[\"']", re.IGNORECASE)


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
    if b"\x00" not in body or head.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff")) or (
        len(head) >= 2 and (head[0] == 0 or head[1] == 0)
    ):
        return body
    return body.replace(b"\x00", b"")


def _struct_to_dt(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def language_code(value: str | None) -> str | None:
    """The ISO 639 code of a declared language ("en-US" -> "en"), None when unusable."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


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
    link = entry.get("link") or next(
        (lk.get("href") for lk in entry.get("links", ()) if lk.get("href")), None
    )
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


def _not_a_feed(url: str, body: bytes) -> ParseError:
    head = body[:4096].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:1024]:
        alt = _ALTERNATE.search(body[:262144])
        href = _HREF.search(alt.group(0)) if alt else None
        hint = (f"the page names its feed: {href.group(1).decode('utf-8', 'replace')}" if href
                else "use the site's RSS/Atom link instead of the web page")
        return ParseError(url, "got an HTML page, not a feed", hint=hint)
    return ParseError(url, "not an RSS, Atom or JSON feed", hint="check the URL returns a feed")


def parse_feed(body: bytes, *, url: str, content_type: str = "", language: str | None = None) -> ParsedFeed:
    """Parse RSS, Atom or JSON Feed bytes; raise ParseError when the body is not a feed."""
    stripped = body.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if stripped == b"{" or "json" in content_type.lower():
        from pantau.sources.jsonfeed import parse_json_feed

        return parse_json_feed(body, url=url, language=language)
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
        raise _not_a_feed(url, body)
    feed_lang = language_code(feed.get("language"))
    return ParsedFeed(
        title=feed.get("title", "") or "",
        link=feed.get("link", "") or "",
        language=language or feed_lang,
        format=version,
        items=tuple(_entry_item(e, language, feed_lang) for e in data.entries),
    )
