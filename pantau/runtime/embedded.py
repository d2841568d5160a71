"""``pantau run``: the whole pipeline in one process, with SQLite instead of Kafka.

    Poller --publish--> inbox (SQLite) --> pipeline.process --> outbox --> Dispatcher
     feeds               durable accept      classify, story,     SQLite     destinations
                                              route

The inbox plays the raw-articles topic: the poller's publish callback returns
only after the articles are committed there, and only then does the poller
commit the feed's progress, so a crash loses nothing. An article stays
``pending`` until its alerts are in the outbox; one left pending by a crash
is processed at the next start, and since story assignment and alert keys
are deterministic, processing it twice still delivers once. Processed inbox
rows are forgotten after INBOX_RETENTION, at start and hourly while running,
so a process that runs for months keeps the inbox at a month's size.

Every processed article is archived (pantau.adapters.sqlite.archive) with its
classification, story and alerts. Archiving costs mostly the full-text index,
and an index write costs less per article the more articles it takes at once
(tests/bench/bench_embedded_archive.py): processed articles are held (at
most ``FLUSH_ARTICLES`` or ``FLUSH_SECONDS``) and written in one transaction
that also marks them done in the inbox. Until then they stay pending there,
so a crash re-processes them (delivering once, as above) and archives them
then: nothing accepted is lost. Alert fates are copied from the outbox after
each write and each pass.

Ops events take the same road from the router on: the poller's feed-health
events and the dispatcher's "destination disabled" go through
``Router.events_for`` into the outbox (routes with ``events:``).

The process around the runner (signals, /metrics, the page, the start line) is
:mod:`pantau.runtime.run_monitor`; a ``--once`` run's summary is :mod:`pantau.runtime.run_summary`.
"""

from __future__ import annotations

import asyncio
import math
import time
from contextlib import suppress
from typing import TextIO

from pantau.adapters.sqlite.archive import ArchiveStore, Intake
from pantau.adapters.sqlite.archive_records import intake_of
from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.inbox import Inbox
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.silences import SqliteSilences
from pantau.adapters.sqlite.state import open_state
from pantau.adapters.sqlite.stories import SqliteStoryStore
from pantau.config import Config
from pantau.core.article import Article
from pantau.core.logs import get_logger
from pantau.runtime.run_summary import RunSummary
from pantau.sources.health import FeedHealth
from pantau.sources.poller import Poller
from pantau.streams.classify import LiveRules, RuleSet
from pantau.streams.deliver import Dispatcher, Router, build_destinations
from pantau.streams.deliver.events import OpsEvent, from_health
from pantau.streams.deliver.feedback import signer_for
from pantau.streams.deliver.retention import delivery_retention
from pantau.streams.pipeline import process
from pantau.streams.stories import StoryIndex

__all__ = ["RunSummary", "EmbeddedRunner"]

log = get_logger(component="embedded")

INBOX_RETENTION = 30 * 86400
"""Processed articles are kept this long (the sources' own seen-ids cover re-listing)."""
FLUSH_ARTICLES = 500
"""Processed articles held for one archive write at most."""
FLUSH_SECONDS = 2.0
"""How long the first of them waits for the write at most (search shows an article this late at most)."""


