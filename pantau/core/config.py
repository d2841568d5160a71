"""Settings every part of pantau shares, and reading a pantau.yaml into checked, located data.

Only what the kernel's users share lives here: network limits (sources), the
Kafka settings (adapters), WebSub (sources), durations (``14d``) and the
``${ENV}`` substitution. The whole file's model, :class:`pantau.config.Config`,
composes these with the sections each part owns (feeds, routes, destinations,
the web UI), so the kernel imports none of those parts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from pantau.core.errors import ConfigError, MissingEnvError
from pantau.core.files import read_text
from pantau.core.yaml_errors import Loc, kind_of, locate

__all__ = [
    "NetworkConfig",
    "KafkaSettings",
    "WebSubConfig",
    "Duration",
    "parse_duration",
    "DEFAULT_ARCHIVE",
    "read_config_file",
    "default_config_path",
    "shipped_rules_dir",
    "substitute_env",
]

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
BOOTSTRAP_ENV = "PANTAU_KAFKA"
PREFIX_ENV = "PANTAU_TOPIC_PREFIX"
REPLICAS_ENV = "PANTAU_KAFKA_REPLICAS"
EXACTLY_ONCE_ENV = "PANTAU_EXACTLY_ONCE"


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
"""A number of seconds written ``30``, ``30s``, ``5m``, ``4h``, ``1d`` or ``2w`` in pantau.yaml."""


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
    _missing: list[tuple[Loc, str]] | None = None,
    _loc: Loc = (),
) -> Any:
    """Replace every ``${NAME}`` in strings nested in ``value`` from the environment.

    Every unset variable is reported at once, each located at its line when
    ``value`` came from a round-trip YAML load.
    """
    env = os.environ if env is None else env
    top = _missing is None
    missing: list[tuple[Loc, str]] = [] if _missing is None else _missing
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


def read_config_file(path: Path, *, env: Mapping[str, str] | None = None) -> tuple[Any, dict[str, Any]]:
    """``(raw, data)`` of a pantau.yaml: the round-trip YAML (its line marks locate errors), ``${ENV}`` substituted.

    Refuses, naming the file, what is not YAML, is empty or is not a mapping,
    and every unset environment variable at once.
    """
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
    return raw, substitute_env(raw, where=str(path), env=env)
