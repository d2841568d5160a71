"""Fixtures of the web page tests: a rules folder of our own, users of each role, a logged-in client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from webpage import PASSWORD, PASSWORD_HASH, TestClient, csrf_of

from pantau.config import Config
from pantau.streams.classify import LiveRules
from pantau.web.app import build_app, make_context


@pytest.fixture
def site(tmp_path, small_rules) -> tuple[Config, LiveRules]:
    """A config with our own rules folder and a user per role; the rules loaded (not watched)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, text in small_rules.items():
        (rules / name).write_text(text, encoding="utf-8")
    users = [{"name": role[:3], "role": role, "password_hash": PASSWORD_HASH} for role in ("viewer", "editor", "admin")]
    config = Config.model_validate(
        {
            "rules": str(rules),
            "state": str(tmp_path / "state" / "pantau.db"),
            "web": {"users": users, "login_attempts": 3},
        }
    )
    return config, LiveRules(rules)


@pytest.fixture
def app(site):
    """The page for ``site``; ``app.state.web`` is its context."""
    config, live = site
    return build_app(
        make_context(
            config, lambda: live.current, rules_problem=lambda: str(live.last_error) if live.last_error else None
        )
    )


@pytest.fixture
def client(app) -> Callable[..., TestClient]:
    """``client(role)``: a TestClient logged in as that role (``None``: not logged in)."""

    def make(role: str | None = "editor") -> TestClient:
        c = TestClient(app, base_url="http://127.0.0.1:8464")
        if role is not None:
            token = csrf_of(c.get("/login").text)
            reply = c.post("/login", data={"name": role[:3], "password": PASSWORD, "csrf_token": token})
            assert reply.status_code == 200 and "/login" not in str(reply.url), reply.text[:500]
        return c

    return make


def rules_dir(app) -> Path:
    """The rules folder the page edits."""
    return app.state.web.rules_dir
