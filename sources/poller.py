"""The Poller: every enabled feed, on its own schedule, within shared limits.

``poll_once`` polls every enabled feed now (``pantau poll --once``, ``pantau run
--once``); ``run_forever`` keeps each feed on its adaptive, jittered schedule
and picks up feed list edits (``reload_feeds``, or the watched feed file)
without a restart. One feed's failure never stops the others.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from itertools import chain, zip_longest
from pathlib import Path

import httpx
import msgspec

from pantau.core import metrics
from pantau.core.config import NetworkConfig, WebSubConfig
from pantau.core.errors import PantauError
from pantau.core.logs import get_logger
from pantau.sources.feed_list import load_feed_list
from pantau.sources.feed_state import FeedStateStore
from pantau.sources.feeds import FeedSpec
from pantau.sources.fetch import make_client
from pantau.sources.harvest import Harvester, OnHealth, Publish
from pantau.sources.health import forget_metrics, verdict
from pantau.sources.outcome import FeedOutcome, PollSummary, summarise
from pantau.sources.politeness import HostLimiter, host_of
from pantau.sources.reachability import FirstRound
from pantau.sources.subscription import SubscriptionStore
from pantau.sources.websub import Subscriber

__all__ = ["Poller", "PollSummary", "interleave_hosts"]

TICK = 1.0
"""Longest sleep of the scheduler loop: feed list edits show up at least this fast."""
START_RATE = 50.0
"""Feeds per second at which never-polled feeds are started: 20 feeds start within a second,
10,000 spread over 200 s instead of queueing at once."""
PRUNE_EVERY = 3600.0
"""Seconds between clean-ups of old seen ids while running."""
ADDED_SPREAD = 5.0
"""Feeds added to a running poller start within this many seconds."""


_ASKED_TO_WAIT = {429, 503}
"""Statuses whose Retry-After a restart honours: the server asked for the pause."""


def interleave_hosts(feeds: list[FeedSpec]) -> list[FeedSpec]:
    """Reorder feeds round-robin by host so one big site does not occupy every worker."""
    by_host: dict[str, list[FeedSpec]] = defaultdict(list)
    for spec in feeds:
        by_host[host_of(spec.url)].append(spec)
    rounds = zip_longest(*by_host.values())
    return [spec for spec in chain.from_iterable(rounds) if spec is not None]


class Poller:
    """Polls a feed list into ``publish``, committing progress to ``store`` only after it."""

    def __init__(
        self,
        feeds: list[FeedSpec],
        store: FeedStateStore,
        publish: Publish,
        *,
        network: NetworkConfig,
        on_health: OnHealth | None = None,
        client: httpx.AsyncClient | None = None,
        feeds_path: Path | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        start_spread: float | None = None,
    ) -> None:
        self.network = network
        self._spread = start_spread if start_spread is not None else max(1.0, len(feeds) / START_RATE)
        self.store = store
        self.feeds_path = feeds_path
        self.clock = clock
        self.rng = rng or random.Random()
        self._own_client = client is None
        self.client = client or make_client(network)
        self.limiter = HostLimiter(per_host=network.per_host, total=network.concurrency)
        self.harvester = Harvester(
            store=store,
            publish=publish,
            network=network,
            client=self.client,
            limiter=self.limiter,
            on_health=on_health,
            clock=clock,
            rng=self.rng,
        )
        self._feeds: dict[str, FeedSpec] = {}
        self._due: dict[str, float] = {}
        self._running: dict[str, asyncio.Task] = {}
        self._changed = asyncio.Event()
        self.log = get_logger()
        self.websub: Subscriber | None = None
        self._first_round = FirstRound(self.log)
        self.reload_feeds(feeds)

    @property
    def feeds(self) -> list[FeedSpec]:
        """The current feed list (enabled and disabled)."""
        return list(self._feeds.values())

    def reload_feeds(self, feeds: list[FeedSpec]) -> None:
        """Replace the feed list; new feeds are polled soon, removed ones are forgotten."""
        fresh = {spec.key: spec for spec in feeds}
        for key in set(self._feeds) - set(fresh):
            self._due.pop(key, None)
            forget_metrics(key)
            if self.websub is not None:
                self.websub.forget(key)
        now = self.clock()
        starting = not self._feeds
        for key, spec in fresh.items():
            old = self._feeds.get(key)
            if old is None or old.url != spec.url:
                state = self.store.load(key)
                stored_due = state.next_due if state and state.spec_url == spec.url else 0.0
                soon = now + self.rng.uniform(0, min(self._spread, spec.interval))
                if starting and state is not None and state.last_status not in _ASKED_TO_WAIT:
                    # A restart polls every feed soon (conditional GETs: cheap) rather than sitting
                    # silent for a remembered backoff of hours; a server's own Retry-After is kept.
                    stored_due = min(stored_due, soon) if stored_due else 0.0
                self._due[key] = stored_due or soon
        added, removed = len(set(fresh) - set(self._feeds)), len(set(self._feeds) - set(fresh))
        self._feeds = fresh
        self._spread = min(self._spread, ADDED_SPREAD)  # later additions start sooner
        if added or removed:
            self.log.info("feeds_reloaded", feeds=len(fresh), added=added, removed=removed)
        self._changed.set()
        self._record_feed_counts()

    def _enabled(self) -> list[FeedSpec]:
        return [spec for spec in self._feeds.values() if spec.enabled]

    async def poll_once(self) -> PollSummary:
        """Poll every enabled feed now, within the concurrency limits; return the totals."""
        started = time.monotonic()
        queue: asyncio.Queue[FeedSpec] = asyncio.Queue()
        for spec in interleave_hosts(self._enabled()):
            queue.put_nowait(spec)
        outcomes: list[FeedOutcome] = []

        async def worker() -> None:
            while not queue.empty():
                spec = queue.get_nowait()
                outcome = await self._poll_guarded(spec)
                outcomes.append(outcome)

        # Twice the global limit: workers waiting on a busy host leave others running.
        workers = min(queue.qsize(), self.network.concurrency * 2) or 1
        await asyncio.gather(*(worker() for _ in range(workers)))
        self._record_feed_counts()
        return summarise(outcomes, time.monotonic() - started)

    def _finished(self, key: str, _task: asyncio.Task[FeedOutcome]) -> None:
        self._running.pop(key, None)

    async def _poll_guarded(self, spec: FeedSpec) -> FeedOutcome:
        try:
            outcome = await self.harvester.poll(spec)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug with one feed's data must not stop the others
            self.log.exception("feed_poll_crashed", feed=spec.key, error=repr(exc))
            outcome = FeedOutcome(
                feed=spec.key, outcome="error", error=f"internal error: {exc!r}", next_due=self.clock() + spec.interval
            )
        if self.websub is not None and not outcome.failed:
            self.websub.observed(spec.key, outcome)
            slow = self.websub.poll_delay(spec.key)
            if slow is not None and outcome.next_due:  # pushed: polling is only the safety net
                outcome = msgspec.structs.replace(outcome, next_due=max(outcome.next_due, self.clock() + slow))
        if outcome.next_due:
            self._due[spec.key] = outcome.next_due
        self._first_round.count(spec.key, outcome, lambda: {s.key for s in self._enabled()})
        return outcome

    def use_websub(self, config: WebSubConfig, store: SubscriptionStore | None = None) -> Subscriber:
        """Subscribe to the hubs feeds advertise; returns the Subscriber (run it, and serve its callback)."""
        self.websub = Subscriber(
            config, self.client, self.take_pushed, clock=self.clock, poll_soon=self.poll_soon, store=store
        )
        return self.websub

    def poll_soon(self, feed: str) -> None:
        """Poll ``feed`` within a few seconds (its push subscription lapsed: polling takes over)."""
        if feed in self._feeds:
            self._due[feed] = min(self._due.get(feed, 0.0), self.clock() + self.rng.uniform(0, 2))
            self._changed.set()

    async def take_pushed(self, feed: str, body: bytes, content_type: str) -> FeedOutcome:
        """Content a hub pushed for ``feed``, through the poll's parse/normalise/publish path."""
        spec = self._feeds.get(feed)
        if spec is None or not spec.enabled:
            return FeedOutcome(feed=feed, outcome="disabled")
        return await self.harvester.take_pushed(spec, body, content_type)

    async def run_forever(self) -> None:
        """Poll each feed whenever it is due, forever; reload the feed file when it changes."""
        watcher = asyncio.create_task(self._watch_feed_file()) if self.feeds_path else None
        next_prune = self.clock() + PRUNE_EVERY
        try:
            while True:
                now = self.clock()
                if now >= next_prune:
                    self.log.info("seen_ids_pruned", forgotten=self.store.prune_seen())
                    next_prune = now + PRUNE_EVERY
                enabled = self._enabled()
                for spec in enabled:
                    if spec.key in self._running or self._due.get(spec.key, 0) > now:
                        continue
                    task = asyncio.create_task(self._poll_guarded(spec))
                    self._running[spec.key] = task
                    task.add_done_callback(partial(self._finished, spec.key))
                upcoming = min(
                    (self._due.get(s.key, now) for s in enabled if s.key not in self._running), default=now + TICK
                )
                self._changed.clear()
                # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a
                # cancel that lands as the wait ends, and the poller would not stop.
                with suppress(TimeoutError):
                    async with asyncio.timeout(max(0.05, min(TICK, upcoming - now))):
                        await self._changed.wait()
        finally:
            if watcher:
                watcher.cancel()
            for task in list(self._running.values()):
                task.cancel()
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def _watch_feed_file(self) -> None:
        from watchfiles import awatch

        assert self.feeds_path is not None
        target = self.feeds_path.resolve()
        # Watch the folder: editors save by writing a new file and renaming it over the old.
        async for changes in awatch(target.parent, debounce=500, recursive=False):
            if not any(Path(path).resolve() == target for _kind, path in changes):
                continue
            try:
                self.reload_feeds(load_feed_list(self.feeds_path))
            except (PantauError, ValueError, OSError) as exc:  # keep polling the last good list
                self.log.error("feed_list_invalid", path=str(self.feeds_path), error=str(exc))

    def _record_feed_counts(self) -> None:
        counts = {"enabled": 0, "disabled": 0, "failing": 0}
        states = {s.feed: s for s in self.store.load_all()}
        for spec in self._feeds.values():
            state = states.get(spec.key)
            if not spec.enabled or (state and state.disabled):
                counts["disabled"] += 1
                continue
            counts["enabled"] += 1
            if state and verdict(state, spec, now=self.clock()) == "failing":
                counts["failing"] += 1
        for name, value in counts.items():
            metrics.FEEDS.labels(name).set(value)

    async def aclose(self) -> None:
        """Close the HTTP client when the poller created it."""
        if self._own_client:
            await self.client.aclose()

    async def __aenter__(self) -> "Poller":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()
