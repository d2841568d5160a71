"""`--kafka` commands with no broker: one clear error line, not pages of client retries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["silence", "list", "--kafka"],
        ["alerts", "dead", "--kafka"],
        ["silence", "add", "--kafka", "--topic", "asean", "--for", "1h", "--reason", "x"],
        ["alerts", "replay", "--kafka", "--all"],
        ["rules", "backtest", "--kafka"],
        ["worker"],
        ["topics", "--grow"],
    ],
)
def test_no_broker_is_one_clear_error(argv: list[str], tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PANTAU_KAFKA": f"127.0.0.1:{_closed_port()}",
        "PANTAU_LOG_FORMAT": "json",
    }
    # The timeout bounds a hang (kafka-python alone retries for a minute); it is no speed check.
    proc = subprocess.run(
        [sys.executable, "-m", "pantau.cli.main", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("pantau: error: no Kafka broker answers at 127.0.0.1:"), proc.stderr
    assert len(proc.stderr.splitlines()) <= 2 and "Traceback" not in proc.stderr, proc.stderr
