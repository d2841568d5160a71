"""``pantau sources`` in distributed mode: poll this worker's share of the feeds into Kafka.

Several source workers share one feed list without a coordinator of our own:
each feed is hashed to one partition of the ``pantau.feeds`` topic, every
worker joins the Kafka consumer group ``pantau-sources`` on that topic, and
polls the feeds of the partitions the group gives it. When a worker dies its
session times out (10 s), the group rebalances, and the survivors pick up its
feeds within seconds; a worker that stops cleanly leaves the group at once.

No record is ever written to ``pantau.feeds``: the group's partition
assignment is the whole point of it. Feed progress (ETags, schedules, seen
ids) is shared on ``pantau.feeds.state`` (sources/shared_state.py), so a
worker taking feeds over neither re-fetches nor re-publishes what the previous
one did. Edits to the feed list (the config file or
a feed file next to it) take effect without a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import signal
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

from kafka import KafkaConsumer
from kafka.errors import KafkaError

from pantau.sources.feeds import FeedSpec
from pantau.core.config import Config
from pantau.core.errors import BrokerError, PantauError
from pantau.core.logs import get_logger
from pantau.adapters.kafka.topics import ALL_TOPICS, FEEDS, FEEDS_STATE, ensure_topics, kafka_bootstrap, topic_prefix

__all__ = ["feed_partition", "feeds_for", "FeedAssignment", "SOURCES_GROUP", "run_source_worker"]

SOURCES_GROUP = "pantau-sources"
_FEED_FILES = {".yaml", ".yml", ".opml", ".xml"}
log = get_logger(component="sources")


def feed_partition(feed_key: str, partitions: int = FEEDS.partitions) -> int:
    """The ``pantau.feeds`` partition a feed belongs to (stable across processes and runs)."""
    digest = hashlib.blake2b(feed_key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % partitions


def feeds_for(feeds: Iterable[FeedSpec], partitions: Iterable[int], total: int = FEEDS.partitions) -> list[FeedSpec]:
    """The feeds whose partition is among ``partitions`` (this worker's share)."""
    mine = set(partitions)
    return [spec for spec in feeds if feed_partition(spec.key, total) in mine]


class FeedAssignment:
    """Membership in the source workers' consumer group; reports which feed partitions are ours.

    kafka-python's consumer is synchronous, so it lives in its own thread and
    hands each new assignment to the asyncio loop with ``call_soon_threadsafe``.
    """

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        *,
        group: str,
        on_change: Callable[[frozenset[int]], None],
        loop: asyncio.AbstractEventLoop,
        session_timeout: float = 10.0,
    ) -> None:
        self.topic = topic
        self._on_change = on_change
        self._loop = loop
        self._stop = threading.Event()
        self._current: frozenset[int] | None = None
        try:
            self._consumer = KafkaConsumer(
                bootstrap_servers=bootstrap,
                group_id=group,
                client_id="pantau-sources",
                enable_auto_commit=False,
                session_timeout_ms=int(session_timeout * 1000),
                heartbeat_interval_ms=int(session_timeout * 1000 / 4),
            )
        except KafkaError as exc:
            raise BrokerError(
                f"cannot join the source workers' group {group!r} at {bootstrap}: {exc}",
                hint="check `kafka:` in pantau.yaml or PANTAU_KAFKA, and that the broker runs",
            ) from exc
        self._consumer.subscribe([topic])
        self._thread = threading.Thread(target=self._run, name="feed-assignment", daemon=True)

    @property
    def joined(self) -> bool:
        """True once the group has given this worker an assignment (possibly empty)."""
        return self._current is not None

    @property
    def partitions(self) -> frozenset[int]:
        """The feed partitions assigned to this worker now (empty before the first assignment)."""
        return self._current or frozenset()

    def start(self) -> None:
        """Join the group in the background."""
        self._thread.start()

    def _run(self) -> None:
        # poll() drives kafka-python's group protocol (join, sync, rejoin after a
        # rebalance); it returns nothing since nobody writes to the topic.
        while not self._stop.is_set():
            try:
                self._consumer.poll(timeout_ms=500)
            except KafkaError as exc:
                log.warning("feed_assignment_poll_failed", error=str(exc))
                self._stop.wait(1.0)
                continue
            assigned = frozenset(tp.partition for tp in self._consumer.assignment() if tp.topic == self.topic)
            if assigned != self._current:
                self._current = assigned
                self._loop.call_soon_threadsafe(self._on_change, assigned)

    def stop(self) -> None:
        """Leave the group now (the others take over at once) and stop the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._consumer.close()


async def run_source_worker(config: Config, *, bootstrap: str | None = None, prefix: str | None = None) -> None:
    """Poll this worker's share of ``config.feeds`` into Kafka until SIGINT/SIGTERM."""
    from pantau.adapters.kafka.connectivity import watch_broker
    from pantau.sources.poller import Poller
    from pantau.sources.websub_callback import serve_websub
    from pantau.adapters.kafka.publisher import KafkaPublisher
    from pantau.adapters.kafka.feed_states import SharedFeedStateStore
    from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
    from pantau.runtime.observe import start_observer
    from pantau.adapters.sqlite.state import open_state

    bootstrap = bootstrap or kafka_bootstrap(config)
    prefix = topic_prefix() if prefix is None else prefix
    loop = asyncio.get_running_loop()
    broker, log_gate = await loop.run_in_executor(None, watch_broker, bootstrap)
    await loop.run_in_executor(None, lambda: ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix))
    publisher = await loop.run_in_executor(None, lambda: KafkaPublisher(bootstrap, prefix=prefix))
    local = SqliteFeedStateStore(open_state(config.state))
    store = await loop.run_in_executor(None, lambda: SharedFeedStateStore(local, bootstrap, FEEDS_STATE.name(prefix)))
    await store.catch_up()
    poller = Poller([], store, publisher.publish, network=config.network, on_health=publisher.publish_health)

    feeds = list(config.feeds)
    reassigning = asyncio.Lock()

    async def take_share(partitions: frozenset[int]) -> None:
        async with reassigning:
            # Feeds that come from another worker continue from what it shared; if the
            # state topic cannot be read now, poll them anyway (at worst a re-fetch:
            # articles already published are dropped downstream by id).
            try:
                await store.catch_up()
            except BrokerError as exc:
                log.warning("feed_states_not_caught_up", error=exc.message)
            share = feeds_for(feeds, partitions)
            log.info("feeds_assigned", partitions=sorted(partitions), feeds=len(share), of=len(feeds))
            poller.reload_feeds(share)

    pending: set[asyncio.Task] = set()  # the loop keeps only weak references to tasks

    def reassign(partitions: frozenset[int]) -> None:
        task = loop.create_task(take_share(partitions))
        pending.add(task)
        task.add_done_callback(pending.discard)

    def feed_list_changed(fresh: list[FeedSpec]) -> None:
        feeds[:] = fresh
        reassign(assignment.partitions)

    assignment = FeedAssignment(
        bootstrap, FEEDS.name(prefix), group=f"{prefix}{SOURCES_GROUP}", on_change=reassign, loop=loop
    )

    def readiness() -> list[str]:
        return broker.reasons() + ([] if assignment.joined else ["waiting for the feed assignment from Kafka"])

    subscriber, routes = serve_websub(poller, config)
    observer = start_observer(config.metrics, readiness, mode="sources", routes=routes) if config.metrics else None
    pushes = asyncio.create_task(subscriber.run(), name="websub") if subscriber else None
    main = asyncio.current_task()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, main.cancel)
    assignment.start()
    watcher = asyncio.create_task(_watch_feed_list(config, feed_list_changed)) if config.source else None
    log.info("source_worker_started", bootstrap=bootstrap, topic=publisher.topic, feeds=len(feeds))
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


async def _watch_feed_list(config: Config, changed: Callable[[list[FeedSpec]], None]) -> None:
    """Re-read the configuration when a YAML/OPML file next to it changes; keep the last good list."""
    from watchfiles import awatch

    from pantau.core.config import load_config

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
