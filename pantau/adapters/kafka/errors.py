"""The one boundary where kafka-python's errors become pantau's BrokerError (like httpx's map_exceptions).

    with broker_errors(f"cannot reach Kafka at {bootstrap} to read {topic!r}"):
        consumer = KafkaConsumer(...)

raises ``BrokerError("cannot reach Kafka at ... to read 'x': <kafka's message>", hint=BROKER_HINT)``
chained to the original. Errors that are expected and survivable (a poll that
fails while the broker restarts) are caught where they happen and logged, not
mapped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kafka.errors import KafkaError

from pantau.core.errors import BrokerError

__all__ = ["broker_errors", "BROKER_HINT", "KafkaError"]

BROKER_HINT = "check `kafka:` in pantau.yaml or PANTAU_KAFKA, and that the broker runs (`make kafka` starts one)"


@contextmanager
def broker_errors(doing: str, *, hint: str = BROKER_HINT) -> Iterator[None]:
    """Raise BrokerError("<doing>: <error>", hint=...) for any kafka-python error inside the block."""
    try:
        yield
    except KafkaError as exc:
        raise BrokerError(f"{doing}: {exc}", hint=hint) from exc
