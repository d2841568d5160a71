"""Parser adapter: feed bytes -> ParsedFeed of FeedItems, one module per format.

    parse_feed --JSON body or content type--> jsonfeed.parse_json_feed
               --anything else-------------> rss_atom.parse_rss_atom (feedparser)
                                              neither: ParseError (an HTML page names its feed link)

Every format builds the same model (:mod:`.model`), as Miniflux's parser does;
raw feed fields end here.
"""

from __future__ import annotations

from pantau.sources.parse.jsonfeed import parse_json_feed
from pantau.sources.parse.model import FeedItem, ParsedFeed, language_code
from pantau.sources.parse.rss_atom import MAX_FIELD_BYTES, clamp_fields, parse_rss_atom, strip_nul

__all__ = ["FeedItem", "ParsedFeed", "parse_feed", "clamp_fields", "strip_nul", "language_code", "MAX_FIELD_BYTES"]


def _looks_like_json(body: bytes, content_type: str) -> bool:
    return body.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{" or "json" in content_type.lower()


def parse_feed(body: bytes, *, url: str, content_type: str = "", language: str | None = None) -> ParsedFeed:
    """Parse RSS, Atom or JSON Feed bytes; raise ParseError when the body is not a feed."""
    if _looks_like_json(body, content_type):
        return parse_json_feed(body, url=url, language=language)
    return parse_rss_atom(body, url=url, content_type=content_type, language=language)
