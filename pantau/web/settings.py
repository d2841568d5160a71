"""The ``web:`` section of pantau.yaml: where the page listens and who may log in.

    web:
      listen: 127.0.0.1:8464          # null turns the page off
      public_url: https://pantau.example.org   # links in alerts; https makes cookies Secure
      users:
        - {name: ana, role: editor, password_hash: "$argon2id$..."}   # pantau web hash-password
      token: ${PANTAU_WEB_TOKEN}      # or one shared token (logs in as admin)

With neither users nor a token, pantau makes a token, keeps it in the state
folder and prints a login link at start: the page is never open to anyone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = ["WebConfig", "WebUser", "ROLES", "DEFAULT_LISTEN"]

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
"""From least to most: viewers read, editors change rules/silences, admins also read the audit log."""

DEFAULT_LISTEN = "127.0.0.1:8464"


class WebUser(BaseModel):
    """One person who may log in."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    password_hash: str = Field(min_length=20)
    """An argon2 hash (``pantau web hash-password``); never the password itself."""
    role: Literal["viewer", "editor", "admin"] = "viewer"
    email: str | None = None
    """Used as the author address of rule commits (default: name@pantau.invalid)."""


class WebConfig(BaseModel):
    """Where the page listens, who may log in, how cookies and links are protected."""

    model_config = ConfigDict(extra="forbid")
    listen: str | None = DEFAULT_LISTEN
    public_url: str | None = None
    """The address people reach the page at (feedback links); default ``http://<listen>``."""
    users: list[WebUser] = Field(default_factory=list)
    token: SecretStr | None = None
    """A single shared secret: whoever has it logs in as admin."""
    secret: SecretStr | None = None
    """Signs feedback links and session cookies; default: random keys kept with the state."""
    secure_cookies: bool | None = None
    """Mark cookies Secure; default: when public_url is https."""
    login_attempts: int = Field(default=5, ge=1)
    """Failed logins allowed per client address and name within ``login_window`` seconds."""
    login_window: float = Field(default=300.0, gt=0)
    session_hours: float = Field(default=12.0, gt=0)
