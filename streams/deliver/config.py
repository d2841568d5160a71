"""Destination and route declarations of pantau.yaml (``destinations:``, ``routes:``).

Destinations are one model with per-type checks (so a mistake is reported at
``destinations.<name>`` with the field to fix); routes follow Alertmanager:
first match wins unless ``continue: true``, a ``default: true`` route catches
what nothing else matched, and ``group_wait`` / ``group_interval`` /
``repeat_interval`` / ``storm`` shape how often a destination hears from it.
A route with ``events:`` is an ops route: it takes feed-health and
destination events (optionally only of some ``feeds:``), never articles;
article routes never take events. Secret values never appear in ``repr()``
or ``str()`` of a spec.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, model_validator

__all__ = ["DestinationSpec", "RouteSpec", "StormSpec", "EventName", "parse_duration", "Duration", "mask_url"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def parse_duration(value: object) -> float:
    """Seconds from ``30``, ``"30s"``, ``"5m"``, ``"4h"``, ``"1d"`` (a bare number is seconds)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 30s, 5m, 4h, got {value!r}")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"a duration cannot be negative, got {value!r}")
        return float(value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"expected a duration like 30s, 5m, 4h or 1d, got {value!r}")
    return float(m.group(1)) * _UNIT[m.group(2)]


Duration = Annotated[float, BeforeValidator(parse_duration)]

# The Standard Webhooks retry schedule: the first attempt at once, then these waits.
STANDARD_SCHEDULE = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)


def mask_url(url: str | None) -> str | None:
    """The URL with its password and (for token-bearing paths) everything after the host hidden."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]  # as written: a bad port must not stop us describing it
    if parts.username:
        host = f"{parts.username}:***@{host}" if parts.password else f"{parts.username}@{host}"
    path = "/***" if parts.path not in ("", "/") else parts.path
    return urlunsplit((parts.scheme, host, path, "", ""))


class DestinationSpec(BaseModel):
    """Where alerts go: a Slack webhook, an SMTP mailbox, a signed webhook, the console."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    type: Literal["webhook", "slack", "email", "console"]
    url: str | None = None
    """slack: the incoming-webhook URL; webhook: the receiver's https URL."""
    secret: SecretStr | None = None
    """webhook: signing secret, ``whsec_<base64>`` or any raw string."""
    secret_file: Path | None = None
    """webhook: read the signing secret from this file instead (Docker/K8s secrets)."""
    smtp: str | None = None
    """email: ``smtp://user:pass@host:587`` (STARTTLS when offered) or ``smtps://`` (TLS)."""
    from_: str | None = Field(default=None, alias="from")
    to: list[str] = Field(default_factory=list)
    subject_prefix: str = "[pantau]"
    templates: Path | None = None
    """email: a folder whose ``alert.*.j2`` / ``digest.*.j2`` override the shipped templates."""
    ca_file: Path | None = None
    """email: trust this CA bundle for the server's certificate (private relays)."""
    rate: float | None = None
    """Messages per second at most (default: 1 for Slack, unlimited otherwise)."""
    timeout: Duration = 15.0
    retry: list[Duration] | None = None
    """Attempt times: first at once, then after each wait (default: Standard Webhooks schedule)."""
    max_bytes: int = 20_000
    """webhook: largest body; text fields are shortened to fit."""
    color: bool | None = None
    """console: force colour on or off (default: only on a terminal)."""

    @model_validator(mode="after")
    def _fields_for_type(self) -> "DestinationSpec":
        needs = {"slack": ["url"], "webhook": ["url"], "email": ["smtp", "from_", "to"], "console": []}
        missing = [f.rstrip("_") for f in needs[self.type] if not getattr(self, f)]
        if missing:
            raise ValueError(f"{'an' if self.type == 'email' else 'a'} {self.type} destination needs {', '.join(missing)}")
        if self.type in ("slack", "webhook") and urlsplit(self.url or "").scheme not in ("http", "https"):
            raise ValueError(f"url must start with https:// (got {mask_url(self.url)!r})")
        if self.type == "email" and urlsplit(self.smtp or "").scheme not in ("smtp", "smtps"):
            raise ValueError(f"smtp must be smtp://host:587 or smtps://host:465 (got {mask_url(self.smtp)!r})")
        for field in ("url", "smtp"):
            try:
                urlsplit(getattr(self, field) or "").port
            except ValueError:
                raise ValueError(f"{field} has an invalid port (got {mask_url(getattr(self, field))!r})") from None
        if self.secret and self.secret_file:
            raise ValueError("give secret or secret_file, not both")
        if self.retry is not None and not self.retry:
            raise ValueError("retry needs at least one attempt time, e.g. [0, 5s, 5m]")
        return self

    def signing_secret(self) -> str | None:
        """The webhook signing secret, from ``secret`` or ``secret_file``."""
        if self.secret is not None:
            return self.secret.get_secret_value()
        if self.secret_file is not None:
            return self.secret_file.read_text(encoding="utf-8").strip()
        return None

    @property
    def schedule(self) -> tuple[float, ...]:
        """Offsets between attempts: ``retry`` or the Standard Webhooks schedule."""
        return tuple(self.retry) if self.retry is not None else STANDARD_SCHEDULE

    def __repr_args__(self):
        for name, value in super().__repr_args__():
            if name in ("url", "smtp"):
                value = mask_url(value)
            yield name, value


