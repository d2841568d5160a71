"""Options several commands share, declared once so their help reads the same."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports commands eagerly; config pulls in pydantic lazily
    from pantau.core.config import Config

__all__ = ["add_config_option", "add_allow_private_option", "config_from_args"]


def add_config_option(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """Add ``--config FILE`` (default: the shipped pantau.yaml)."""
    parser.add_argument("--config", metavar="FILE", help=help or "pantau.yaml to use (default: the shipped one)")


def add_allow_private_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--allow-private``, which overrides ``network.allow_private``."""
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help="allow feeds on private or loopback addresses (overrides network.allow_private)",
    )


def config_from_args(args: argparse.Namespace) -> "Config":
    """Load ``--config`` (or the shipped file) and apply ``--allow-private`` when given."""
    from pantau.core.config import load_config

    config = load_config(args.config)
    if getattr(args, "allow_private", False):
        config.network.allow_private = True
    return config
