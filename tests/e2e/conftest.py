"""Fixtures of the end-to-end tests: real local servers and the real CLI.

``feed_server``       a :class:`servers.FeedServer` (``put(path, rss(...))``, ``url(path)``)
``webhook_receiver``  a :class:`servers.WebhookReceiver` (``.url``, ``.received``, ``fail(...)``)
``run_pantau``        runs ``python -m pantau.cli.main ARGS`` in a subprocess, in a chosen directory
``pantau_process``    starts a long-running ``pantau`` (run, worker, sources) as a ``processes.PantauProcess``
``write_config``      writes a pantau.yaml from plain sections
``write_rules``       writes a rules/ folder of topic files (file name -> YAML)
``worker_config``     writes a stream worker's pantau.yaml (no feeds, a free metrics port)

Tests import the helpers directly: ``from servers import Item, rss``, ``from processes import
start_worker, wait_until`` (pytest puts this folder on ``sys.path``, as it has no ``__init__.py``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from processes import PantauProcess, free_port, pantau_env
from ruamel.yaml import YAML
from servers import FeedServer, WebhookReceiver


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
    sections.setdefault("web", {"listen": None})  # the page only where a test asks for it (a fixed port)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False  # flow style would write `{url: http://h:1/x}`, which YAML misreads
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump({k.rstrip("_"): v for k, v in sections.items()}, fh)
    return path


def _write_rules(directory: Path, files: dict[str, str]) -> Path:
    """Write ``rules/`` in ``directory``, one topic file per ``name -> YAML``; returns the folder."""
    rules = directory / "rules"
    rules.mkdir()
    for name, text in files.items():
        (rules / name).write_text(text, encoding="utf-8")
    return rules


# The writers keep no state: session-scoped, so module-scoped fixtures (one worker per module) use them too.
@pytest.fixture(scope="session")
def write_rules() -> Callable[[Path, dict[str, str]], Path]:
    """``write_rules(dir, {"cybercrime.yaml": text, ...})`` -> path of the rules/ folder."""
    return _write_rules


@pytest.fixture(scope="session")
def write_config() -> Callable[..., Path]:
    """``write_config(dir, feeds=[...], destinations={...}, ...)`` -> path of pantau.yaml."""
    return _write_config


@pytest.fixture(scope="session")
def worker_config(write_config: Callable[..., Path]) -> Callable[..., tuple[Path, str]]:
    """``worker_config(dir, destinations=..., routes=...)`` -> (pantau.yaml, its ``metrics:`` address).

    A stream worker's config: no feeds (tests publish articles to the topic), ``rules/`` and the
    state file beside it, /metrics and /readyz on a free port (what ``start_worker`` waits on).
    """

    def write(directory: Path, **sections: object) -> tuple[Path, str]:
        metrics = f"127.0.0.1:{free_port()}"
        defaults: dict[str, object] = {"feeds": [], "rules": "rules", "state": "state.db", "metrics": metrics}
        return write_config(directory, **{**defaults, **sections}), metrics

    return write


@pytest.fixture(scope="session")
def run_pantau() -> Callable[..., subprocess.CompletedProcess]:
    """``run_pantau(*args, cwd=dir, env={...}, timeout=60)``: the real CLI in a subprocess."""

    def run(
        *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pantau.cli.main", *args],
            cwd=cwd,
            env=pantau_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def pantau_process() -> Iterator[Callable[..., PantauProcess]]:
    """``pantau_process(*args, cwd=dir, env={...})``: a long-running CLI process, killed at teardown."""
    started: list[PantauProcess] = []

    def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> PantauProcess:
        started.append(PantauProcess(args, cwd=cwd, env=pantau_env(env)))
        return started[-1]

    yield start
    for process in started:
        process.stop(grace=0)
