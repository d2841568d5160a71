"""Real pantau processes for the end-to-end tests and the benchmarks: start, read the log, wait, stop.

One way to run the CLI everywhere it is run as a user would run it:

``pantau_env``      the environment: JSON logs, this checkout on the path, optionally a broker and a
                    private topic prefix (``private_prefix()``), so runs never see each other's topics
``PantauProcess``   a long-running command (``run``, ``worker``, ``sources``) logging to a file
``start_worker``    ``pantau worker`` started and waited for until its /readyz answers 200
``wait_until``      poll a condition; on timeout fail with the processes' logs
``PantauProcess.cpu_seconds``  CPU the process used so far (user + system): the benchmarks' figure
``publish``         articles onto the articles topic with the sources' producer

Tests import them directly (``from processes import ...``): pytest puts this folder on
``sys.path``; the benchmarks put it there themselves.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest

from pantau.core.article import Article

__all__ = [
    "PantauProcess",
    "pantau_env",
    "private_prefix",
    "start_worker",
    "wait_until",
    "free_port",
    "http_status",
    "publish",
    "topic_records",
]

ROOT = Path(__file__).resolve().parents[2]
_TICKS = os.sysconf("SC_CLK_TCK")


def pantau_env(
    extra: dict[str, str] | None = None, *, kafka: str | None = None, prefix: str | None = None
) -> dict[str, str]:
    """The environment of a pantau subprocess: JSON logs (tests read events), this checkout first on the path."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PANTAU_LOG_FORMAT": "json"}
    if kafka is not None:
        env["PANTAU_KAFKA"] = kafka
    if prefix is not None:
        env["PANTAU_TOPIC_PREFIX"] = prefix
    return {**env, **(extra or {})}


def private_prefix() -> str:
    """A topic prefix of its own for one test: its topics and consumer groups are nobody else's."""
    return f"e2e-{uuid.uuid4().hex[:8]}."


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for a process's ``metrics:`` or ``web.listen``)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PantauProcess:
    """A running ``pantau`` command; its stdout and stderr (JSON log lines) go to ``<cwd>/<name>.log``."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        cwd: Path,
        env: dict[str, str] | None = None,
        name: str | None = None,
        python: str | None = None,
    ) -> None:
        self.log = cwd / f"{name or f'pantau-{args[0]}-{time.monotonic_ns()}'}.log"
        self.metrics_url: str | None = None
        """``http://host:port`` of its /metrics, /healthz and /readyz, when the caller knows it."""
        self._out = self.log.open("ab")  # a process restarted under the same name appends
        self.proc = subprocess.Popen(
            # ``python``: another checkout's interpreter (a benchmark's baseline); this one's by default.
            [python or sys.executable, "-m", "pantau.cli.main", *args],
            cwd=cwd,
            env=env if env is not None else pantau_env(),
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the process used so far, from /proc (Linux)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / _TICKS

    def output(self) -> str:
        """Everything it wrote so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def events(self) -> list[dict]:
        """Every JSON log event written so far."""
        found = []
        for line in self.output().splitlines():
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
        pytest.fail(f"no {event!r} event logged; log:\n{self.output()[-3000:]}")

    def interrupt(self, timeout: float = 20.0) -> int:
        """Send Ctrl-C (SIGINT) and wait for the exit status."""
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> int:
        """SIGKILL, as a crash would: no clean shutdown, no leaving the group, nothing flushed."""
        self.proc.kill()
        return self.proc.wait(timeout=10)

    def stop(self, grace: float = 20.0) -> None:
        """Make sure it is gone (SIGTERM, then SIGKILL after ``grace`` seconds; 0: at once); close the log."""
        if self.proc.poll() is None:
            if grace:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    pass
            if self.proc.poll() is None:
                self.kill()
        self._out.close()


def wait_until(check: Callable[[], object], what: str, *, timeout: float, procs: Iterable[PantauProcess] = ()) -> None:
    """Poll ``check`` until true; fail with the processes' logs after ``timeout`` (or when one exits early)."""
    procs = list(procs)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        for p in procs:
            assert p.proc.poll() is None, f"{p.log.name} exited early:\n{p.output()[-3000:]}"
        time.sleep(0.2)
    logs = "\n".join(f"--- {p.log.name}\n{p.output()[-3000:]}" for p in procs)
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{logs}")


def http_status(url: str) -> int:
    """The HTTP status ``url`` answers with; 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def start_worker(
    config: Path,
    *,
    env: dict[str, str],
    metrics: str,
    name: str = "worker",
    args: Sequence[str] = (),
    timeout: float = 90,
) -> PantauProcess:
    """``pantau worker --config CONFIG`` in the config's folder, once its /readyz answers 200 (it joined its group).

    ``metrics`` is the config's ``metrics:`` address; a worker that is not ready in ``timeout`` seconds is
    stopped and the test fails with its log.
    """
    worker = PantauProcess(["worker", "--config", str(config), *args], cwd=config.parent, env=env, name=name)
    worker.metrics_url = f"http://{metrics}"
    try:
        wait_until(
            lambda: http_status(f"{worker.metrics_url}/readyz") == 200,
            "the worker to be ready",
            timeout=timeout,
            procs=[worker],
        )
    except BaseException:
        worker.stop()
        raise
    return worker


def publish(bootstrap: str, prefix: str, articles: Sequence[Article]) -> None:
    """Put ``articles`` on the prefix's articles topic with the sources' producer (acknowledged when it returns)."""
    from pantau.adapters.kafka.publisher import KafkaPublisher

    publisher = KafkaPublisher(bootstrap, prefix=prefix)
    try:
        asyncio.run(publisher.publish(list(articles)))
    finally:
        publisher.close()


def topic_records(bootstrap: str, topic: str) -> list[tuple[str, bytes]]:
    """(key, value) of every record now in ``topic``, read with kafka-python (no group, no commit)."""
    from tests.kafka_records import read_all

    return [(r.key.decode(), r.value) for r in read_all(bootstrap, topic)]
