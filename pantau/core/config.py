"""pantau.yaml: load, substitute ``${ENV}`` values, validate, report located errors.

The file is the one thing a user writes, so it stays small::

    feeds: [...]            # a list, or the path of a YAML or OPML feed list
    rules: rules/
    state: .pantau/state.db
    kafka: 127.0.0.1:9092
    metrics: 127.0.0.1:9464
    network: {allow_private: false}
    archive: 14d            # how long every article is kept for search and backtests (0 = off)
    web: {public_url: https://pantau.example.org, secret: ${PANTAU_WEB_SECRET}}
    websub: {callback_url: https://pantau.example.org/websub}   # push feeds (WebSub hubs)
    destinations: {...}
    routes: [...]

Unknown keys are refused with a "did you mean" hint, never ignored.
"""

from __future__ import annotations

import difflib
import os
import re
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from pantau.sources.feed_list import load_feed_list
from pantau.sources.feeds import FeedSpec
from pantau.streams.deliver.config import Duration, RouteSpec
from pantau.streams.deliver.destinations import DestinationSpec
from pantau.core.errors import ConfigError, MissingEnvError
from pantau.core.yaml_errors import describe

__all__ = ["Config", "NetworkConfig", "WebConfig", "WebSubConfig", "DEFAULT_ARCHIVE", "load_config", "default_config_path", "shipped_rules_dir", "substitute_env"]

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


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


DEFAULT_ARCHIVE = 14 * 86400.0
"""How long the archive keeps articles unless ``archive:`` says otherwise (seconds)."""


class WebConfig(BaseModel):
    """The editors' web page and the links alerts carry to it (feedback)."""

    model_config = ConfigDict(extra="forbid")
    public_url: str | None = None
    """Where people reach the web page (feedback links point there); None: links use the local address."""
    secret: SecretStr | None = None
    """Key that signs feedback links; None: one is generated once and kept in the state file."""


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
            raise ValueError(f"callback_url {value!r} is not an http(s) URL with a path; write the public address "
                             "hubs reach this process at, e.g. https://pantau.example.org/websub")
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
    source: Path | None = None
    """The file this configuration was read from (None for built-in defaults)."""
    feeds_file: Path | None = None
    """The feed list file ``feeds:`` names (watched for edits); None for an inline list."""


def shipped_rules_dir() -> Path:
    """The rules shipped with pantau: package data ``pantau.rules`` (the ``rules/`` folder of a checkout)."""
    return Path(str(files("pantau.rules")))


def default_config_path() -> Path:
    """The shipped default configuration: real public feeds and the shipped rules."""
    return Path(str(files("pantau.defaults") / "pantau.yaml"))


def substitute_env(value: Any, *, where: str, env: dict[str, str] | None = None) -> Any:
    """Replace every ``${NAME}`` in strings nested in ``value`` from the environment."""
    env = os.environ if env is None else env
    if isinstance(value, str):

        def repl(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in env:
                raise MissingEnvError(
                    f"{where}: environment variable {name} is not set",
                    hint=f"export {name}=... before starting pantau, or write the value in the file",
                )
            return env[name]

        return _ENV.sub(repl, value)
    if isinstance(value, dict):
        return {k: substitute_env(v, where=f"{where}.{k}", env=env) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_env(v, where=f"{where}[{i}]", env=env) for i, v in enumerate(value)]
    return value


def load_config(path: str | Path | None = None, *, env: dict[str, str] | None = None) -> Config:
    """Read and validate a pantau.yaml (the shipped default when ``path`` is None).

    Relative paths are relative to the file, except the shipped default's
    ``state:``, which is relative to the current directory.
    """
    shipped = not path
    path = Path(path) if path else default_config_path()
    try:
        raw = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"configuration file {path} does not exist",
            hint="pass --config FILE, or copy the shipped pantau/defaults/pantau.yaml as a start",
        ) from None
    except YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}", hint="fix the indentation or quoting") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings, got {type(raw).__name__}")
    data = substitute_env(raw, where=str(path), env=env)
    base = path.resolve().parent
    feeds = data.get("feeds", [])
    feeds_file = (base / feeds).resolve() if isinstance(feeds, str) else None
    if feeds_file is not None:
        data["feeds"] = [f.model_dump() for f in load_feed_list(base / feeds)]
    try:
        cfg = Config.model_validate({**data, "source": path.resolve(), "feeds_file": feeds_file})
    except ValidationError as exc:
        raise ConfigError(f"{path} has errors:\n{describe(exc, path, raw, Config, quiet=frozenset({'destinations'}))}") from None
    # Relative paths are relative to the config file, as users expect; the
    # shipped file lives inside the package, so its state goes where pantau
    # was started, not next to the installed files.
    cfg.rules = cfg.rules if cfg.rules.is_absolute() else (base / cfg.rules).resolve()
    cfg.state = cfg.state if cfg.state.is_absolute() else ((Path.cwd() if shipped else base) / cfg.state)
    _check_routes(cfg, path)
    return cfg


def _check_routes(cfg: Config, path: Path) -> None:
    names = set(cfg.destinations)
    for i, route in enumerate(cfg.routes):
        for dest in route.to:
            if dest not in names and dest != "console":
                close = difflib.get_close_matches(dest, sorted(names), n=1)
                hint = f"did you mean {close[0]!r}?" if close else "declare it under destinations:"
                raise ConfigError(f"{path}: routes[{i}] sends to unknown destination {dest!r}", hint=hint)
