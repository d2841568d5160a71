"""Full text for summary-only feeds: fetch the article page, extract its main text.

The page is fetched with the same client and limits as feeds (address guard,
timeouts, size cap after decompression) and reduced to its main text with
trafilatura, which drops navigation, teasers and footers. Boilerplate lines
that survive (an inline "Baca juga") are removed like in feed text.
"""

from __future__ import annotations

import asyncio

import httpx
import msgspec

from pantau.core.article import Article
from pantau.core.config import NetworkConfig
from pantau.sources.fetch import fetch_feed
from pantau.sources.textclean import html_to_text

__all__ = ["extract_main_text", "fetch_full_text", "with_full_text"]


def extract_main_text(page: bytes | str, *, url: str = "") -> str:
    """The main article text of an HTML page (empty when none is found)."""
    import trafilatura

    text = trafilatura.extract(
        page,
        url=url or None,
        include_comments=False,
        include_tables=False,
        include_links=False,
        favor_precision=True,
        deduplicate=True,
    )
    # Run the same cleaning as feed text: control characters, NFC, boilerplate lines.
    return html_to_text(text or "")


async def fetch_full_text(client: httpx.AsyncClient, url: str, *, network: NetworkConfig) -> str:
    """Fetch an article page within the feed limits and return its main text."""
    result = await fetch_feed(client, url, network=network)
    return await asyncio.to_thread(extract_main_text, result.body, url=result.final_url)


async def with_full_text(client: httpx.AsyncClient, article: Article, *, network: NetworkConfig) -> Article:
    """The article with ``content`` replaced by the page's main text when that is longer."""
    if not article.url:
        return article
    text = await fetch_full_text(client, article.url, network=network)
    if len(text) <= len(article.content):
        return article
    return msgspec.structs.replace(article, content=text)
