"""Recent stories and alerts, search, one article, and the backtest of an edit, over a real archive."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

from webpage import csrf_of

from pantau.adapters.sqlite.archive import ArchivedAlert, ArchiveStore, Intake
from pantau.core.article import Article

NOW = time.time()


def _article(n: int, title: str, content: str, feed: str = "kabar") -> Article:
    return Article(
        id=f"a{n}",
        url=f"https://{feed}.example/{n}",
        title=title,
        content=content,
        fetched=datetime.fromtimestamp(NOW - 3600 + n, timezone.utc),
        feed=feed,
        feed_name=feed.title(),
    )


def _archive(app, site) -> ArchiveStore:
    """Three articles classified by the running rules: one alert arrived, a copy, one unmatched."""
    _config, live = site
    rules = live.current
    store = ArchiveStore(app.state.web.conn)
    hacked = rules.classify(_article(1, "Peretas bobol server Pemkot Đà Nẵng", "Peretas membobol server pemerintah."))
    copy = rules.classify(_article(2, "Server Pemkot dibobol peretas", "Peretas membobol server pemerintah.", "warta"))
    quiet = rules.classify(_article(3, "Harga cabai naik jelang Natal", "Pasokan cabai rawit berkurang."))
    alert = ArchivedAlert(key="k1", route="desk", destination="siem", created=NOW - 3000, status="sent")
    store.record(
        [
            Intake(classified=hacked, story_id="s1", alerts=(alert,)),
            Intake(classified=copy, story_id="s1"),
            Intake(classified=quiet),
        ]
    )
    return store


def test_recent_shows_hits_alert_fates_and_a_why_not_link(client, app, site):
    _archive(app, site)
    html = client("viewer").get("/").text
    assert "Peretas bobol server Pemkot Đà Nẵng" not in html  # the title is marked up around the hit
    assert "<mark>Peretas</mark> bobol server Pemkot Đà Nẵng" in html
    assert "siem</span> via desk:" in html and "arrived" in html
    assert "Harga cabai" not in html  # matched only, by default
    everything = client("viewer").get("/?all=1").text
    assert "Harga cabai" in everything and 'href="/try?article=a3">why not?' in everything


def test_search_marks_the_words_found_and_keeps_diacritics(client, app, site):
    _archive(app, site)
    html = client("viewer").get("/search?q=da+nang&since=all").text
    assert "1 result." in html and "<mark>Đà</mark> <mark>Nẵng</mark>" in html, html[html.find("<main") :][:1500]


def test_an_article_shows_why_its_alerts_and_every_outlet_of_the_story(client, app, site):
    _archive(app, site)
    html = client("viewer").get("/articles/a2").text
    assert "cyber-terms" in html and "<mark>peretas</mark>" in html.lower()
    assert "Outlets carrying the story (2)" in html and "Kabar" in html and "Warta" in html
    assert "arrived" in html
    assert client("viewer").get("/articles/nope").status_code == 404


def test_why_not_explains_an_archived_article(client, app, site):
    _archive(app, site)
    html = client("viewer").get("/try?article=a3").text
    assert "Harga cabai naik jelang Natal" in html and "no match" in html


def test_the_backtest_of_an_edit_counts_gains_over_the_archive(client, app, site):
    _archive(app, site)
    editor = client("editor")
    page = editor.get("/rules/cybercrime.yaml").text
    text = (app.state.web.rules_dir / "cybercrime.yaml").read_text()
    text = text.replace("penipuan daring]", "penipuan daring, cabai]")
    reply = editor.post(
        "/rules/cybercrime.yaml/backtest", data={"csrf_token": csrf_of(page), "text": text, "days": "1"}
    )
    assert reply.status_code == 200
    assert re.search(r"3</strong> archived articles replayed", reply.text)
    assert "+1 gained" in reply.text and "Harga cabai naik jelang Natal" in reply.text
    broken = editor.post(
        "/rules/cybercrime.yaml/backtest",
        data={"csrf_token": csrf_of(page), "text": text.replace("rules:", "rulez:"), "days": "1"},
    )
    assert "error(s); fix them before a backtest" in broken.text
