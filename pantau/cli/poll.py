"""``pantau poll``: poll a feed list and print every new article as JSON lines (no Kafka)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pantau.cli.options import add_allow_private_option

__all__ = ["register", "handle"]

EPILOG = """\
examples:
  pantau poll --once --feeds pantau/defaults/feeds.yaml
  pantau poll --once --feeds subscriptions.opml --state /tmp/poll.db
  pantau poll --feeds feeds.yaml --state poll.db      keep polling; edits to feeds.yaml apply live

Without --state nothing is remembered, so every run prints every article. With
--state FILE, ETags and seen articles are kept there and a second run prints
only what is new. A summary, and one line per failed feed, go to stderr.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``poll`` command to the CLI."""
    parser = subparsers.add_parser(
        "poll",
        help="poll a feed list; new articles as JSON lines, no Kafka",
        description="Poll every feed of a YAML or OPML feed list with pantau's fetcher and print "
        "the new articles as JSON lines on stdout.",
        epilog=EPILOG,
    )
    parser.add_argument(
        "--feeds", metavar="FILE", required=True, type=Path, help="feed list: YAML (a `feeds:` list) or OPML"
    )
    parser.add_argument("--once", action="store_true", help="poll every feed once, print a summary, exit")
    parser.add_argument("--state", metavar="FILE", help="SQLite file for ETags and seen articles (default: none)")
    add_allow_private_option(parser, with_config=False)
    parser.set_defaults(handler=handle)


async def _poll(args: argparse.Namespace) -> int:
    from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.core.article import encode
    from pantau.core.config import NetworkConfig
    from pantau.core.errors import ConfigError
    from pantau.sources.feed_list import load_feed_list
    from pantau.sources.poller import Poller

    if not args.feeds.exists():
        raise ConfigError(f"feed list {args.feeds} does not exist", hint="pass --feeds FILE (YAML or OPML)")
    feeds = load_feed_list(args.feeds)
    store = SqliteFeedStateStore(open_state(args.state or ":memory:"))
    out = sys.stdout.buffer

    async def publish(articles) -> None:
        out.write(b"".join(encode(a) + b"\n" for a in articles))
        out.flush()  # printed is as durable as this command gets

    network = NetworkConfig(allow_private=args.allow_private)
    async with Poller(feeds, store, publish, network=network, feeds_path=None if args.once else args.feeds) as poller:
        if not args.once:
            await poller.run_forever()
            return 0
        summary = await poller.poll_once()
    for outcome in summary.outcomes:
        if outcome.failed:
            print(f"  {outcome.outcome}: {outcome.error}", file=sys.stderr)
    print(summary.line(), file=sys.stderr)
    return 1 if summary.feeds and summary.failed == summary.feeds else 0


def handle(args: argparse.Namespace) -> int:
    """Poll the feed list (once, or forever); returns the exit status."""
    return asyncio.run(_poll(args))
