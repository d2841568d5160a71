"""The embedded inbox: accepted durably, processed once, in arrival order."""

from __future__ import annotations

from datetime import datetime, timezone

from pantau.adapters.sqlite.inbox import Inbox
from pantau.adapters.sqlite.state import open_state
from pantau.core.article import Article, article_id

T0 = datetime(2026, 11, 17, 8, 0, tzinfo=timezone.utc)


def make(url: str, title: str = "Judul") -> Article:
    return Article(id=article_id(url), url=url, title=title, fetched=T0, feed="f")


def test_accept_counts_only_new_articles_and_keeps_arrival_order(tmp_path):
    inbox = Inbox(open_state(tmp_path / "s.db"))
    assert inbox.accept([make("https://a/1"), make("https://a/2")]) == 2
    assert inbox.accept([make("https://a/2", "edited"), make("https://a/3")]) == 1  # a/2 taken once
    assert [a.url for a in inbox.pending()] == ["https://a/1", "https://a/2", "https://a/3"]
    assert inbox.pending()[1].title == "Judul"


def test_done_articles_leave_the_queue_and_survive_a_reopen(tmp_path):
    path = tmp_path / "s.db"
    inbox = Inbox(open_state(path))
    inbox.accept([make("https://a/1"), make("https://a/2")])
    inbox.mark_done(article_id("https://a/1"))
    reopened = Inbox(open_state(path))
    assert [a.url for a in reopened.pending()] == ["https://a/2"]
    assert reopened.count_pending() == 1
    assert reopened.accept([make("https://a/1")]) == 0  # processed articles are not taken in again


def test_prune_forgets_only_old_processed_articles(tmp_path):
    inbox = Inbox(open_state(tmp_path / "s.db"))
    inbox.accept([make("https://a/1"), make("https://a/2"), make("https://a/3")])
    inbox.mark_done(article_id("https://a/1"), now=1000.0)
    inbox.mark_done(article_id("https://a/2"), now=5000.0)
    assert inbox.prune(older_than=2000.0, now=6000.0) == 1
    assert inbox.accept([make("https://a/1")]) == 1  # forgotten, so new again
    assert inbox.count_pending() == 2
