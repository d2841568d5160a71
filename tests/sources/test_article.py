"""The one Article schema: round trips, validation, stable ids."""

from datetime import datetime, timezone

import msgspec
import pytest

from pantau.core.article import Article, article_id, decode, encode


def _article(**over):
    fields = dict(
        id=article_id("https://example.org/a"),
        url="https://example.org/a",
        title="Peretas menyerang bank",
        fetched=datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc),
        feed="example",
    )
    fields.update(over)
    return Article(**fields)


def test_encode_decode_round_trip_keeps_every_field():
    a = _article(
        summary="ringkas",
        content="isi",
        published=datetime(2026, 11, 21, 3, 0, tzinfo=timezone.utc),
        language="id",
        authors=("Ani",),
        tags=("siber",),
    )
    assert decode(encode(a)) == a


def test_decode_refuses_a_record_missing_required_fields():
    with pytest.raises(msgspec.ValidationError, match="url"):
        decode(b'{"id": "x", "title": "t", "fetched": "2026-01-01T00:00:00Z", "feed": "f"}')


def test_article_id_is_stable_and_distinguishes_urls():
    assert article_id("https://example.org/a") == article_id("https://example.org/a")
    assert article_id("https://example.org/a") != article_id("https://example.org/b")
    assert len(article_id("x")) == 24


def test_text_length_counts_title_summary_and_content():
    assert _article(title="ab", summary="cde", content="f").text_length == 6
