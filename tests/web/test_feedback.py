"""Feedback from signed links: the GET records nothing, the POST records, forged and expired links are refused."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from test_archive_pages import _archive
from webpage import csrf_of

from pantau.adapters.sqlite.feedback import FeedbackStore
from pantau.streams.deliver.feedback import LinkSigner, link_key, signer_for


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _verdicts(app) -> int:
    return app.state.web.conn.execute("SELECT count(*) FROM feedback_verdicts").fetchone()[0]


def test_a_link_shows_a_form_and_only_the_post_records(client, app, site):
    config, _live = site
    _archive(app, site)
    link = signer_for(config).links("k1", article="a1").not_relevant
    anonymous = client(None)  # a desk member from Slack: no account needed
    for _ in range(3):  # unfurlers and mail scanners fetch links, repeatedly
        page = anonymous.get(_path(link))
        assert page.status_code == 200 and "Was this alert not relevant?" in page.text
    assert _verdicts(app) == 0
    assert "cyber-terms" in page.text and "siem via desk" in page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "a": "a1",
        "exp": link.split("exp=")[1].split("&")[0],
        "sig": link.split("sig=")[1],
    }
    done = anonymous.post(urlsplit(link).path, data={**form, "note": "iklan, bukan berita"})
    assert done.status_code == 200 and "Recorded" in done.text and "cybercrime/cyber-terms" in done.text
    assert _verdicts(app) == 1
    quality = FeedbackStore(app.state.web.conn).quality()
    rule = next(q for q in quality.rules if q.rule == "cyber-terms")
    assert rule.not_relevant == 1 and rule.precision == 0.0
    audited = client("admin").get("/audit").text
    assert "feedback" in audited and "anonymous (signed link)" in audited and "iklan, bukan berita" in audited


def test_a_logged_in_verdict_is_recorded_under_the_name_and_shown_on_quality(client, app, site):
    config, _live = site
    _archive(app, site)
    editor = client("editor")
    link = signer_for(config).links("k1", article="a1").relevant
    page = editor.get(_path(link)).text
    form = {
        "csrf_token": csrf_of(page),
        "a": "a1",
        "exp": link.split("exp=")[1].split("&")[0],
        "sig": link.split("sig=")[1],
    }
    editor.post(urlsplit(link).path, data=form)
    html = editor.get("/quality?since=all").text
    row = html[html.index('data-rule="cyber-terms"') :]
    assert "100 %" in row[:400]
    who = app.state.web.conn.execute("SELECT who FROM feedback_verdicts").fetchone()[0]
    assert who == "edi"


def test_forged_unsigned_and_expired_links_are_refused_and_record_nothing(client, app, site):
    config, _live = site
    _archive(app, site)
    c = client(None)
    good = signer_for(config).links("k1", article="a1").not_relevant
    forged = good.replace("not_relevant", "relevant")  # the verdict changed, the signature kept
    unsigned = good.split("&sig=")[0]
    stale = LinkSigner(link_key(config), "http://127.0.0.1:8464", clock=lambda: time.time() - 40 * 86400)
    expired = stale.links("k1", article="a1").not_relevant
    for link, why in (
        (forged, "signature does not match"),
        (unsigned, "signature does not match"),
        (expired, "expired"),
    ):
        reply = c.get(_path(link), headers={"accept": "text/html"})
        assert reply.status_code == 403 and why in reply.text and "Nothing was recorded" in reply.text
    token = csrf_of(c.get(_path(good)).text)
    exp, sig = good.split("exp=")[1].split("&")[0], good.split("sig=")[1]
    posted = c.post(urlsplit(forged).path, data={"csrf_token": token, "a": "a1", "exp": exp, "sig": sig})
    assert posted.status_code == 403
    assert _verdicts(app) == 0


def test_an_editor_marks_an_article_that_should_have_alerted(client, app, site):
    _archive(app, site)
    editor = client("editor")
    page = editor.get("/articles/a3").text
    assert "This should have alerted for" in page
    reply = editor.post("/articles/a3/missed", data={"csrf_token": csrf_of(page), "topic": "cybercrime"})
    assert reply.status_code == 200 and "Marked: cybercrime" in reply.text
    quality = editor.get("/quality?since=all").text
    assert "should_match" in quality and "Harga cabai naik jelang Natal" in quality
    assert client("viewer").get("/audit").status_code == 403
