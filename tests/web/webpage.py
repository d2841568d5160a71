"""Helpers of the web page tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import re
import warnings

from pantau.web.auth import hash_password

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette asks for httpx2; httpx is what this stack ships
    from starlette.testclient import TestClient

__all__ = ["PASSWORD", "PASSWORD_HASH", "TestClient", "csrf_of"]

PASSWORD = "kata-sandi-panjang-1"
PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per session


def csrf_of(html: str) -> str:
    """The CSRF token a page carries (the test fails showing the page's start when it carries none)."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, f"no csrf_token on the page: {html[:500]}"
    return found.group(1)
