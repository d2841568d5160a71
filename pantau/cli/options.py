"""Commands and options several commands share, declared once so their help reads the same."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports commands eagerly; config pulls in pydantic lazily
    from collections.abc import Iterable
    from pathlib import Path

    from pantau.config import Config
    from pantau.core.config import KafkaSettings

__all__ = [
    "since_seconds",
    "state_to_read",
    "add_config_option",
    "add_allow_private_option",
    "config_from_args",
    "positive_int",
    "non_negative_int",
    "non_negative_seconds",
    "non_empty",
    "resolve_prefix",
    "check_config_and_rules",
    "reachable_broker",
]


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {value}")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (``--limit 0`` or ``-3`` is refused)."""
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    """An argparse type: a whole number, 0 or more (``--samples -3`` is refused, not clamped)."""
    return _whole_number(text, 0)


def non_negative_seconds(text: str) -> float:
    """An argparse type: seconds, 0 or more, at most a day (``--max-wait -5`` is refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 <= value <= 86400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds, got {text}")
    return value


def non_empty(text: str) -> str:
    """An argparse type: text with at least one visible character."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text.strip()


def since_seconds(value: str) -> float:
    """Seconds in an age such as ``7d``, ``36h``, ``30m`` (ConfigError naming the flag when unreadable)."""
    from pantau.core.config import parse_duration
    from pantau.core.errors import ConfigError

    try:
        return parse_duration(value)
    except ValueError as exc:
        raise ConfigError(f"--since {value!r}: {exc}", hint="write an age such as 7d, 36h or 30m") from None


def state_to_read(config: "Config", *, empty: str, hint: str) -> "Path":
    """The state file of a command that only reads it; a ConfigError saying what is not there yet when absent."""
    from pantau.core.errors import ConfigError

    if not config.state.exists():
        raise ConfigError(f"no state file at {config.state}: {empty}", hint=hint)
    return config.state


def add_config_option(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """Add ``--config FILE`` (default: the shipped pantau.yaml)."""
    parser.add_argument("--config", metavar="FILE", help=help or "pantau.yaml to use (default: the shipped one)")


def add_allow_private_option(parser: argparse.ArgumentParser, *, with_config: bool = True) -> None:
    """Add ``--allow-private``: feeds on private addresses; ``with_config``: it overrides ``network.allow_private``."""
    why = "overrides network.allow_private" if with_config else "local test servers"
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help=f"allow feeds on private, loopback and link-local addresses ({why})",
    )


def config_from_args(args: argparse.Namespace, *, with_rules: bool = False) -> "Config":
    """Load ``--config`` (or the shipped one), apply ``--allow-private``; ``with_rules``: check routes vs rules."""
    from pantau.config import load_config

    config = load_config(args.config)
    if getattr(args, "allow_private", False):
        config.network.allow_private = True
    if with_rules:
        check_config_and_rules(config)
    return config


def reachable_broker(args: argparse.Namespace, config: "Config") -> "KafkaSettings":
    """The config's broker once it answers; else one BrokerError line (kafka-python's retry logs kept quiet)."""
    import logging

    from pantau.adapters.kafka.topics import require_broker

    # kafka-python logs every reconnect attempt: the command's own error says it once.
    logging.getLogger("kafka").setLevel(logging.DEBUG if args.log_level == "debug" else logging.CRITICAL)
    require_broker(config.broker.bootstrap)
    return config.broker


def resolve_prefix(given: str, ids: "Iterable[str]", *, what: str, hint: str, label: str = "id") -> str:
    """The one id of ``ids`` equal to, or else starting with, ``given``; an InputError naming the candidates."""
    from pantau.core.errors import InputError

    ids = list(dict.fromkeys(ids))
    if given in ids:
        return given
    matches = [i for i in ids if i.startswith(given)] if given else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(matches[:5]) + (" ..." if len(matches) > 5 else "")
        raise InputError(f"{given!r} could be any of {len(matches)} {what}s: {shown}", hint="give more characters")
    raise InputError(f"no {what} with {label} {given!r}", hint=hint)


def check_config_and_rules(config: "Config") -> None:
    """Refuse routes misspelling a topic or rule id of the rule files; warn about unknown ones (runtime.checks)."""
    from pantau.runtime.checks import check_config_and_rules as check

    check(config)
