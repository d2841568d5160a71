"""``pantau web hash-password`` and ``pantau web --help``: what a user runs to add people to the page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from argon2 import PasswordHasher

ROOT = Path(__file__).resolve().parents[2]


def _pantau(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pantau.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_hash_password_prints_an_argon2_hash_that_verifies():
    done = _pantau("web", "hash-password", stdin="rahasia-redaksi-2026\n")
    assert done.returncode == 0, done.stderr
    hashed = done.stdout.strip()
    assert hashed.startswith("$argon2id$") and PasswordHasher().verify(hashed, "rahasia-redaksi-2026")


def test_a_short_password_is_refused():
    done = _pantau("web", "hash-password", stdin="pendek\n")
    assert done.returncode == 1 and "at least 10 characters" in done.stderr


def test_help_teaches_users_roles_and_both_modes():
    text = _pantau("web", "--help").stdout
    for needle in ("hash-password", "viewer", "editor", "admin", "--no-kafka", "web.listen"):
        assert needle in text
