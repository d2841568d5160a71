"""The embedded runner prunes its inbox while it runs (hourly), not only at start."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from pantau.config import Config
from pantau.core.article import Article, article_id
from pantau.runtime.embedded import INBOX_RETENTION, EmbeddedRunner


def _article(n: int) -> Article:
    url = f"https://kabar.example/{n}"
    return Article(id=article_id(url), url=url, title=f"Berita {n}", fetched=datetime.now(timezone.utc), feed="f")


def _rows(runner: EmbeddedRunner) -> set[str]:
    return {row[0] for row in runner.conn.execute("SELECT article_id FROM inbox")}


def test_a_running_monitor_forgets_processed_articles_past_the_retention_and_keeps_the_rest(tmp_path):
    runner = EmbeddedRunner(Config(state=tmp_path / "s.db", metrics=None, archive=0))
    now = time.time()
    old, recent, waiting = _article(1), _article(2), _article(3)
    try:
        # Accepted after the start-up prune: only a prune while running can remove them.
        runner.inbox.accept([old, recent], now=now - INBOX_RETENTION - 7200)
        runner.inbox.mark_done(old.id, now=now - INBOX_RETENTION - 3600)
        runner.inbox.mark_done(recent.id, now=now - 86400)
        assert runner.prune_inbox(now=now) == 0  # at most hourly: the start already pruned
        runner._inbox_pruned_at -= 3600  # an hour of running later

        async def run_briefly() -> None:
            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(1.0, stop.set)
            await runner.forever(stop)

        asyncio.run(run_briefly())
        assert _rows(runner) == {recent.id}
        runner.inbox.accept([waiting], now=now - INBOX_RETENTION - 7200)  # never processed: never pruned
        assert runner.prune_inbox(now=now + 3601) == 0 and waiting.id in _rows(runner)
    finally:
        asyncio.run(runner.aclose())
