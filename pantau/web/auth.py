"""Who may log in and what they may do: users, the shared token, roles, login limits, keys.

Passwords are kept only as argon2 hashes in the config; the shared token and
the cookie key, when not configured, are random values kept (mode 0600) next
to the state file so that they survive restarts. Failed logins are counted
per client address and per name, so guessing is slow from one address and
for one account.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pantau.web.settings import ROLES, WebConfig

__all__ = ["User", "Accounts", "LoginLimiter", "hash_password", "role_at_least", "stored_secret"]

_HASHER = PasswordHasher()
# Verifying against this when the name is unknown keeps the answer time the same (no user enumeration).
_DUMMY = _HASHER.hash(secrets.token_hex(8))


@dataclass(frozen=True)
class User:
    """A logged-in person: name, role, and the address used as commit author."""

    name: str
    role: str
    email: str = ""

    def may(self, role: str) -> bool:
        """True when this user's role is ``role`` or above."""
        return role_at_least(self.role, role)


def role_at_least(have: str, need: str) -> bool:
    """True when role ``have`` includes what ``need`` allows (viewer < editor < admin)."""
    return ROLES.index(have) >= ROLES.index(need)


def hash_password(password: str) -> str:
    """An argon2id hash to paste into ``web.users[].password_hash``."""
    return _HASHER.hash(password)


def stored_secret(folder: Path, name: str) -> str:
    """A random secret kept in ``folder/name`` (created with mode 0600 on first use)."""
    path = folder / name
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value


class Accounts:
    """Checks a name and password, or the shared token, against the ``web:`` config."""

    def __init__(self, config: WebConfig, *, token: str | None = None) -> None:
        self._users = {u.name: u for u in config.users}
        self.token = config.token.get_secret_value() if config.token else token
        """The shared token (configured, or generated when there are no users)."""

    def login(self, name: str, password: str) -> User | None:
        """The user when the password is right, else None (same time either way)."""
        found = self._users.get(name)
        try:
            _HASHER.verify(found.password_hash if found else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        if found is None:
            return None
        return User(found.name, found.role, found.email or f"{found.name}@pantau.invalid")

    def login_token(self, token: str) -> User | None:
        """The admin user when ``token`` is the shared token, else None."""
        if not self.token or not token:
            return None
        if hmac.compare_digest(token.encode(), self.token.encode()):
            return User("token", "admin", "token@pantau.invalid")
        return None

    def user(self, name: str, role: str) -> User | None:
        """The user a session names, if still configured (a removed user's session ends)."""
        if name == "token":
            return User("token", "admin", "token@pantau.invalid") if self.token else None
        found = self._users.get(name)
        if found is None or found.role != role:
            return None
        return User(found.name, found.role, found.email or f"{found.name}@pantau.invalid")


class LoginLimiter:
    """At most ``attempts`` failed logins per key within ``window`` seconds."""

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        seen = self._failures[key]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        return seen

    def retry_after(self, keys: list[str], now: float | None = None) -> float:
        """Seconds until another attempt is allowed for every key (0 when allowed now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            wait = 0.0
            for key in keys:
                seen = self._trim(key, now)
                if len(seen) >= self.attempts:
                    wait = max(wait, seen[0] + self.window - now)
            return wait

    def failed(self, keys: list[str], now: float | None = None) -> None:
        """Count one failed attempt for each key."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys:
                self._trim(key, now).append(now)
            if len(self._failures) > 10_000:  # bounded under a spray of addresses
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def succeeded(self, keys: list[str]) -> None:
        """Forget the failures of these keys."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
