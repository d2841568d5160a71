"""deploy/test-env.sh and deploy/kafka/local-kafka.sh: what `make test` says and returns.

The broker start itself is exercised by every `make test` (the suite's broker);
these cover the paths a machine without Java or Maven, or CI, takes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_ENV = ROOT / "deploy" / "test-env.sh"
LOCAL_KAFKA = ROOT / "deploy" / "kafka" / "local-kafka.sh"
# What the scripts need, and nothing else: no java, no mvn on this PATH.
TOOLS = ("bash", "sh", "id", "mktemp", "rm", "dirname", "cat", "grep", "sed", "promtool", "kcat")


@pytest.fixture
def bare_path(tmp_path) -> str:
    """A PATH holding only basic tools (symlinked), so Java and Maven look absent."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def run(script: Path, *args: str, path: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("PANTAU_KAFKA", "CI", "PANTAU_KAFKA_RUN")}
    return subprocess.run(
        ["bash", str(script), *args], env={**base, "PATH": path, **env}, capture_output=True, text=True, timeout=60
    )


def test_without_java_and_maven_it_says_which_tests_cannot_run_and_runs_the_rest(bare_path):
    proc = run(TEST_ENV, "sh", "-c", "echo ran; exit 0", path=bare_path)
    assert proc.returncode == 0
    assert "ran" in proc.stdout
    assert "cannot run" in proc.stderr
    assert "java is not installed and mvn is not installed" in proc.stderr
    assert "tests/kafka" in proc.stderr and "skipped" in proc.stderr


def test_under_ci_a_missing_broker_is_a_failure(bare_path):
    proc = run(TEST_ENV, "sh", "-c", "echo ran", path=bare_path, CI="true")
    assert proc.returncode == 1
    assert "ran" not in proc.stdout
    assert "CI=true" in proc.stderr


@pytest.mark.parametrize(("ci", "status", "expected"), [("", 5, 0), ("true", 5, 5), ("", 3, 3), ("true", 0, 0)])
def test_the_command_status_is_returned_and_an_empty_selection_is_not_an_error_outside_ci(
    bare_path, ci, status, expected
):
    proc = run(
        TEST_ENV,
        "sh",
        "-c",
        f'test "$PANTAU_KAFKA" = 127.0.0.1:9 || exit 99; exit {status}',
        path=bare_path,
        PANTAU_KAFKA="127.0.0.1:9",
        CI=ci,
    )
    assert proc.returncode == expected, proc.stderr
    assert "using the Kafka broker at PANTAU_KAFKA=127.0.0.1:9" in proc.stderr


def test_local_kafka_reports_no_broker_in_an_empty_run_dir(tmp_path, bare_path):
    status = run(LOCAL_KAFKA, "status", path=bare_path, PANTAU_KAFKA_RUN=str(tmp_path))
    assert (status.returncode, status.stdout.strip()) == (3, "not running")
    env = run(LOCAL_KAFKA, "env", path=bare_path, PANTAU_KAFKA_RUN=str(tmp_path))
    assert env.returncode == 1 and "no broker running" in env.stderr and "start" in env.stderr
    start = run(LOCAL_KAFKA, "start", path=bare_path, PANTAU_KAFKA_RUN=str(tmp_path))
    assert start.returncode == 1 and "java not found" in start.stderr
