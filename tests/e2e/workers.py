"""Long-running pantau processes and the Kafka view of them, for the distributed end-to-end tests."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.kafka_records import read_all

__all__ = ["Pantau", "free_port", "http_status", "topic_records", "wait_until"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pantau:
    """A long-running `pantau` subprocess with its output in a log file."""

    def __init__(self, name: str, args: list[str], *, cwd: Path, env: dict[str, str]) -> None:
        self.log = cwd / f"{name}.log"
        self._out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pantau.cli.main", *args],
            cwd=cwd,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no leaving the group, nothing flushed."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._out.close()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_until(check, what: str, *, timeout: float, procs: list[Pantau] = ()) -> None:
    """Poll ``check`` until true; fail with the processes' logs after ``timeout``."""
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
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def topic_records(bootstrap: str, topic: str) -> list[tuple[str, bytes]]:
    """(key, value) of every record now in ``topic``, read with kafka-python (no group, no commit)."""
    return [(r.key.decode(), r.value) for r in read_all(bootstrap, topic)]
