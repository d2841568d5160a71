"""The parser adapter: RSS, Atom, JSON Feed, and the inputs that break parsers."""

import pytest

from pantau.core.errors import ParseError
from pantau.sources.parse import MAX_FIELD_BYTES, clamp_fields, parse_feed
from tests.sources.conftest import rss

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Atom</title>
  <entry><id>tag:x,2024:1</id><title type="html">A &amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; claim</title>
    <link rel="alternate" href="https://x.example/1"/><updated>2024-11-14T18:15:00+07:00</updated>
    <author><name>Kim</name></author><category term="cyber"/>
    <content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_items_keep_raw_fields_and_read_local_dates():
    body = rss(
        [
            {
                "title": "Satu",
                "link": "https://x.id/1",
                "guid": "g1",
                "author": "Budi",
                "description": "&lt;p&gt;Ringkas&lt;/p&gt;",
                "pubDate": "Kamis, 14 November 2024 - 18:15 WIB",
                "category": "Siber",
            }
        ]
    )
    feed = parse_feed(body.encode(), url="u")
    (item,) = feed.items
    assert (item.title, item.link, item.guid, item.authors, item.tags) == (
        "Satu",
        "https://x.id/1",
        "g1",
        ("Budi",),
        ("Siber",),
    )
    assert item.summary == "<p>Ringkas</p>"
    assert item.published.isoformat() == "2024-11-14T11:15:00+00:00"
    assert feed.language == item.language == "id"


def test_atom_entries_and_declared_language():
    feed = parse_feed(ATOM.encode(), url="u")
    (item,) = feed.items
    assert item.link == "https://x.example/1" and item.guid == "tag:x,2024:1"
    assert item.content == "<p>Body</p>" and item.authors == ("Kim",) and item.tags == ("cyber",)
    assert item.language == "en" and item.published.isoformat() == "2024-11-14T11:15:00+00:00"


def test_language_hint_wins_over_a_wrong_declaration():
    assert parse_feed(rss(1, language="en-us").encode(), url="u", language="id").items[0].language == "id"


def test_json_feed():
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "language": "vi",'
        b'"items": [{"id": 7, "url": "https://j.example/7", "title": "T", "content_html": "<p>x</p>",'
        b'"date_published": "2024-01-02T03:04:05Z", "authors": [{"name": "A"}], "tags": ["t"]}]}'
    )
    (item,) = parse_feed(body, url="u", content_type="application/feed+json").items
    assert (item.guid, item.link, item.title, item.content, item.authors, item.tags, item.language) == (
        "7",
        "https://j.example/7",
        "T",
        "<p>x</p>",
        ("A",),
        ("t",),
        "vi",
    )
    assert item.published.isoformat() == "2024-01-02T03:04:05+00:00"


def test_json_feed_with_a_byte_order_mark():
    body = b'\xef\xbb\xbf{"version": "https://jsonfeed.org/version/1", "items": [{"id": "a", "url": "https://j/1"}]}'
    assert [i.link for i in parse_feed(body, url="u").items] == ["https://j/1"]


def test_json_that_is_not_a_json_feed():
    with pytest.raises(ParseError, match="JSON Feed"):
        parse_feed(b'{"hello": "world"}', url="u")


def test_html_page_is_refused_with_the_feed_it_names():
    page = b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head></html>'
    with pytest.raises(ParseError, match="HTML page") as err:
        parse_feed(page, url="u")
    assert "/rss.xml" in err.value.hint


def test_nul_bytes_are_dropped():
    body = rss([{"title": "Ju\x00dul", "link": "https://x.id/1"}]).encode()
    assert parse_feed(body, url="u").items[0].title == "Judul"


def test_long_author_fields_are_clamped_before_feedparser():
    body = rss([{"title": "t", "link": "https://x.id/1", "author": "a" * 50_000}]).encode()
    clamped = clamp_fields(body)
    assert len(body) - len(clamped) == 50_000 - MAX_FIELD_BYTES
    assert len(parse_feed(body, url="u").items[0].authors[0]) == MAX_FIELD_BYTES


def test_clamping_never_splits_a_utf8_character():
    body = rss([{"title": "t", "link": "https://x.id/1", "author": "é" * 5000}]).encode()
    author = parse_feed(body, url="u").items[0].authors[0]
    assert set(author) == {"é"} and len(author.encode()) <= MAX_FIELD_BYTES


def test_missing_charset_uses_the_xml_declaration():
    body = rss([{"title": "Café", "link": "https://x.id/1"}], encoding="iso-8859-1").encode("iso-8859-1")
    assert parse_feed(body, url="u", content_type="text/xml").items[0].title == "Café"


def test_wrong_charset_header_still_gives_items():
    body = rss([{"title": "Café", "link": "https://x.id/1"}], encoding="utf-8").encode("cp1252")
    (item,) = parse_feed(body, url="u", content_type="application/rss+xml; charset=utf-8").items
    assert item.title.startswith("Caf") and item.link == "https://x.id/1"
