"""The embedded runner's archive writes: held, then written with the inbox's "done" in one transaction."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pantau.adapters.sqlite.archive import ArchiveStore
from pantau.adapters.sqlite.state import open_state
from pantau.config import Config
from pantau.core.article import Article, article_id
from pantau.runtime import embedded
from pantau.runtime.embedded import EmbeddedRunner
from pantau.streams.classify import load_ruleset

T0 = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)


def art(n: int, title: str = "Peretas bobol bank") -> Article:
    url = f"https://kabar.example/{n}"
    return Article(id=article_id(url), url=url, title=f"{title} {n}", content=title, fetched=T0, feed="kabar")


@pytest.fixture
def make_runner(tmp_path, small_rules):
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, text in small_rules.items():
        (rules / name).write_text(text, encoding="utf-8")

    def make(archive: str = "14d", routes: list | None = None) -> EmbeddedRunner:
        config = Config.model_validate(
            {
                "feeds": [],
                "rules": str(rules),
                "state": str(tmp_path / "state.db"),
                "archive": archive,
                "metrics": None,
                # By default only north-korea alerts, so these cybercrime articles are held quietly.
                "routes": routes or [{"name": "nk", "topics": ["north-korea"], "to": ["console"]}],
            }
        )
        return EmbeddedRunner(config, rules=load_ruleset(rules), console_stream=open(os.devnull, "w"))  # noqa: SIM115

    return make


def _done(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM inbox WHERE done IS NOT NULL").fetchone()[0]
    finally:
        conn.close()


def test_processed_articles_are_held_then_archived_and_done_together(make_runner, tmp_path):
    runner = make_runner()
    runner.inbox.accept([art(1), art(2, "Harga cabai naik")])
    assert asyncio.run(runner.process_pending()) == 2
    assert runner.archive.usage().articles == 0 and runner.inbox.count_pending() == 2  # held: still pending
    assert asyncio.run(runner.process_pending()) == 0  # held articles are not taken twice
    runner.inbox.accept([art(3)])
    assert asyncio.run(runner.process_pending()) == 1
    assert runner.flush_archive() == 3
    assert runner.archive.usage().articles == 3 and runner.inbox.count_pending() == 0
    assert runner.archive.get(art(1).id).topics == ("cybercrime",)
    assert runner.flush_archive() == 0
    asyncio.run(runner.aclose())


def test_a_full_hold_is_written_at_once(make_runner, monkeypatch):
    monkeypatch.setattr(embedded, "FLUSH_ARTICLES", 3)
    runner = make_runner()
    runner.inbox.accept([art(n) for n in range(5)])
    asyncio.run(runner.process_pending())  # one batch of 5: over the limit, written
    assert runner.archive.usage().articles == 5 and runner.inbox.count_pending() == 0
    asyncio.run(runner.aclose())


def test_held_articles_survive_a_crash_they_are_processed_and_archived_again(make_runner, tmp_path):
    crashed = make_runner(routes=[{"name": "all", "to": ["console"]}])
    crashed.flush_archive = lambda: 0  # killed after the alert was queued, before the archive write
    crashed.inbox.accept([art(1), art(2)])
    asyncio.run(crashed.process_pending())
    crashed.conn.close()  # killed: no flush, no aclose
    assert _done(tmp_path / "state.db") == 0
    again = make_runner(routes=[{"name": "all", "to": ["console"]}])
    assert asyncio.run(again.process_pending()) == 2
    asyncio.run(again.aclose())  # closing writes what is held
    store = ArchiveStore(open_state(tmp_path / "state.db"))
    assert store.usage().articles == 2 and _done(tmp_path / "state.db") == 2
    assert [a.status for a in store.get(art(1).id).alerts] == ["pending"]  # queued once, not twice


def test_without_an_archive_articles_are_done_at_once(make_runner, tmp_path):
    runner = make_runner(archive="0")
    runner.inbox.accept([art(1), art(2)])
    asyncio.run(runner.process_pending())
    assert runner.inbox.count_pending() == 0 and _done(tmp_path / "state.db") == 2
    asyncio.run(runner.aclose())


def test_held_articles_are_written_when_they_have_waited_long_enough(make_runner, monkeypatch):
    runner = make_runner()
    runner.inbox.accept([art(1)])
    asyncio.run(runner.process_pending())
    assert 0 < runner._flush_due_in() <= embedded.FLUSH_SECONDS
    monkeypatch.setattr(embedded, "FLUSH_SECONDS", 0.0)
    assert runner._flush_due_in() == 0.0

    async def one_pass() -> None:
        task = asyncio.create_task(runner._process_forever())
        await asyncio.sleep(0.3)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(one_pass())
    assert runner.archive.usage().articles == 1 and runner.inbox.count_pending() == 0
    asyncio.run(runner.aclose())


def test_a_batch_that_alerts_is_archived_before_any_delivery_can_run(make_runner):
    """An alert's page and "not relevant" link must find its article the moment the alert lands."""
    runner = make_runner(routes=[{"name": "all", "to": ["console"]}])
    runner.inbox.accept([art(1), art(2, "Harga cabai naik")])
    assert asyncio.run(runner.process_pending()) == 2
    assert runner.summary.alerts == 1
    assert runner.archive.usage().articles == 2 and runner.inbox.count_pending() == 0
    [alert] = runner.archive.get(art(1).id).alerts
    assert alert.status == "pending"  # archived before the dispatcher had a turn
    runner.inbox.accept([art(3, "Harga cabai turun")])
    asyncio.run(runner.process_pending())
    assert runner.archive.usage().articles == 2  # a quiet batch is still held
    asyncio.run(runner.aclose())
