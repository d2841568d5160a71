"""The feed list: YAML entries (the ``feeds:`` shape of pantau.yaml) or OPML."""

from __future__ import annotations

from pathlib import Path

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pantau.core.errors import ConfigError

__all__ = ["FeedSpec", "FeedAuth", "load_feed_list", "warn_short_intervals", "MIN_INTERVAL"]

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


def load_feed_list(path: Path) -> list[FeedSpec]:
    """Read a feed list from a YAML (``feeds:`` list) or OPML file."""
    from ruamel.yaml import YAML

    from pantau.core.files import read_text

    text = read_text(path, what="feed list", hint="name a YAML (`feeds:` list) or OPML file")
    if path.suffix.lower() in {".opml", ".xml"}:
        from pantau.sources.opml import parse_opml

        return warn_short_intervals(parse_opml(text, where=str(path)), where=str(path))
    try:
        data = YAML(typ="rt").load(text) or {}  # round trip: keeps line/column marks for errors
    except Exception as exc:  # ruamel raises several unrelated types for bad YAML
        raise ConfigError(f"{path}: not valid YAML: {exc}", hint="fix the indentation or quoting") from None
    items = data.get("feeds", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        from pantau.core.yaml_errors import kind_of

        raise ConfigError(f"{path}: expected a list of feeds, got {kind_of(items)}",
                          hint="write `feeds:` followed by `- url: ...` entries")
    from pantau.core.yaml_errors import describe

    feeds, problems = [], []
    for index, item in enumerate(items):
        try:
            feeds.append(FeedSpec.model_validate(item))
        except ValidationError as exc:
            prefix = ("feeds", index) if isinstance(data, dict) else (index,)
            problems.append(describe(exc, path, data, FeedSpec, prefix=prefix, quiet=frozenset({"headers", "auth"})))
    if problems:  # every broken entry at once, not one per restart
        raise ConfigError(f"{path} has errors:\n" + "\n".join(problems),
                          hint="see pantau/defaults/feeds.yaml for the fields a feed takes")
    return warn_short_intervals(feeds, where=str(path))


def warn_short_intervals(feeds: list[FeedSpec], *, where: str) -> list[FeedSpec]:
    """Log one warning per feed whose ``interval`` is below ``MIN_INTERVAL`` (polled at the minimum); ``feeds``."""
    from pantau.core.logs import get_logger

    for feed in feeds:
        if feed.interval < MIN_INTERVAL:
            get_logger(feed=feed.key).warning(
                "feed_interval_below_minimum", interval=feed.interval, minimum=MIN_INTERVAL, where=where,
                hint=f"pantau polls a feed at most once every {MIN_INTERVAL:g} s; set interval: {MIN_INTERVAL:g} "
                "or more",
            )
    return feeds
