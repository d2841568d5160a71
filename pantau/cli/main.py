"""``pantau``: the command line. Each command lives in ``pantau/cli/``."""

from __future__ import annotations

import argparse
import importlib
import sys

from pantau.core.errors import PantauError
from pantau.core.logs import configure_logging

__all__ = ["main", "build_parser"]

# Modules in this package, each with register(subparsers); order = help order.
COMMANDS = [
    "run",
    "demo",
    "fetch",
    "poll",
    "feeds",
    "alerts",
    "silence",
    "sources",
    "worker",
    "classify",
    "rules",
    "archive",
    "status",
]

DESCRIPTION = """\
pantau watches news feeds, classifies every article against your topic rules
and sends alerts to Slack, email and signed webhooks.

Start here:
  pantau demo                 see it work offline in seconds
  pantau run                  monitor the shipped feeds, alerts on this terminal
  pantau rules check          validate the rule files an editor just changed
  pantau archive search WORDS search every article pantau saw
"""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered command."""
    parser = argparse.ArgumentParser(
        prog="pantau",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--log-format",
        choices=["console", "json"],
        help="log format on stderr (default: json in containers or pipes, console on a terminal)",
    )
    parser.add_argument("--log-level", default="info", help="debug, info, warning or error (default: info)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pantau.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pantau`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    configure_logging(args.log_format, args.log_level)
    try:
        return int(args.handler(args) or 0)
    except PantauError as exc:
        print(f"pantau: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
