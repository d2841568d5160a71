"""Fixtures of the end-to-end tests: real local servers and the real CLI.

``feed_server``       a :class:`servers.FeedServer` (``put(path, rss(...))``, ``url(path)``)
``webhook_receiver``  a :class:`servers.WebhookReceiver` (``.url``, ``.received``, ``fail(...)``)
``run_pantau``        runs ``python -m streams.cli ARGS`` in a subprocess, in a chosen directory
``write_config``      writes a pantau.yaml from plain sections

Tests import the record helpers directly: ``from servers import Item, rss``
(pytest puts this folder on ``sys.path``, as it has no ``__init__.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from servers import FeedServer, WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A local feed server; ``put(path, rss(...))`` then use ``url(path)`` in a config."""
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A local webhook receiver at ``.url`` that records what it receives."""
    server = WebhookReceiver()
    yield server
    server.stop()


def _write_config(directory: Path, **sections: object) -> Path:
    """Write ``pantau.yaml`` in ``directory`` from plain sections; returns its path."""
    path = directory / "pantau.yaml"
    with path.open("w", encoding="utf-8") as fh:
        YAML(typ="safe", pure=True).dump({k.rstrip("_"): v for k, v in sections.items()}, fh)
    return path


@pytest.fixture
def write_config() -> Callable[..., Path]:
    """``write_config(dir, feeds=[...], destinations={...}, ...)`` -> path of pantau.yaml."""
    return _write_config


@pytest.fixture
def run_pantau() -> Callable[..., subprocess.CompletedProcess]:
    """``run_pantau(*args, cwd=dir, env={...}, timeout=60)``: the real CLI in a subprocess."""

    def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), "PANTAU_LOG_FORMAT": "json", **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "streams.cli", *args],
            cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout,
        )

    return run