class EmbeddedRunner:
    """Wires sources, the pipeline and delivery around one SQLite state file."""

    def __init__(self, config: Config, *, rules: RuleSet | None = None, console_stream: TextIO | None = None) -> None:
        self.config = config
        self.conn = open_state(config.state)
        self.inbox = Inbox(self.conn)
        # A LiveRules (watching the directory) unless the caller fixed the rule set.
        self.live = None if rules is not None else LiveRules(config.rules)
        self._rules = rules
        self._inbox_pruned_at = -math.inf
        self.prune_inbox()
        self.archive = ArchiveStore(self.conn) if config.archive else None
        self._pruned_at = 0.0
        self.prune_archive()
        destinations = build_destinations(config, stream=console_stream)
        # Feedback links are signed with web.secret, else a key kept beside the state file.
        self.router = Router(config.routes, destinations, links=signer_for(config).links)
        retention = delivery_retention(self.router.routes)
        self.stories = StoryIndex(SqliteStoryStore(self.conn), retention=retention)
        self.dispatcher = Dispatcher(
            destinations,
            SqliteOutbox(self.conn),
            routes=self.router.routes,
            silences=SqliteSilences(self.conn),
            on_event=self.announce,
            retention=retention,
            inhibit=config.inhibit,
        )
        self.poller = Poller(
            config.feeds,
            SqliteFeedStateStore(self.conn),
            self.publish,
            network=config.network,
            feeds_path=config.feeds_file,
            on_health=self.feed_health,
        )
        self.summary = RunSummary()
        self._arrived = asyncio.Event()
        self._cursor = 0  # the last inbox seq taken: held articles are still pending there
        self._held: list[Intake] = []
        self._held_ids: list[str] = []
        self._held_since = 0.0

    @property
    def rules(self) -> RuleSet:
        """The rule set in force now (the last good one while an edit is refused)."""
        if self.live is not None:
            return self.live.current
        assert self._rules is not None  # no LiveRules only when the caller fixed the rule set
        return self._rules

    async def publish(self, articles: list[Article]) -> None:
        """The poller's publish callback: returns once the articles are committed to the inbox."""
        fresh = self.inbox.accept(articles)
        self.summary.articles += fresh
        if fresh:
            self._arrived.set()

    async def announce(self, event: OpsEvent) -> None:
        """Route an ops event into the outbox (the dispatcher's ``on_event``)."""
        self.summary.alerts += len(await self.dispatcher.submit(self.router.events_for(event)))

    async def feed_health(self, event: FeedHealth) -> None:
        """The poller's ``on_health``: a feed-health change becomes an ops event."""
        await self.announce(from_health(event))

    async def process_pending(self) -> int:
        """Classify, group, route and archive every article waiting in the inbox; returns how many."""
        done = 0
        while taken := self.inbox.pending_after(self._cursor):
            self._cursor = taken[-1][0]
            batch = [article for _seq, article in taken]
            intakes: list[Intake] = []
            alerting = False
            for article in batch:
                try:
                    outcome = process(article, rules=self.rules, stories=self.stories, router=self.router)
                except Exception:  # one article's bad data must not stall the inbox behind it
                    log.exception("article_processing_failed", article=article.id, feed=article.feed)
                    continue
                queued: list = []
                if outcome.matched:
                    self.summary.matched += 1
                    queued = await self.dispatcher.submit(outcome.alerts)
                    self.summary.alerts += len(queued)
                    alerting = alerting or bool(queued)
                intakes.append(intake_of(outcome, {a.key for a in queued}, self.dispatcher.inhibited))
                done += 1
            self._hold(intakes, [a.id for a in batch])
            if alerting:
                # Written before the dispatcher can run: an alert's links (its page, "not
                # relevant") must find the article and the alert as soon as anyone reads it.
                self.flush_archive()
            await asyncio.sleep(0)  # let fetches and deliveries progress between batches
        return done

    def _hold(self, intakes: list[Intake], ids: list[str]) -> None:
        if not self._held_ids:
            self._held_since = time.monotonic()
        self._held.extend(intakes)
        self._held_ids.extend(ids)
        if self.archive is None or len(self._held_ids) >= FLUSH_ARTICLES:
            self.flush_archive()

    def _flush_due_in(self) -> float:
        """Seconds until the held articles must be written (inf when none are held)."""
        if not self._held_ids:
            return float("inf")
        return max(0.0, self._held_since + FLUSH_SECONDS - time.monotonic())

    def flush_archive(self) -> int:
        """Archive the held articles and mark them done, in one transaction; returns how many were written."""
        intakes, ids = self._held, self._held_ids
        if not ids:
            return 0
        self._held, self._held_ids = [], []
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            if self.archive is not None:  # in the same transaction as "done": both happen, or neither
                self.archive.record(intakes)
            self.inbox.mark_all_done(ids)
        if self.archive is not None:
            self.archive.sync_fates()
        return len(ids)

    def prune_inbox(self, now: float | None = None) -> int:
        """Forget processed inbox rows older than INBOX_RETENTION (at most hourly); returns how many."""
        now = time.time() if now is None else now
        if now - self._inbox_pruned_at < 3600:
            return 0  # one indexed DELETE an hour keeps a months-long run's inbox flat, at no cost per batch
        self._inbox_pruned_at = now
        gone = self.inbox.prune(INBOX_RETENTION, now=now)
        if gone:
            log.info("inbox_pruned", articles=gone, retention_days=INBOX_RETENTION / 86400)
        return gone

    def prune_archive(self, now: float | None = None) -> int:
        """Enforce ``archive:`` retention (at most hourly); returns how many articles were forgotten."""
        now = time.time() if now is None else now
        if self.archive is None or now - self._pruned_at < 3600:
            return 0
        self._pruned_at = now
        gone = self.archive.prune(self.config.archive, now=now)
        if gone:
            log.info("archive_pruned", articles=gone, retention_s=self.config.archive)
        return gone

    async def once(self, max_wait: float = 60.0) -> RunSummary:
        """Poll every feed once, process, deliver, and wait until delivered or parked."""
        await self.process_pending()  # left over from a run that stopped early
        self.summary.polled = await self.poller.poll_once()
        await self.process_pending()
        self.flush_archive()
        self.summary.drained = await self.dispatcher.drain(max_wait)
        if self.archive is not None:
            self.archive.sync_fates()
        return self.summary

    async def forever(self, stop: asyncio.Event) -> None:
        """Poll, process and deliver until ``stop`` is set."""
        tasks = [
            asyncio.create_task(self.poller.run_forever(), name="poller"),
            asyncio.create_task(self.dispatcher.run_forever(), name="dispatcher"),
            asyncio.create_task(self._process_forever(), name="processor"),
        ]
        if self.poller.websub is not None:
            tasks.append(asyncio.create_task(self.poller.websub.run(), name="websub"))
        stopper = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not stopper and (failure := task.exception()) is not None:
                    raise failure
        finally:
            for task in [stopper, *tasks]:
                task.cancel()
            await asyncio.gather(stopper, *tasks, return_exceptions=True)

    async def _process_forever(self) -> None:
        while True:
            await self.process_pending()
            if self._flush_due_in() <= 0:
                self.flush_archive()
            self.prune_inbox()
            if self.archive is not None:
                self.archive.sync_fates()  # deliveries since the last pass
                self.prune_archive()
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel
            # that lands as the wait ends, and the loop would never stop.
            with suppress(TimeoutError):
                async with asyncio.timeout(min(5.0, self._flush_due_in())):
                    await self._arrived.wait()
            self._arrived.clear()

    def start(self) -> None:
        """Start watching the rules directory (no-op with a fixed rule set)."""
        if self.live is not None:
            self.live.start()

    async def aclose(self) -> None:
        """Stop watchers, close connections and the state file."""
        if self.live is not None:
            self.live.stop()
        await self.poller.aclose()
        self.flush_archive()  # what was processed is archived and done before the file closes
        await self.dispatcher.aclose()
        self.conn.close()
