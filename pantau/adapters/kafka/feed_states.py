"""Feed progress shared by source workers through a compacted Kafka topic.

Each ``pantau sources`` keeps its feed states and seen ids in a local SQLite
file (the same :class:`SqliteFeedStateStore` the embedded mode uses) and also
writes every feed's latest state, with the ids that feed currently lists, to
``pantau.feeds.state`` (compacted, keyed by feed id). When the group hands a
worker feeds that another worker polled, the worker first reads what the
others wrote: it continues with their ETags, schedules and seen ids instead of
re-fetching everything and re-publishing what they already published.

Records are sent without waiting (the poller's loop must not block on Kafka);
a record lost in a crash costs at most a re-fetch and articles published again,
which downstream deduplicates by article id and alert key.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterable

import msgspec
from kafka import KafkaProducer
from kafka.errors import KafkaError

from pantau.adapters.kafka.errors import broker_errors
from pantau.adapters.kafka.topic_reader import TopicReader
from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.core.logs import BoundLogger, get_logger
from pantau.sources.feed_state import SEEN_RETENTION, FeedState

__all__ = ["FeedRecord", "SharedFeedStateStore", "read_record"]

log = get_logger(component="sources")


class FeedRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One feed's latest progress as written to the shared topic."""

    writer: str
    """The writing process: a worker skips its own records when catching up."""
    state: FeedState
    seen: list[str]
    """Ids the feed listed at its last successful fetch (all of them count as published)."""


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(FeedRecord).decode


def read_record(value: bytes, offset: int, logger: BoundLogger = log) -> FeedRecord | None:
    """The record a message's value holds; None, logged as ``feed_state_unreadable``, when it does not decode."""
    # Every reader of the topic (source workers, the web page) skips a bad record the same way:
    # one unreadable write must not stop anyone catching up.
    try:
        return _decode(value)
    except msgspec.MsgspecError as exc:
        logger.warning("feed_state_unreadable", offset=offset, error=str(exc))
        return None


class SharedFeedStateStore:
    """The ``FeedStateStore`` protocol: a local SQLite store, mirrored to a compacted topic."""

    def __init__(self, local: SqliteFeedStateStore, bootstrap: str, topic: str) -> None:
        self.local = local
        self.topic = topic
        self.writer = uuid.uuid4().hex
        self._seen: dict[str, list[str]] = {}
        self._lock = threading.Lock()  # one catch-up at a time uses the consumer
        with broker_errors(f"cannot reach Kafka at {bootstrap} for feed states"):
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap,
                client_id="pantau-sources-state",
                acks="all",
                enable_idempotence=True,
                compression_type="gzip",
                linger_ms=50,
            )
        self._reader = TopicReader(
            bootstrap, topic, client_id="pantau-sources-state", created_by="`pantau sources` at start"
        )

    # -- the FeedStateStore protocol -------------------------------------------------

    def load(self, feed: str) -> FeedState | None:
        """The stored state of one feed, None when never polled (by any worker)."""
        return self.local.load(feed)

    def load_all(self) -> list[FeedState]:
        """Every feed state this worker knows."""
        return self.local.load_all()

    def unseen(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` no worker has committed as seen."""
        return self.local.unseen(ids)

    def prune_seen(self, *, older_than: float = SEEN_RETENTION) -> int:
        """Forget old seen ids locally (the topic keeps only what feeds list now)."""
        return self.local.prune_seen(older_than=older_than)

    def save(self, state: FeedState) -> None:
        """Store a state alone (failures, schedule) and share it."""
        self.local.save(state)
        self._share(state)

    def commit(self, state: FeedState, seen: Iterable[str]) -> None:
        """Store the state and seen ids, then share them (the feed's full current list)."""
        seen = list(seen)
        self.local.commit(state, seen)
        if seen:  # a 304 lists nothing: the ids of the last full fetch still hold
            self._seen[state.feed] = seen
        self._share(state)

    # -- sharing ---------------------------------------------------------------------

    def _share(self, state: FeedState) -> None:
        record = FeedRecord(writer=self.writer, state=state, seen=self._seen.get(state.feed, []))
        try:
            self._producer.send(self.topic, key=state.feed.encode("utf-8"), value=_encode(record))
        except KafkaError as exc:  # losing one record costs a re-fetch, not an article
            log.warning("feed_state_not_shared", feed=state.feed, error=str(exc))

    def _fetch_updates(self) -> list[FeedRecord]:
        """Records other workers wrote since the last call, read up to the current end."""
        with self._lock:
            records: list[FeedRecord] = []
            for message in self._reader.read_to_end():
                if message.value is None:
                    continue
                record = read_record(message.value, message.offset)
                if record is not None and record.writer != self.writer:
                    records.append(record)
            return records

    def apply(self, records: Iterable[FeedRecord]) -> int:
        """Take other workers' records into the local store (in the caller's thread); returns how many."""
        count = 0
        for record in records:
            self.local.commit(record.state, record.seen)
            if record.seen:
                self._seen[record.state.feed] = record.seen
            count += 1
        return count

    async def catch_up(self) -> int:
        """Read what other workers shared (off the event loop) and apply it; returns records applied."""
        records = await asyncio.get_running_loop().run_in_executor(None, self._fetch_updates)
        applied = self.apply(records)
        if applied:
            log.info("feed_states_caught_up", records=applied)
        return applied

    def flush(self) -> None:
        """Wait until every record shared so far is acknowledged."""
        self._producer.flush(timeout=10)

    def close(self) -> None:
        """Send what is pending and close both clients."""
        self._producer.flush(timeout=10)
        self._producer.close(timeout=10)
        self._reader.close()
