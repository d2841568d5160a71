"""Parser items -> Article records: ids, clean text, UTC dates, language.

This is the one place raw feed fields become the shared schema; nothing
downstream sees HTML, entities, tracking parameters or local date formats.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from pantau.core.article import Article, article_id
from pantau.core.language import resolve_language
from pantau.sources.canonical import canonical_url, item_key
from pantau.sources.feeds import FeedSpec
from pantau.sources.parse import FeedItem
from pantau.sources.textclean import clean_line, html_to_text

__all__ = ["normalise", "normalise_items", "item_id", "MAX_TITLE_CHARS"]

MAX_TITLE_CHARS = 500
MAX_PEOPLE = 20
MAX_TAGS = 50


def _absolute(link: str | None, base: str) -> str | None:
    if not link:
        return None
    link = link.strip()
    if urlsplit(link).scheme in {"http", "https"}:
        return link
    try:
        joined = urljoin(base, link)
    except ValueError:
        return None
    return joined if urlsplit(joined).scheme in {"http", "https"} else None


def _unique(values, limit: int, width: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        text = clean_line(value)[:width]
        if text and text.casefold() not in {s.casefold() for s in seen}:
            seen[text] = None
        if len(seen) >= limit:
            break
    return tuple(seen)


def item_id(item: FeedItem, *, feed: FeedSpec, base_url: str = "") -> str:
    """The Article id an item will get, computed without cleaning its text (cheap)."""
    link = _absolute(item.link, base_url or feed.url)
    key = item_key(link, item.guid, feed.key)
    if key is None:
        # No link and no guid: identify the item by what it says, scoped to the feed.
        key = article_id(f"{feed.key}#{item.title}#{item.summary[:500]}#{item.published_raw}")
    return key


def normalise(
    item: FeedItem, *, feed: FeedSpec, fetched: datetime, base_url: str = "", key: str | None = None
) -> Article:
    """One Article for one feed item: stable id, clean text, UTC date, language.

    ``key`` is the item's :func:`item_id` when the caller has it already (the
    poller keys every item to drop seen ones first), so it is not derived twice.
    """
    link = _absolute(item.link, base_url or feed.url)
    guid = item.guid.strip() if item.guid else None
    title = clean_line(item.title)[:MAX_TITLE_CHARS]
    summary = html_to_text(item.summary)
    content = html_to_text(item.content)
    if content == summary:
        content = ""
    key = key or item_id(item, feed=feed, base_url=base_url)
    url = canonical_url(link) if link else (canonical_url(guid) if guid and "://" in guid else "")
    if not title:
        title = (summary or content).split("\n", 1)[0][:MAX_TITLE_CHARS]
    language = resolve_language(item.language, title, summary, content)
    published = item.published.astimezone(timezone.utc) if item.published else None
    return Article(
        id=key,
        url=url,
        title=title,
        summary=summary,
        content=content,
        published=published,
        fetched=fetched,
        feed=feed.key,
        feed_name=feed.name,
        language=language.code,
        language_source=language.source,
        authors=_unique(item.authors, MAX_PEOPLE, 200),
        tags=_unique([*item.tags, *feed.tags], MAX_TAGS, 100),
    )


def normalise_items(items, *, feed: FeedSpec, fetched: datetime, base_url: str = "") -> list[Article]:
    """Normalise every item, dropping repeats of one id within the same feed body."""
    out: dict[str, Article] = {}
    for item in items:
        article = normalise(item, feed=feed, fetched=fetched, base_url=base_url)
        out.setdefault(article.id, article)
    return list(out.values())
