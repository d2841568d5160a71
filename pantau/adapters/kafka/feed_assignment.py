"""Which feeds this source worker polls: a share of the feed list, assigned by a Kafka consumer group.

Several source workers share one feed list without a coordinator of our own:
each feed is hashed to one partition of the ``pantau.feeds`` topic, every
worker joins the Kafka consumer group ``pantau-sources`` on that topic, and
polls the feeds of the partitions the group gives it. When a worker dies its
session times out (10 s), the group rebalances, and the survivors pick up its
feeds within seconds; a worker that stops cleanly leaves the group at once.

No record is ever written to ``pantau.feeds``: the group's partition
assignment is the whole point of it. Feed progress (ETags, schedules, seen
ids) is shared on ``pantau.feeds.state`` (pantau.adapters.kafka.feed_states),
so a worker taking feeds over neither re-fetches nor re-publishes what the
previous one did. The runtime (pantau.runtime.sources_worker) wires this to
the poller.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Callable, Iterable

from kafka import KafkaConsumer
from kafka.errors import KafkaError

from pantau.adapters.kafka.errors import broker_errors
from pantau.adapters.kafka.topics import FEEDS
from pantau.core.logs import get_logger
from pantau.sources.feeds import FeedSpec

__all__ = ["feed_partition", "feeds_for", "FeedAssignment", "SOURCES_GROUP"]

SOURCES_GROUP = "pantau-sources"
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
        on_change: Callable[[frozenset[int]], object],
        loop: asyncio.AbstractEventLoop,
        session_timeout: float = 10.0,
    ) -> None:
        self.topic = topic
        self._on_change = on_change
        self._loop = loop
        self._stop = threading.Event()
        self._current: frozenset[int] | None = None
        with broker_errors(f"cannot join the source workers' group {group!r} at {bootstrap}"):
            self._consumer = KafkaConsumer(
                bootstrap_servers=bootstrap,
                group_id=group,
                client_id="pantau-sources",
                enable_auto_commit=False,
                session_timeout_ms=int(session_timeout * 1000),
                heartbeat_interval_ms=int(session_timeout * 1000 / 4),
            )
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
