"""``pantau sources``: poll feeds and publish new articles to Kafka (distributed mode)."""

from __future__ import annotations

import argparse
import asyncio

from pantau.cli.options import add_allow_private_option, add_config_option, config_from_args

__all__ = ["register", "handle"]

EPILOG = """\
examples:
  pantau sources --config pantau.yaml                  poll the feeds of pantau.yaml into Kafka
  PANTAU_KAFKA=127.0.0.1:9092 pantau sources           override the broker address of the config

Run several: they share the feed list through the Kafka consumer group
`pantau-sources` (each feed is polled by one of them), and when one stops or
dies the others take over its feeds within a minute. Articles go to the topic
`pantau.articles` keyed by article id; `pantau worker` classifies and delivers.
/metrics, /healthz and /readyz are served on the `metrics:` address.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sources`` command to the CLI."""
    parser = subparsers.add_parser(
        "sources",
        help="poll feeds and publish new articles to Kafka (distributed mode)",
        description="Poll this worker's share of the feed list and publish every new article to "
        "Kafka (acks=all, idempotent, keyed by article id). Feed progress is committed only "
        "after Kafka acknowledged the articles.",
        epilog=EPILOG,
    )
    add_config_option(parser)
    add_allow_private_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run a source worker until interrupted; returns the exit status."""
    from pantau.runtime.sources_worker import run_source_worker

    asyncio.run(run_source_worker(config_from_args(args)))
    return 0
