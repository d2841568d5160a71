"""Read a whole topic without a consumer group: from the beginning, up to its end.

The compacted state topics (silences, feed states) and the dead-letter topic
are small and read whole by whoever needs them (a worker at start, the CLI),
so they need neither a group nor committed offsets. This is the one reader
they share: every partition assigned from the beginning, "the end" taken when
a catch-up starts, a deadline so a broker that stops answering turns into a
:class:`~pantau.core.errors.BrokerError` naming the topic instead of a hang.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from pantau.adapters.kafka.errors import BROKER_HINT, broker_errors
from pantau.core.errors import BrokerError

__all__ = ["TopicReader"]


class TopicReader:
    """A group-less consumer on every partition of one topic, positioned at the beginning."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        *,
        client_id: str = "pantau-topic-reader",
        missing_ok: bool = False,
        created_by: str = "`pantau worker` at start",
        wait_ms: int = 500,
    ) -> None:
        """``wait_ms``: how long the broker holds a fetch that finds nothing new (a record ends it at once)."""
        self.bootstrap, self.topic = bootstrap, topic
        with broker_errors(f"cannot reach Kafka at {bootstrap} to read {topic!r}"):
            # A reader never creates the topic it asks about: a broker's auto-creation
            # would give it default settings (not compacted, one partition) for good.
            self._consumer = KafkaConsumer(
                bootstrap_servers=bootstrap,
                group_id=None,
                enable_auto_commit=False,
                client_id=client_id,
                allow_auto_create_topics=False,
                fetch_max_wait_ms=wait_ms,
                # kafka-python wants a request to outlast the broker's hold of a fetch.
                request_timeout_ms=max(30000, wait_ms + 10000),
            )
            numbers = sorted(self._consumer.partitions_for_topic(topic) or ())
        self.partitions = [TopicPartition(topic, p) for p in numbers]
        if not self.partitions and not missing_ok:
            self._consumer.close()
            raise BrokerError(
                f"topic {topic!r} does not exist at {bootstrap}",
                hint=f"it is created by {created_by} (pantau.adapters.kafka.topics.ensure_topics)",
            )
        if self.partitions:
            self._consumer.assign(self.partitions)
            self._consumer.seek_to_beginning(*self.partitions)

    def poll(self, timeout_ms: int = 1000) -> Iterator[ConsumerRecord]:
        """Records that arrived within ``timeout_ms`` (none when the topic does not exist)."""
        if not self.partitions:
            return iter(())
        batches = self._consumer.poll(timeout_ms=timeout_ms).values()
        return (record for batch in batches for record in batch)

    def read_to_end(self, timeout: float = 30.0) -> Iterator[ConsumerRecord]:
        """Every record up to the end the topic has now, in offset order per partition."""
        if not self.partitions:
            return
        deadline = time.monotonic() + timeout
        end = self._consumer.end_offsets(self.partitions)
        while any(self._consumer.position(tp) < end[tp] for tp in self.partitions):
            if time.monotonic() > deadline:
                raise BrokerError(
                    f"reading {self.topic!r} at {self.bootstrap} took over {timeout:.0f} s", hint=BROKER_HINT
                )
            yield from self.poll(1000)

    def close(self) -> None:
        """Close the consumer."""
        self._consumer.close()

    def __enter__(self) -> TopicReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
