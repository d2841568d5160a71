"""``pantau sources`` in distributed mode: poll this worker's share of the feeds into Kafka.

    feed list (config, watched) --+
                                  +--> FeedShare.assign --> Poller.reload_feeds --> KafkaPublisher
    FeedAssignment (Kafka group) -+        (catch up on shared feed states first)

Several source workers share one feed list without a coordinator of our own
(:mod:`pantau.adapters.kafka.feed_assignment`): when a worker dies, the group
rebalances and the survivors pick up its feeds within seconds. Feed progress
is shared on ``pantau.feeds.state``, so a worker taking feeds over neither
re-fetches nor re-publishes what the previous one did. Edits to the feed list
(the config file or a feed file next to it) take effect without a restart.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from pantau.config import Config
from pantau.core.config import KafkaSettings
from pantau.core.errors import BrokerError, PantauError
from pantau.core.logs import get_logger
from pantau.sources.feeds import FeedSpec

__all__ = ["FeedShare", "run_source_worker"]

_FEED_FILES = {".yaml", ".yml", ".opml", ".xml"}
log = get_logger(component="sources")


class _Reloads(Protocol):
    def reload_feeds(self, feeds: list[FeedSpec]) -> None: ...


class FeedShare:
    """This worker's share of the feed list: re-computed when the group's assignment or the list changes.

    ``assign(partitions)`` is what the consumer group calls (through the loop);
    reassignments run one at a time, each after catching up on the feed states
    other workers shared.
    """

    def __init__(
        self,
        feeds: Iterable[FeedSpec],
        poller: _Reloads,
        catch_up: Callable[[], Awaitable[object]],
        *,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.feeds = list(feeds)
        self.partitions: frozenset[int] = frozenset()
        self._poller = poller
        self._catch_up = catch_up
        self._loop = loop
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks

    def assign(self, partitions: frozenset[int]) -> asyncio.Task[None]:
        """Take the feeds of ``partitions`` (in the background, in order); returns the task doing it."""
        task = self._loop.create_task(self._take(partitions))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return task

    def replace_feeds(self, fresh: list[FeedSpec]) -> asyncio.Task[None]:
        """A new feed list: re-share it over the partitions held now."""
        self.feeds = list(fresh)
        return self.assign(self.partitions)

    async def _take(self, partitions: frozenset[int]) -> None:
        from pantau.adapters.kafka.feed_assignment import feeds_for

        async with self._lock:
            self.partitions = partitions
            # Feeds that come from another worker continue from what it shared; if the
            # state topic cannot be read now, poll them anyway (at worst a re-fetch:
            # articles already published are dropped downstream by id).
            try:
                await self._catch_up()
            except BrokerError as exc:
                log.warning("feed_states_not_caught_up", error=exc.message)
            share = feeds_for(self.feeds, partitions)
            log.info("feeds_assigned", partitions=sorted(partitions), feeds=len(share), of=len(self.feeds))
            self._poller.reload_feeds(share)


async def run_source_worker(config: Config, *, kafka: KafkaSettings | None = None) -> None:
    """Poll this worker's share of ``config.feeds`` into Kafka until SIGINT/SIGTERM."""
    from pantau.adapters.kafka.connectivity import watch_broker
    from pantau.adapters.kafka.feed_assignment import SOURCES_GROUP, FeedAssignment
    from pantau.adapters.kafka.feed_states import SharedFeedStateStore
    from pantau.adapters.kafka.publisher import KafkaPublisher
    from pantau.adapters.kafka.topics import ALL_TOPICS, FEEDS, FEEDS_STATE, ensure_topics
    from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.adapters.sqlite.websub import SqliteSubscriptionStore
    from pantau.runtime.observe import start_observer
    from pantau.sources.poller import Poller
    from pantau.sources.websub_callback import serve_websub

    kafka = kafka or config.broker
    bootstrap, prefix = kafka.bootstrap, kafka.prefix
    loop = asyncio.get_running_loop()
    broker, log_gate = await loop.run_in_executor(None, watch_broker, bootstrap)
    await loop.run_in_executor(
        None, lambda: ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix, replicas=kafka.replicas)
    )
    publisher = await loop.run_in_executor(None, lambda: KafkaPublisher(bootstrap, prefix=prefix))
    local = SqliteFeedStateStore(open_state(config.state))
    store = await loop.run_in_executor(None, lambda: SharedFeedStateStore(local, bootstrap, FEEDS_STATE.name(prefix)))
    await store.catch_up()
    poller = Poller([], store, publisher.publish, network=config.network, on_health=publisher.publish_health)
    share = FeedShare(config.feeds, poller, store.catch_up, loop=loop)
    assignment = FeedAssignment(
        bootstrap, FEEDS.name(prefix), group=f"{prefix}{SOURCES_GROUP}", on_change=share.assign, loop=loop
    )

    def readiness() -> list[str]:
        return broker.reasons() + ([] if assignment.joined else ["waiting for the feed assignment from Kafka"])

    subscriber, routes = serve_websub(poller, config, SqliteSubscriptionStore(local.conn))
    observer = start_observer(config.metrics, readiness, mode="sources", routes=routes) if config.metrics else None
    pushes = asyncio.create_task(subscriber.run(), name="websub") if subscriber else None
    main = asyncio.current_task()
    assert main is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, main.cancel)
    assignment.start()
    watcher = asyncio.create_task(_watch_feed_list(config, share.replace_feeds)) if config.source else None
    log.info("source_worker_started", bootstrap=bootstrap, topic=publisher.topic, feeds=len(share.feeds))
    try:
        await poller.run_forever()
    except asyncio.CancelledError:
        log.info("source_worker_stopping")
    finally:
        if watcher is not None:
            watcher.cancel()
        if pushes is not None:
            pushes.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        # Leave the group first, so that the other workers take over our feeds at once.
        await loop.run_in_executor(None, assignment.stop)
        with suppress(Exception):
            await poller.aclose()
        await loop.run_in_executor(None, publisher.close)
        await loop.run_in_executor(None, store.close)
        if observer is not None:
            observer.stop()
        broker.stop()
        log_gate.remove()


async def _watch_feed_list(config: Config, changed: Callable[[list[FeedSpec]], object]) -> None:
    """Re-read the configuration when a YAML/OPML file next to it changes; keep the last good list."""
    from watchfiles import awatch

    from pantau.config import load_config

    assert config.source is not None
    # The folder, not the file: editors save by writing a new file and renaming it over the old.
    async for changes in awatch(config.source.parent, debounce=500, recursive=False):
        if not any(Path(path).suffix.lower() in _FEED_FILES for _kind, path in changes):
            continue
        try:
            fresh = load_config(config.source).feeds
        except (PantauError, OSError) as exc:
            log.error("feed_list_invalid", path=str(config.source), error=str(exc))
            continue
        log.info("feed_list_reloaded", feeds=len(fresh))
        changed(fresh)
