"""Feed items become Articles: ids, clean text, dates, language, people, tags."""

from datetime import datetime, timezone

from pantau.core.article import article_id, decode, encode
from pantau.sources.feeds import FeedSpec
from pantau.sources.normalise import normalise, normalise_items
from pantau.sources.parse import FeedItem

FETCHED = datetime(2024, 11, 14, 12, 0, tzinfo=timezone.utc)
FEED = FeedSpec(url="https://news.example.id/rss", name="Contoh", tags=["indonesia"])


def test_article_fields_are_clean():
    item = FeedItem(
        guid="g-1",
        link="/berita/1?utm_source=rss#atas",
        title=" Peretas &amp; <b>bank</b> ",
        summary="<p>Ringkasan.</p><p>Baca juga: berita lain</p>",
        content="<p>Isi lengkap.</p>",
        published=datetime(2024, 11, 14, 11, 15, tzinfo=timezone.utc),
        authors=("Budi", "budi", " "),
        tags=("Siber", "siber"),
        language="id",
    )
    article = normalise(item, feed=FEED, fetched=FETCHED)
    assert article.url == "https://news.example.id/berita/1"
    assert article.id == article_id("https://news.example.id/berita/1")
    assert (article.title, article.summary, article.content) == ("Peretas & bank", "Ringkasan.", "Isi lengkap.")
    assert article.authors == ("Budi",) and article.tags == ("Siber", "indonesia")
    assert (article.feed, article.feed_name, article.language, article.fetched) == (FEED.key, "Contoh", "id", FETCHED)
    assert decode(encode(article)) == article


def test_edited_title_keeps_the_id():
    first = normalise(FeedItem(link="https://x.id/a", title="Draf"), feed=FEED, fetched=FETCHED)
    edited = normalise(FeedItem(link="https://x.id/a?utm_campaign=y", title="Judul final"), feed=FEED, fetched=FETCHED)
    assert first.id == edited.id


def test_language_is_detected_when_not_declared():
    item = FeedItem(link="https://x.id/v", title="Hà Nội tăng cường hợp tác an ninh mạng với các nước ASEAN")
    assert normalise(item, feed=FEED, fetched=FETCHED).language == "vi"


def test_items_without_link_or_guid_still_get_a_stable_id():
    item = FeedItem(title="Tanpa tautan", summary="isi")
    a, b = (normalise(item, feed=FEED, fetched=FETCHED) for _ in range(2))
    assert a.id == b.id and a.url == ""


def test_repeats_within_one_body_are_dropped():
    items = [
        FeedItem(link="https://x.id/a", title="1"),
        FeedItem(link="https://x.id/a#c", title="2"),
        FeedItem(link="https://x.id/b", title="3"),
    ]
    assert [a.title for a in normalise_items(items, feed=FEED, fetched=FETCHED)] == ["1", "3"]


def test_title_falls_back_to_the_first_line_of_text():
    item = FeedItem(link="https://x.id/c", summary="<p>Kalimat pembuka.</p><p>Kedua.</p>")
    assert normalise(item, feed=FEED, fetched=FETCHED).title == "Kalimat pembuka."
