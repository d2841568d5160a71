"""``pantau demo``: bundled sample feeds, served locally, through the whole pipeline."""

from __future__ import annotations

import argparse

__all__ = ["register", "handle"]

EPILOG = """\
examples:
  pantau demo                  serve the sample feeds, print the alerts, exit
  pantau demo --keep-serving   then keep the sample feed server up (Ctrl-C stops)

Works offline: the sample feeds are served on 127.0.0.1 and the state file is
temporary, so every run shows the same alerts.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo`` command to the CLI."""
    parser = subparsers.add_parser(
        "demo",
        help="see pantau work offline in seconds over bundled sample feeds",
        description="Serve the bundled sample feeds on a local port, run the embedded pipeline "
        "over them once with the shipped rules, and print the alerts on this terminal.",
        epilog=EPILOG,
    )
    parser.add_argument(
        "--keep-serving",
        action="store_true",
        help="after the run, keep serving the sample feeds until Ctrl-C (to try `pantau fetch`)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the offline demo; returns the exit status."""
    from pantau.core.logs import configure_logging
    from pantau.demo import run_demo

    if args.log_level == "info":  # the default: the demo's output is the alerts, not delivery logs
        configure_logging(args.log_format, "warning")
    return run_demo(keep_serving=args.keep_serving)
