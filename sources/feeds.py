"""A feed as the user declares it (one entry of ``feeds:`` in pantau.yaml, a feed list or OPML)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["FeedSpec", "FeedAuth", "warn_short_intervals", "MIN_INTERVAL"]

MIN_INTERVAL = 60.0
"""Shortest time between two polls of one feed: a shorter ``interval`` is raised to it (and warned about)."""


class FeedAuth(BaseModel):
    """Credentials for a private feed: HTTP Basic, or a bearer token."""

    model_config = ConfigDict(extra="forbid")
    username: str | None = None
    password: str | None = None
    token: str | None = None
    """Sent as ``Authorization: Bearer <token>``."""

    @model_validator(mode="after")
    def _one_kind(self) -> "FeedAuth":
        if self.token and (self.username or self.password):
            raise ValueError("give either username/password or token, not both")
        if not self.token and not self.username:
            raise ValueError("give username (and password) or token")
        return self


class FeedSpec(BaseModel):
    """One feed as the user declares it."""

    model_config = ConfigDict(extra="forbid")
    url: str
    name: str = ""
    id: str = ""
    """Stable id used in state, metrics and logs; defaults to the URL."""
    language: str | None = None
    tags: list[str] = Field(default_factory=list)
    interval: float = Field(default=300.0, gt=0)
    """Seconds between polls (adapted within bounds to how busy the feed is); at least ``MIN_INTERVAL``."""
    enabled: bool = True
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra request headers (cookies, API keys); sent only to the feed's own host."""
    auth: FeedAuth | None = None
    full_text: bool = False
    """Fetch each article's page and extract its main text (summary-only feeds)."""
    silent_after: float = 86400.0
    """Seconds without a new item after which the feed counts as silent."""
    failing_after: int = Field(default=3, ge=1)
    """Failed polls in a row after which the feed counts as failing (a feed_failing ops event)."""

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if urlsplit(value).scheme not in {"http", "https"} or not urlsplit(value).hostname:
            raise ValueError(f"feed url must be an http(s) address, got {value!r}")
        return value

    @property
    def key(self) -> str:
        """The feed's id: ``id`` when given, else its URL."""
        return self.id or self.url


def warn_short_intervals(feeds: list[FeedSpec], *, where: str) -> list[FeedSpec]:
    """Log one warning per feed whose ``interval`` is below ``MIN_INTERVAL`` (polled at the minimum); ``feeds``."""
    from pantau.core.logs import get_logger

    for feed in feeds:
        if feed.interval < MIN_INTERVAL:
            get_logger(feed=feed.key).warning(
                "feed_interval_below_minimum",
                interval=feed.interval,
                minimum=MIN_INTERVAL,
                where=where,
                hint=f"pantau polls a feed at most once every {MIN_INTERVAL:g} s; set interval: {MIN_INTERVAL:g} "
                "or more",
            )
    return feeds
