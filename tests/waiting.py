"""Waiting for what another thread or process does: generous bounds for a loaded machine, never timing assertions.

``wait_for(predicate)``        True once ``predicate()`` holds (False after the bound): for ``assert wait_for(...)``
``wait_until(probe, what)``    the first truthy ``probe()``, else the test fails naming ``what``

The end-to-end tests have their own ``wait_until`` (tests/e2e/processes.py), which also fails as soon as
a process under test exits and shows its log.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

__all__ = ["wait_for", "wait_until"]

T = TypeVar("T")


def wait_for(predicate: Callable[[], object], timeout: float = 60.0, interval: float = 0.05) -> bool:
    """Poll until ``predicate()`` holds; its last answer (as a bool) once ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def wait_until(probe: Callable[[], T], what: str, timeout: float = 60.0, interval: float = 0.2) -> T:
    """The first truthy ``probe()``; fails the test with ``timed out waiting for <what>`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := probe():
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