class StormSpec(BaseModel):
    """More than ``max`` alerts within ``window`` on a route become one summary message."""

    model_config = ConfigDict(extra="forbid")
    max: int = Field(default=20, ge=1)
    window: Duration = 300.0


EventName = Literal["feed_failing", "feed_silent", "feed_gone", "feed_recovered", "destination_disabled"]
"""Ops events a route can take (see streams/deliver/events.py)."""

_ARTICLE_ONLY = ("topics", "rules", "severity", "tags", "languages")


class RouteSpec(BaseModel):
    """Which matches (or, with ``events:``, which ops events) go where; every listed matcher must hold."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = ""
    """Stable name used in idempotency keys and metrics (default: derived from the matchers)."""
    topics: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
    severity: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    events: list[EventName] = Field(default_factory=list)
    """Ops events this route takes (it then takes no articles): feed_failing, feed_silent,
    feed_gone, feed_recovered, destination_disabled."""
    to: list[str] = Field(min_length=1)
    continue_: bool = Field(default=False, alias="continue")
    default: bool = False
    """Used only for matches no other route took (Alertmanager's root route)."""
    group_wait: Duration = 0.0
    group_interval: Duration = 0.0
    repeat_interval: Duration = 0.0
    """0: a story alerts once per destination; else it may alert again once per interval."""
    storm: StormSpec | None = None

    @model_validator(mode="after")
    def _events_only(self) -> "RouteSpec":
        if not self.events:
            return self
        # Ops events have no topic or rule, and arrive one per episode: these
        # settings would silently never apply, so say so instead.
        wrong = [f for f in _ARTICLE_ONLY if getattr(self, f)]
        wrong += [f for f in ("group_wait", "group_interval", "repeat_interval") if getattr(self, f)]
        if self.storm is not None:
            wrong.append("storm")
        if self.default:
            wrong.append("default")
        if wrong:
            raise ValueError(f"a route with events: matches only events and feeds; remove {', '.join(wrong)} "
                             "(put article matchers on a separate route)")
        return self

    @property
    def takes_events(self) -> bool:
        """True for an ops route (``events:``), which never takes articles."""
        return bool(self.events)

    @model_validator(mode="after")
    def _derive_name(self) -> "RouteSpec":
        if not self.name:
            # Derived from what the route matches and where it sends, not its
            # position, so that reordering routes keeps idempotency keys (and
            # so "sent once") stable.
            matchers = {k: sorted(getattr(self, k)) for k in ("topics", "rules", "severity", "tags", "feeds", "languages", "to")}
            matchers["default"] = self.default
            if self.events:  # only when set, so article routes keep the names (and keys) they had
                matchers["events"] = sorted(self.events)
            digest = hashlib.blake2b(json.dumps(matchers, sort_keys=True).encode(), digest_size=4).hexdigest()
            label = "-".join(self.topics[:2]) or ("default" if self.default else "ops" if self.events else "route")
            self.name = f"{label}-{digest}"
        return self

    @property
    def grouped(self) -> bool:
        """True when alerts wait to be sent together as a digest."""
        return self.group_wait > 0 or self.group_interval > 0
