"""Dead letters in distributed mode: listed from their topic, replayed through the delivering worker.

The worker copies each dead letter to ``pantau.alerts.dead`` (alert key ->
:class:`~pantau.streams.deliver.outbox.DeadLetter`). ``pantau alerts dead --kafka``
reads that topic whole with its own group-less consumer: the latest record per
key is the key's state, and an empty record means the worker took the letter
back into its outbox. ``pantau alerts replay --kafka`` does not send anything
itself (only the worker holding the outbox tables may, or an alert could go
out twice): it writes a :class:`ReplayRequest` per key to
``pantau.alerts.replay``; the worker's ``replay_dead_letters`` agent moves a
key that is still dead back to pending with a fresh retry budget, exactly as
``SqliteOutbox.replay`` does, writes the empty record, and ignores keys that
are not dead letters (sent, pending or unknown), so a replay never sends an
alert that was already delivered.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import msgspec
from kafka import KafkaProducer

from pantau.adapters.kafka.errors import broker_errors
from pantau.adapters.kafka.topic_reader import TopicReader
from pantau.adapters.kafka.topics import ALERTS_DEAD, ALERTS_REPLAY
from pantau.core.logs import get_logger
from pantau.streams.deliver.outbox import DeadLetter

__all__ = ["ReplayRequest", "DeadLetterTopic"]

log = get_logger(component="dead_letters")
_dead = msgspec.json.Decoder(DeadLetter).decode
_encode = msgspec.json.Encoder().encode


class ReplayRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A request to send one dead letter again (the record key is the alert key)."""

    requested: float
    requested_by: str = ""


class DeadLetterTopic:
    """The CLI's view of the dead-letter topic, and its way to ask the worker for replays."""

    def __init__(self, bootstrap: str, *, prefix: str = "", timeout: float = 30.0) -> None:
        self.bootstrap = bootstrap
        self.dead_topic = ALERTS_DEAD.name(prefix)
        self.replay_topic = ALERTS_REPLAY.name(prefix)
        self.timeout = timeout

    def dead(self) -> list[DeadLetter]:
        """Every alert whose latest record on the dead-letter topic is a dead letter, oldest first."""
        latest: dict[str, DeadLetter | None] = {}
        # No worker ever ran with this prefix: no topic, nothing died.
        with TopicReader(self.bootstrap, self.dead_topic, client_id="pantau-alerts-cli", missing_ok=True) as reader:
            # A key always lands on the same partition, so offset order is the key's history.
            for message in reader.read_to_end(self.timeout):
                if message.key is not None:
                    latest[message.key.decode("utf-8", "replace")] = self._letter(message)
        letters = [d for d in latest.values() if d is not None]
        return sorted(letters, key=lambda d: (d.died, d.alert.key))

    def _letter(self, message) -> DeadLetter | None:
        if not message.value:
            return None
        try:
            return _dead(message.value)
        except msgspec.MsgspecError as exc:
            log.warning("dead_letter_unreadable", topic=self.dead_topic, offset=message.offset, error=str(exc))
            return None

    def request_replay(self, keys: Iterable[str], *, requested_by: str = "") -> int:
        """Ask the delivering worker to send these dead letters again; returns once Kafka has every request."""
        keys = list(keys)
        record = _encode(ReplayRequest(requested=time.time(), requested_by=requested_by))
        with broker_errors(f"cannot reach Kafka at {self.bootstrap} to request replays"):
            producer = KafkaProducer(
                bootstrap_servers=self.bootstrap,
                client_id="pantau-alerts-cli",
                acks="all",
                max_block_ms=int(self.timeout * 1000),
            )
        try:
            with broker_errors(f"Kafka at {self.bootstrap} did not take the replay requests on {self.replay_topic!r}"):
                futures = [producer.send(self.replay_topic, key=key.encode("utf-8"), value=record) for key in keys]
                for future in futures:
                    future.get(timeout=self.timeout)
        finally:
            producer.close(timeout=10)
        return len(keys)

    def wait_taken_back(self, keys: Iterable[str], max_wait: float) -> set[str]:
        """Wait up to ``max_wait`` s for the worker to take these keys back; returns the keys still dead."""
        deadline = time.monotonic() + max_wait
        waiting = set(keys)
        while True:
            waiting &= {d.alert.key for d in self.dead()}
            if not waiting or time.monotonic() >= deadline:
                return waiting
            time.sleep(0.5)
