"""Contract tests: one suite per storage Protocol, run against every implementation of it.

Each fixture yields a ``Backend``: ``open()`` gives an instance over the
backend's storage, and calling ``open()`` again gives a fresh instance over the
same storage (a restart, or another worker taking over). Kafka-backed
implementations run against the real broker ``make test`` starts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from pantau.adapters.kafka.topics import ALL_TOPICS, ensure_topics


@dataclass
class Backend:
    """An implementation under test: ``open()`` gives an instance over one shared storage."""

    name: str
    opener: Callable[[], Any]
    closers: list[Callable[[], None]] = field(default_factory=list)

    def open(self) -> Any:
        """A fresh instance over this backend's storage."""
        return self.opener()


@pytest.fixture
def kafka_prefix(kafka_bootstrap: str) -> str:
    """A fresh topic prefix whose pantau topics exist on the broker."""
    prefix = f"contract-{uuid.uuid4().hex[:8]}."
    ensure_topics(kafka_bootstrap, ALL_TOPICS, prefix=prefix)
    return prefix


def closing(backend: Backend) -> Iterator[Backend]:
    """Yield the backend, then close whatever its instances opened."""
    yield backend
    for close in reversed(backend.closers):
        close()
