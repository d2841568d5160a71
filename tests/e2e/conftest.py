"""Fixtures of the end-to-end tests: real local servers and the real CLI.

``feed_server``       a :class:`servers.FeedServer` (``put(path, rss(...))``, ``url(path)``)
``webhook_receiver``  a :class:`servers.WebhookReceiver` (``.url``, ``.received``, ``fail(...)``)
``run_pantau``        runs ``python -m pantau.cli.main ARGS`` in a subprocess, in a chosen directory
``pantau_process``    starts a long-running ``pantau`` (run, worker, sources) as a :class:`PantauProcess`
``write_config``      writes a pantau.yaml from plain sections

Tests import the record helpers directly: ``from servers import Item, rss``
(pytest puts this folder on ``sys.path``, as it has no ``__init__.py``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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
    sections.setdefault("web", {"listen": None})  # the page only where a test asks for it (a fixed port)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False  # flow style would write `{url: http://h:1/x}`, which YAML misreads
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump({k.rstrip("_"): v for k, v in sections.items()}, fh)
    return path


@pytest.fixture
def write_config() -> Callable[..., Path]:
    """``write_config(dir, feeds=[...], destinations={...}, ...)`` -> path of pantau.yaml."""
    return _write_config


@pytest.fixture
def run_pantau() -> Callable[..., subprocess.CompletedProcess]:
    """``run_pantau(*args, cwd=dir, env={...}, timeout=60)``: the real CLI in a subprocess."""

    def run(
        *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pantau.cli.main", *args],
            cwd=cwd,
            env=_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    # JSON logs so that tests can read events; the repo root first on the path.
    return {**os.environ, "PYTHONPATH": str(ROOT), "PANTAU_LOG_FORMAT": "json", **(extra or {})}


class PantauProcess:
    """A running ``pantau`` command whose stderr (JSON log lines) goes to a file."""

    def __init__(self, args: tuple[str, ...], cwd: Path, env: dict[str, str] | None) -> None:
        self.log_path = cwd / f"pantau-{args[0]}-{time.monotonic_ns()}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pantau.cli.main", *args],
            cwd=cwd,
            env=_env(env),
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            text=True,
        )

    def events(self) -> list[dict]:
        """Every JSON log event written so far."""
        found = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                found.append(json.loads(line))
            except ValueError:
                continue  # a partly written line or a non-JSON message
        return found

    def logged(self, event: str, timeout: float = 30.0) -> dict:
        """Wait (up to ``timeout``) for a log event by name; returns it (fails the test if absent)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hit = next((e for e in self.events() if e.get("event") == event), None)
            if hit is not None:
                return hit
            if self.proc.poll() is not None and time.monotonic() > deadline - timeout + 1:
                break
            time.sleep(0.05)
        pytest.fail(f"no {event!r} event logged; log:\n{self.log_path.read_text()[-3000:]}")

    def interrupt(self, timeout: float = 20.0) -> int:
        """Send Ctrl-C (SIGINT) and wait for the exit status."""
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> int:
        """SIGKILL, as a crash would; returns the exit status."""
        self.proc.kill()
        return self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Make sure the process is gone and the log file closed."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture
def pantau_process() -> Iterator[Callable[..., PantauProcess]]:
    """``pantau_process(*args, cwd=dir, env={...})``: a long-running CLI process, killed at teardown."""
    started: list[PantauProcess] = []

    def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> PantauProcess:
        started.append(PantauProcess(args, cwd, env))
        return started[-1]

    yield start
    for process in started:
        process.stop()
