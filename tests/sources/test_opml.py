"""OPML import and export, safe against hostile XML."""

import pytest

from pantau.core.errors import ConfigError
from pantau.sources.feeds import FeedSpec
from pantau.sources.opml import parse_opml, to_opml

READER_EXPORT = """<?xml version="1.0"?>
<opml version="1.0"><head><title>Langganan</title></head><body>
  <outline text="Keamanan" title="Keamanan">
    <outline type="rss" text="Siber Harian" xmlUrl="https://siber.example/rss" htmlUrl="https://siber.example/"/>
    <outline type="rss" text="dup" xmlUrl="https://siber.example/rss"/>
  </outline>
  <outline type="rss" text="Umum" xmlUrl="https://umum.example/feed" language="id"/>
</body></opml>"""


def test_import_reads_nested_outlines_as_tagged_feeds():
    feeds = parse_opml(READER_EXPORT)
    assert [(f.url, f.name, f.tags, f.language) for f in feeds] == [
        ("https://siber.example/rss", "Siber Harian", ["Keamanan"], None),
        ("https://umum.example/feed", "Umum", [], "id"),
    ]


def test_export_then_import_round_trips():
    feeds = [
        FeedSpec(url="https://a.example/rss", name="A & B", tags=["security"], language="en"),
        FeedSpec(url="https://b.example/rss"),
    ]
    again = parse_opml(to_opml(feeds))
    assert [(f.url, f.name, f.tags, f.language) for f in again] == [(f.url, f.name, f.tags, f.language) for f in feeds]


@pytest.mark.parametrize(
    "doc",
    [
        '<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><opml><body>&b;</body></opml>',  # noqa: E501
        '<?xml version="1.0"?><!DOCTYPE o [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body>&x;</body></opml>',
        "<html><body>not opml</body></html>",
        "<opml><body>",
    ],
)
def test_hostile_or_broken_opml_is_refused(doc):
    with pytest.raises(ConfigError):
        parse_opml(doc, where="subs.opml")
