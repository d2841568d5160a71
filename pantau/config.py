"""pantau.yaml as a whole: every section validated by the model of the part that owns it.

The file is the one thing a user writes, so it stays small::

    feeds: [...]            # a list, or the path of a YAML or OPML feed list
    rules: rules/
    state: .pantau/state.db
    kafka: 127.0.0.1:9092
    metrics: 127.0.0.1:9464
    network: {allow_private: false}
    archive: 14d            # how long every article is kept for search and backtests (0 = off)
    web: {listen: 127.0.0.1:8464, public_url: https://pantau.example.org, users: [...]}
    websub: {callback_url: https://pantau.example.org/websub}   # push feeds (WebSub hubs)
    destinations: {...}
    routes: [...]

Unknown keys are refused with a "did you mean" hint, never ignored. This
module composes the parts (feeds from ``pantau.sources``, routes and
destinations from ``pantau.streams.deliver``, the web UI's settings) over the
shared kernel's :mod:`pantau.core.config`, which imports none of them; only
the layers above (runtime, CLI, web, adapters) read a whole :class:`Config`.
"""

from __future__ import annotations

import difflib
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pantau.core.config import (
    DEFAULT_ARCHIVE,
    Duration,
    KafkaSettings,
    NetworkConfig,
    WebSubConfig,
    default_config_path,
    read_config_file,
    shipped_rules_dir,
)
from pantau.core.errors import ConfigError
from pantau.core.yaml_errors import describe, locate
from pantau.sources.feed_list import load_feed_list
from pantau.sources.feeds import FeedSpec, warn_short_intervals
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import DestinationSpec
from pantau.streams.deliver.inhibit import InhibitRule
from pantau.web.settings import WebConfig

__all__ = ["Config", "load_config"]


class Config(BaseModel):
    """A validated pantau.yaml; paths are absolute, env values substituted."""

    model_config = ConfigDict(extra="forbid")
    feeds: list[FeedSpec] = Field(default_factory=list)
    rules: Path = Field(default_factory=lambda: shipped_rules_dir())
    state: Path = Path(".pantau/state.db")
    kafka: str = "127.0.0.1:9092"
    metrics: str | None = "127.0.0.1:9464"
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    archive: Duration = DEFAULT_ARCHIVE
    """Seconds every article is kept in the archive (``14d``); 0 turns the archive off."""
    web: WebConfig = Field(default_factory=WebConfig)
    websub: WebSubConfig | None = None
    """Subscribe to the hubs feeds advertise (None: poll only)."""
    destinations: dict[str, DestinationSpec] = Field(default_factory=dict)
    routes: list[RouteSpec] = Field(default_factory=list)
    inhibit: list[InhibitRule] = Field(default_factory=list)
    """Alertmanager-style inhibition: a source match on a story mutes target routes' alerts on it."""
    source: Path | None = None
    """The file this configuration was read from (None for built-in defaults)."""
    feeds_file: Path | None = None
    """The feed list file ``feeds:`` names (watched for edits); None for an inline list."""

    @cached_property
    def broker(self) -> KafkaSettings:
        """Kafka settings: ``kafka:`` and the PANTAU_KAFKA* environment, read once per configuration."""
        return KafkaSettings.resolve(self.kafka)


def load_config(path: str | Path | None = None, *, env: dict[str, str] | None = None) -> Config:
    """Read and validate a pantau.yaml (the shipped default when ``path`` is None).

    Relative paths are relative to the file, except the shipped default's
    ``state:``, which is relative to the current directory.
    """
    shipped = not path
    path = Path(path) if path else default_config_path()
    raw, data = read_config_file(path, env=env)
    base = path.resolve().parent
    feeds = data.get("feeds", [])
    feeds_file = (base / feeds).resolve() if isinstance(feeds, str) else None
    if feeds_file is not None:
        try:
            data["feeds"] = [f.model_dump() for f in load_feed_list(base / feeds)]
        except ConfigError as exc:
            where = locate(path, raw, ("feeds",))
            raise ConfigError(f"{where}: feeds: {exc.message}", hint=exc.hint) from None
    try:
        cfg = Config.model_validate({**data, "source": path.resolve(), "feeds_file": feeds_file})
    except ValidationError as exc:
        raise ConfigError(
            f"{path} has errors:\n{describe(exc, path, raw, Config, quiet=frozenset({'destinations'}))}"
        ) from None
    # Relative paths are relative to the config file, as users expect; the
    # shipped file lives inside the package, so its state goes where pantau
    # was started, not next to the installed files.
    cfg.rules = cfg.rules if cfg.rules.is_absolute() else (base / cfg.rules).resolve()
    cfg.state = cfg.state if cfg.state.is_absolute() else ((Path.cwd() if shipped else base) / cfg.state)
    _check_routes(cfg, path, raw)
    if feeds_file is None:  # a feed list file warned when it was read
        warn_short_intervals(cfg.feeds, where=str(path))
    return cfg


def _check_routes(cfg: Config, path: Path, raw: Any) -> None:
    """Every route sends to declared destinations; all unknown ones reported at once, located."""
    names = set(cfg.destinations)
    problems: list[tuple[str, str]] = []
    for i, route in enumerate(cfg.routes):
        for j, dest in enumerate(route.to):
            if dest not in names and dest != "console":
                close = difflib.get_close_matches(dest, sorted(names), n=1)
                fix = f"did you mean {close[0]!r}?" if close else "declare it under destinations:"
                problems.append(
                    (
                        f"{locate(path, raw, ('routes', i, 'to', j))}: routes[{i}] sends to unknown "
                        f"destination {dest!r}",
                        fix,
                    )
                )
    if len(problems) == 1:
        raise ConfigError(problems[0][0], hint=problems[0][1])
    if problems:
        raise ConfigError(
            f"{path} has errors:\n" + "\n".join(f"{what} ({fix})" for what, fix in problems),
            hint="destinations are declared under `destinations:`; `console` is built in",
        )
