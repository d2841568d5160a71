"""``pantau run``: the embedded monitor, one process, no Kafka, SQLite state."""

from __future__ import annotations

import argparse

from pantau.cli.options import add_allow_private_option, add_config_option, config_from_args

__all__ = ["register", "handle"]

EPILOG = """\
examples:
  pantau run                          the shipped feeds and rules, alerts on this terminal
  pantau run --config pantau.yaml     your own feeds, rules and destinations
  pantau run --once                   poll every feed once, deliver, exit (cron-friendly)

State (what was seen, which alerts were delivered) lives in the SQLite file named
by `state:` in the configuration, so a restart neither re-alerts nor loses an article.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` command to the CLI."""
    parser = subparsers.add_parser(
        "run",
        help="monitor feeds in one process (no Kafka), alerts to destinations or this terminal",
        description="Poll feeds, classify articles against the rules, group stories and deliver "
        "alerts, all in one process with a local SQLite state file.",
        epilog=EPILOG,
    )
    add_config_option(parser)
    parser.add_argument("--once", action="store_true", help="poll every feed once, deliver, then exit")
    add_allow_private_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load the configuration and run the embedded monitor; returns the exit status."""
    from pantau.runtime.run_monitor import run_embedded

    return run_embedded(config_from_args(args, with_rules=True), once=args.once)
