"""Contract tests: one suite per storage Protocol, run against every implementation of it.

Each fixture yields a ``Backend``: ``open()`` gives an instance over the
backend's storage, and calling ``open()`` again gives a fresh instance over the
same storage (a restart, or another worker taking over). ``sqlite(tmp_path,
Store)`` is the SQLite backend every suite has; ``closing(backend)`` closes
what the test opened. Kafka-backed implementations run against the real broker
``make test`` starts.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pantau.adapters.kafka.topics import ALL_TOPICS, ensure_topics
from pantau.adapters.sqlite.state import open_state


@dataclass
class Backend:
    """An implementation under test: ``open()`` gives an instance over one shared storage."""

    name: str
    opener: Callable[[], Any]
    opened: list[Any] = field(default_factory=list)
    """Every instance ``open()`` gave, oldest first (a later worker may need the earlier ones)."""

    def open(self) -> Any:
        """A fresh instance over this backend's storage."""
        self.opened.append(self.opener())
        return self.opened[-1]


def sqlite(tmp_path: Path, store: Callable[[sqlite3.Connection], Any]) -> Backend:
    """``store`` over one state file: opening again is a restart of the process."""
    path = tmp_path / "state.db"
    return Backend("sqlite", lambda: store(open_state(path)))


@pytest.fixture
def kafka_prefix(kafka_bootstrap: str) -> str:
    """A fresh topic prefix whose pantau topics exist on the broker."""
    prefix = f"contract-{uuid.uuid4().hex[:8]}."
    ensure_topics(kafka_bootstrap, ALL_TOPICS, prefix=prefix)
    return prefix


def closing(backend: Backend) -> Iterator[Backend]:
    """Yield the backend, then close every instance it opened that holds a connection (``close()``)."""
    yield backend
    for instance in reversed(backend.opened):
        if hasattr(instance, "close"):
            instance.close()
