"""Silences in distributed mode: a compacted topic that every worker reads whole.

``pantau silence add --kafka`` writes ``silence id -> Silence`` (JSON) to
``pantau.silences``; ``pantau silence expire --kafka ID`` writes an empty
record (a tombstone) for the id, so compaction forgets it. Each worker keeps
the topic's latest state in memory: :meth:`TopicSilences.start` reads the
topic to its end before the worker consumes anything (no alert slips through
a silence set before the worker started), then a thread follows new records.
The Dispatcher reads it through the same ``active(now)`` as the embedded
mode's :class:`~pantau.adapters.sqlite.silences.SqliteSilences`, with the same
matching code (:func:`~pantau.streams.deliver.silences.silencing`).

Any worker may become the delivering one, so every worker follows the topic;
it has one partition and a handful of records, read without a consumer group.
"""

from __future__ import annotations

import threading
import time

import msgspec
from kafka import KafkaProducer
from kafka.errors import KafkaError

from pantau.adapters.kafka.errors import broker_errors
from pantau.adapters.kafka.topic_reader import TopicReader
from pantau.adapters.kafka.topics import SILENCES
from pantau.core.logs import get_logger
from pantau.streams.deliver.silences import Kind, Silence, new_silence

__all__ = ["TopicSilences"]

log = get_logger(component="silences")

FOLLOW_WAIT_MS = 5000
"""How long one follow poll (and the broker's hold of its fetch) waits for a new record. A record ends
the wait at once, so a new silence applies as soon as before; an idle worker asks the broker every 5 s
instead of every 0.5 s (Kafka-python's poll loop woke ~20 times a second for its 0.5 s polls: 0.0037
CPU-s per second of an idle worker, a quarter of its idle cost; round 14)."""
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Silence).decode


class TopicSilences:
    """Silences kept on the silences topic: the ``Silences`` a worker's Dispatcher reads, and what the CLI writes."""

    def __init__(self, bootstrap: str, *, prefix: str = "", timeout: float = 30.0, missing_ok: bool = False) -> None:
        self.bootstrap = bootstrap
        self.topic = SILENCES.name(prefix)
        self.timeout = timeout
        self._silences: dict[str, Silence] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._producer: KafkaProducer | None = None
        self._announce = False  # a worker logs each silence it applies; the CLI stays quiet
        # missing_ok: a read-only command on a deployment where no worker ever ran sees no silences.
        self._reader = TopicReader(
            bootstrap, self.topic, client_id="pantau-silences", missing_ok=missing_ok, wait_ms=FOLLOW_WAIT_MS
        )

    # -- reading ----------------------------------------------------------------------

    def catch_up(self) -> int:
        """Read the topic up to its current end; returns the records applied (not thread-safe: before start())."""
        return sum(self._apply(m.key, m.value, m.offset) for m in self._reader.read_to_end(self.timeout))

    def _poll(self, timeout_ms: int) -> int:
        return sum(self._apply(m.key, m.value, m.offset) for m in self._reader.poll(timeout_ms))

    def _apply(self, key: bytes | None, value: bytes | None, offset: int) -> int:
        if key is None:
            return 0
        silence_id = key.decode("utf-8", "replace")
        if not value:  # tombstone: expired early
            with self._lock:
                gone = self._silences.pop(silence_id, None)
            if gone is not None and self._announce:
                log.info("silence_removed", silence=silence_id)
            return 1
        try:
            silence = _decode(value)
        except msgspec.MsgspecError as exc:
            log.warning("silence_record_unreadable", topic=self.topic, offset=offset, error=str(exc))
            return 0
        with self._lock:
            self._silences[silence_id] = silence
        if self._announce:
            log.info(
                "silence_in_force" if silence.active(time.time()) else "silence_known",
                silence=silence_id,
                kind=silence.kind,
                value=silence.value,
                expires=silence.expires,
            )
        return 1

    def all(self) -> list[Silence]:
        """Every silence the topic holds (expired ones until removed), newest first."""
        with self._lock:
            silences = list(self._silences.values())
        return sorted(silences, key=lambda s: (-s.created, s.id))

    def active(self, now: float | None = None) -> list[Silence]:
        """Silences in force at ``now``."""
        now = time.time() if now is None else now
        return [s for s in self.all() if s.active(now)]

    # -- following (the worker) --------------------------------------------------------

    def start(self) -> TopicSilences:
        """Catch up with the topic, then follow it in a daemon thread; returns self."""
        self._announce = True
        count = self.catch_up()
        log.info("silences_loaded", topic=self.topic, records=count, active=len(self.active()))
        self._thread = threading.Thread(target=self._follow, name="pantau-silences", daemon=True)
        self._thread.start()
        return self

    def _follow(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    self._poll(FOLLOW_WAIT_MS)
                except KafkaError as exc:  # the broker comes back; keep the silences known so far
                    log.warning("silences_poll_failed", topic=self.topic, error=str(exc))
                    self._stopping.wait(1.0)
        finally:
            self._reader.close()  # the follower owns its consumer: kafka-python's are not shared between threads

    # -- writing (the CLI) -------------------------------------------------------------

    def add(
        self, kind: Kind, value: str, duration: float, reason: str, *, now: float | None = None, created_by: str = ""
    ) -> Silence:
        """Publish a silence lasting ``duration`` seconds from now; returns once Kafka has it."""
        now = time.time() if now is None else now
        silence = new_silence(kind, value, duration, reason, now=now, created_by=created_by)
        self._send(silence.id, _encode(silence))
        with self._lock:
            self._silences[silence.id] = silence
        return silence

    def expire(self, silence_id: str, now: float | None = None) -> bool:
        """End a silence now (a tombstone for its id); False when no active silence has that id."""
        if silence_id not in {s.id for s in self.active(now)}:
            return False
        self._send(silence_id, None)
        with self._lock:
            self._silences.pop(silence_id, None)
        return True

    def _send(self, key: str, value: bytes | None) -> None:
        with broker_errors(f"Kafka at {self.bootstrap} did not take silence {key} on {self.topic!r}"):
            if self._producer is None:
                self._producer = KafkaProducer(
                    bootstrap_servers=self.bootstrap,
                    client_id="pantau-silence-cli",
                    acks="all",
                    max_block_ms=int(self.timeout * 1000),
                )
            self._producer.send(self.topic, key=key.encode("utf-8"), value=value).get(timeout=self.timeout)

    def close(self) -> None:
        """Stop following and close both clients (a follower closes its reader when its poll returns)."""
        self._stopping.set()
        if self._producer is not None:
            self._producer.close(timeout=10)
        if self._thread is None:
            self._reader.close()
        # Not waited for: the follower's poll may hold for FOLLOW_WAIT_MS, and a stopping worker
        # must not wait that out; it is a daemon thread and closes its reader on the way out.
