"""``pantau worker``: the Faust stream worker (distributed mode)."""

from __future__ import annotations

import argparse

from pantau.cli.options import add_config_option, config_from_args

__all__ = ["register", "handle"]

EPILOG = """\
examples:
  pantau worker --config pantau.yaml                 classify and deliver from Kafka
  PANTAU_KAFKA=127.0.0.1:9092 pantau worker          override the broker address of the config

Run as many as you like: Kafka spreads the articles' partitions over them
(classification scales out), and exactly one of them delivers alerts at a time
(the owner of the matches partition); if it dies another takes over within
seconds, from the same delivery state, so no alert is lost or sent twice.
Roles (--role): `all` (the default) classifies (a plain consumer group reading
the articles in batches, not Faust) and delivers (the Faust app) in one
process. `classify` only classifies; `deliver` only groups stories and
delivers. All classifying processes share one consumer group, so the roles
mix freely: for headroom run one `all` (or `deliver`) and add `classify`
processes, so that the one place where every copy of a story meets does not
also carry a full share of classification. Set PANTAU_EXACTLY_ONCE=1 for
Kafka transactions (see README: its cost is measured by `make bench worker`).

Rules are reloaded when files in `rules:` change; silences and replays come
from `pantau silence --kafka` and `pantau alerts replay --kafka`. /metrics,
/healthz and /readyz are served on the `metrics:` address.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``worker`` command to the CLI."""
    parser = subparsers.add_parser(
        "worker",
        help="classify articles from Kafka and deliver alerts (distributed mode)",
        description="Run the Faust stream worker: classify every article of the articles topic "
        "against the live rules, group stories and deliver alerts to the configured destinations.",
        epilog=EPILOG,
    )
    add_config_option(parser)
    parser.add_argument(
        "--role",
        choices=("all", "classify", "deliver"),
        default="all",
        help="all: classify and deliver (default); classify: only classify, in batches, "
        "without Faust; deliver: stories and delivery only",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Start the worker and block until SIGINT/SIGTERM; returns the exit status."""
    from pantau.runtime.stream_worker import run_stream_worker

    return run_stream_worker(
        config_from_args(args, with_rules=True),
        log_level=getattr(args, "log_level", "info"),
        role=getattr(args, "role", "all"),
    )
