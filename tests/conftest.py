"""Fixtures shared by the whole suite: seeds, the real broker, real tools.

A test that needs something real (a Kafka broker, promtool) asks for it with
:func:`require`. Outside CI a missing part skips the test with the reason; under
``CI=true`` nothing skips and a missing part fails the test.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
from pathlib import Path

import pytest
import structlog

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(ok: bool, what: str) -> None:
    """Fail under CI, skip elsewhere, when a real part the test needs is missing."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing, and under CI=true nothing skips")
    pytest.skip(f"{what} is missing (run `make test`, which provides it; under CI this fails)")


def _reachable(bootstrap: str) -> bool:
    host, _, port = bootstrap.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=2):
            return True
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The real Indonesian articles in ../shared/seeds (read, never copied)."""
    require((SEEDS / "index.yaml").exists(), f"the seed articles at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """The real broker's address from PANTAU_KAFKA (set by `make test`)."""
    bootstrap = os.environ.get("PANTAU_KAFKA", "")
    require(bool(bootstrap) and _reachable(bootstrap), f"a Kafka broker (PANTAU_KAFKA={bootstrap or 'unset'})")
    return bootstrap


@pytest.fixture(scope="session")
def promtool() -> str:
    """Path of Prometheus's promtool (Debian package `prometheus`)."""
    path = shutil.which("promtool")
    require(path is not None, "promtool (Debian package prometheus)")
    return path


@pytest.fixture(scope="session")
def chromium() -> tuple[Path, Path]:
    """Debian's Chromium and ChromeDriver (packages chromium, chromium-driver; deploy/test-env.sh installs them)."""
    paths = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
    require(
        all(p.exists() for p in paths),
        "Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)",
    )
    return paths


@pytest.fixture
def restore_logging():
    """cli.main() points logging at pytest's captured stderr; undo that after the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.reset_defaults()
    root.handlers[:], root.level = handlers, level


SMALL_RULES = {
    "cybercrime.yaml": """\
topic: cybercrime
title: Cybercrime
owner: tests
rules:
  - id: cyber-terms
    any: [kejahatan siber, peretas, ransomware, penipuan daring]
""",
    "north-korea.yaml": """\
topic: north-korea
title: North Korea
owner: tests
rules:
  - id: nk-names
    any: [Korea Utara, Korut, Pyongyang]
""",
    "asean.yaml": """\
topic: asean
title: ASEAN
owner: tests
rules:
  - id: asean-name
    any: [ASEAN]
""",
}


@pytest.fixture(scope="session")
def small_rules() -> dict[str, str]:
    """Three one-rule topic files of our own (file name -> YAML): tests do not move when editors tune rules/."""
    return dict(SMALL_RULES)
