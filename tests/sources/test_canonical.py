"""Canonical URLs: every copy of one link gets one id."""

from pantau.core.article import article_id
from pantau.sources.canonical import canonical_url, item_key


def test_tracking_parameters_fragment_and_case_are_removed():
    assert canonical_url("HTTPS://News.Example.ID:443/a/b?utm_source=rss&id=3&fbclid=x&gclid=y#top") == (
        "https://news.example.id/a/b?id=3"
    )


def test_parameters_that_select_content_are_kept_in_order():
    assert canonical_url("http://x.id/berita?page=2&id=9") == "http://x.id/berita?page=2&id=9"


def test_equivalent_percent_encodings_agree():
    assert canonical_url("https://x.id/%7Euser/a") == canonical_url("https://x.id/~user/a")


def test_non_default_port_is_kept():
    assert canonical_url("http://x.id:8080/a") == "http://x.id:8080/a"


def test_item_key_prefers_the_link_and_ignores_tracking():
    a = item_key("https://x.id/a?utm_medium=feed", "guid-1", "feed-a")
    b = item_key("https://X.id/a#comments", "guid-2", "feed-b")
    assert a == b == article_id("https://x.id/a")


def test_item_key_falls_back_to_a_feed_scoped_guid():
    assert item_key(None, "1234", "feed-a") != item_key(None, "1234", "feed-b")
    assert item_key(None, "https://x.id/p?p=1", "feed-a") == item_key(None, "https://x.id/p?p=1", "feed-b")
    assert item_key(None, None, "feed") is None
