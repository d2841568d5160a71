"""pantau.yaml: load, substitute ``${ENV}`` values, validate, report located errors.

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

Unknown keys are refused with a "did you mean" hint, never ignored.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from pantau.core.errors import ConfigError, MissingEnvError
from pantau.core.files import read_text
from pantau.core.yaml_errors import describe, kind_of, locate
from pantau.sources.feed_list import load_feed_list
from pantau.sources.feeds import FeedSpec, warn_short_intervals
from pantau.streams.deliver.config import Duration, RouteSpec
from pantau.streams.deliver.destinations import DestinationSpec
from pantau.streams.deliver.inhibit import InhibitRule
from pantau.web.settings import WebConfig

__all__ = [
    "Config",
    "NetworkConfig",
    "KafkaSettings",
    "WebConfig",
    "WebSubConfig",
    "DEFAULT_ARCHIVE",
    "load_config",
    "default_config_path",
    "shipped_rules_dir",
    "substitute_env",
]

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
BOOTSTRAP_ENV = "PANTAU_KAFKA"
PREFIX_ENV = "PANTAU_TOPIC_PREFIX"
REPLICAS_ENV = "PANTAU_KAFKA_REPLICAS"
EXACTLY_ONCE_ENV = "PANTAU_EXACTLY_ONCE"


class NetworkConfig(BaseModel):
    """Fetching limits shared by every feed."""

    model_config = ConfigDict(extra="forbid")
    allow_private: bool = False
    max_bytes: int = 10 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    per_host: int = 2
    concurrency: int = 32


class KafkaSettings(BaseModel):
    """The broker and how pantau names and replicates its topics (distributed mode), resolved once.

    ``PANTAU_KAFKA`` overrides ``kafka:`` (containers, tests); ``PANTAU_TOPIC_PREFIX``
    puts a deployment or a test run in its own namespace of topics and groups;
    ``PANTAU_KAFKA_REPLICAS`` sets replicas per partition (None: the broker's default);
    ``PANTAU_EXACTLY_ONCE=1`` turns on Kafka transactions in the workers (see README, "Exactly once").
    """

    model_config = ConfigDict(frozen=True)
    bootstrap: str = "127.0.0.1:9092"
    prefix: str = ""
    replicas: int | None = None
    exactly_once: bool = False

    @classmethod
    def resolve(cls, kafka: str, env: Mapping[str, str] | None = None) -> KafkaSettings:
        """Settings from the config's ``kafka:`` and the environment (``os.environ`` by default)."""
        env = os.environ if env is None else env
        value = env.get(REPLICAS_ENV, "").strip()
        if value and (not value.isdigit() or int(value) < 1):
            raise ConfigError(
                f"{REPLICAS_ENV}={value!r} is not a positive number",
                hint="set it to the replication factor your cluster allows, e.g. 3, or unset it",
            )
        once = env.get(EXACTLY_ONCE_ENV, "").strip().lower()
        if once not in ("", "0", "1", "true", "false", "yes", "no"):
            raise ConfigError(
                f"{EXACTLY_ONCE_ENV}={once!r} is not a yes/no value",
                hint="set it to 1 (Kafka transactions on) or 0, or unset it",
            )
        return cls(
            bootstrap=env.get(BOOTSTRAP_ENV) or kafka,
            prefix=env.get(PREFIX_ENV, ""),
            replicas=int(value) if value else None,
            exactly_once=once in ("1", "true", "yes"),
        )


DEFAULT_ARCHIVE = 14 * 86400.0
"""How long the archive keeps articles unless ``archive:`` says otherwise (seconds)."""


class WebSubConfig(BaseModel):
    """Push delivery of feeds that advertise a WebSub hub (W3C WebSub); polling stays as the safety net."""

    model_config = ConfigDict(extra="forbid")
    callback_url: str
    """Public http(s) URL of the callback, served by this process on the ``metrics:`` address under the
    same path (``https://pantau.example.org/websub`` -> ``/websub/<id>``); a reverse proxy may front it."""
    lease: Duration = 86400.0
    """Lease asked of the hub (``1d``); it may grant another, and pantau renews at 80 % of what it granted."""
    poll_interval: Duration = 3600.0
    """How often a feed with a live subscription is still polled (the safety net; never more often than
    the feed's own interval). When a poll finds articles the hub did not push, polling returns to the
    feed's own interval until pushes arrive again."""

    @field_validator("callback_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path.strip("/") == "":
            raise ValueError(
                f"callback_url {value!r} is not an http(s) URL with a path; write the public address "
                "hubs reach this process at, e.g. https://pantau.example.org/websub"
            )
        return value.rstrip("/")


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


def shipped_rules_dir() -> Path:
    """The rules shipped with pantau: package data ``pantau.rules`` (the ``rules/`` folder of a checkout)."""
    return Path(str(files("pantau.rules")))


def default_config_path() -> Path:
    """The shipped default configuration: real public feeds and the shipped rules."""
    return Path(str(files("pantau.defaults") / "pantau.yaml"))


def substitute_env(
    value: Any,
    *,
    where: str,
    env: Mapping[str, str] | None = None,
    _missing: list[tuple[tuple, str]] | None = None,
    _loc: tuple = (),
) -> Any:
    """Replace every ``${NAME}`` in strings nested in ``value`` from the environment.

    Every unset variable is reported at once, each located at its line when
    ``value`` came from a round-trip YAML load.
    """
    env = os.environ if env is None else env
    top = _missing is None
    missing: list[tuple[tuple, str]] = [] if top else _missing
    if isinstance(value, str):

        def repl(m: re.Match[str]) -> str:
            if m.group(1) not in env:
                missing.append((_loc, m.group(1)))
                return m.group(0)
            return env[m.group(1)]

        result: Any = _ENV.sub(repl, value)
    elif isinstance(value, dict):
        result = {
            k: substitute_env(v, where=where, env=env, _missing=missing, _loc=(*_loc, k)) for k, v in value.items()
        }
    elif isinstance(value, list):
        result = [
            substitute_env(v, where=where, env=env, _missing=missing, _loc=(*_loc, i)) for i, v in enumerate(value)
        ]
    else:
        result = value
    if top and missing:
        lines = []
        for loc, name in missing:
            place = locate(Path(where), value, loc)
            dotted = ".".join(str(p) for p in loc)
            lines.append(f"{place}: {dotted + ': ' if dotted else ''}environment variable {name} is not set")
        names = " ".join(dict.fromkeys(f"{name}=..." for _loc, name in missing))
        message = (
            lines[0] if len(lines) == 1 else f"{where}: {len(lines)} unset environment variables:\n" + "\n".join(lines)
        )
        raise MissingEnvError(message, hint=f"export {names} before starting pantau, or write the value in the file")
    return result


_NEEDS = "feeds: (a list of feeds, or the path of a feed list) at least; see pantau/defaults/pantau.yaml"


def load_config(path: str | Path | None = None, *, env: dict[str, str] | None = None) -> Config:
    """Read and validate a pantau.yaml (the shipped default when ``path`` is None).

    Relative paths are relative to the file, except the shipped default's
    ``state:``, which is relative to the current directory.
    """
    shipped = not path
    path = Path(path) if path else default_config_path()
    text = read_text(
        path,
        what="configuration file",
        hint="pass --config FILE naming a pantau.yaml, or copy pantau/defaults/pantau.yaml as a start",
    )
    try:
        raw = YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}", hint="fix the indentation or quoting") from None
    if raw is None:
        raise ConfigError(
            f"configuration file {path} is empty: it needs {_NEEDS}",
            hint="write e.g. `feeds: feeds.yaml` and `rules: rules/`",
        )
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{path}: expected a mapping of settings (key: value), got {kind_of(raw)}",
            hint=f"a configuration needs {_NEEDS}",
        )
    data = substitute_env(raw, where=str(path), env=env)
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
