"""``pantau fetch URL``: fetch and parse one feed, print its articles as JSON lines."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timezone

from pantau.cli.options import add_allow_private_option

__all__ = ["register", "handle"]

EPILOG = """\
examples:
  pantau fetch https://www.antaranews.com/rss/terkini.xml
  pantau fetch http://127.0.0.1:8000/feed.xml --allow-private
  pantau fetch URL | jq -r .title

Articles go to stdout, one JSON object per line (the Article schema). The
status, bytes, item count and time, or the error, go to stderr; a failed
fetch exits with status 1 and a one-line error.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fetch`` command to the CLI."""
    parser = subparsers.add_parser(
        "fetch",
        help="fetch and parse one feed; articles as JSON lines",
        description="Fetch one feed with pantau's limits, parse and normalise it, and print "
        "every article as a JSON line. Nothing is stored or published.",
        epilog=EPILOG,
    )
    parser.add_argument("url", metavar="URL", help="the feed's http(s) address")
    add_allow_private_option(parser, with_config=False)
    parser.add_argument("--language", metavar="CODE", help="language hint, e.g. id (default: declared, else detected)")
    parser.add_argument("--full-text", action="store_true", help="fetch each article's page and extract its main text")
    parser.set_defaults(handler=handle)


async def _fetch(args: argparse.Namespace) -> int:
    from pantau.core.article import encode
    from pantau.core.config import NetworkConfig
    from pantau.core.errors import ConfigError
    from pantau.sources.feeds import FeedSpec
    from pantau.sources.fetch import fetch_feed, make_client
    from pantau.sources.fulltext import with_full_text
    from pantau.sources.normalise import normalise_items
    from pantau.sources.parse import parse_feed

    try:
        spec = FeedSpec(url=args.url, language=args.language, full_text=args.full_text)
    except ValueError as exc:
        raise ConfigError(f"not a feed address: {args.url!r}", hint="give an http:// or https:// URL") from exc
    network = NetworkConfig(allow_private=args.allow_private)
    async with make_client(network) as client:
        result = await fetch_feed(client, spec.url, network=network)
        parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type, language=spec.language)
        articles = normalise_items(
            parsed.items, feed=spec, fetched=datetime.now(timezone.utc), base_url=result.final_url
        )
        if spec.full_text:
            articles = [await with_full_text(client, a, network=network) for a in articles]
    out = sys.stdout.buffer
    for article in articles:
        out.write(encode(article) + b"\n")
    out.flush()
    moved = f", moved permanently to {result.moved_to}" if result.moved_to else ""
    print(
        f"{result.status} {parsed.format or 'feed'}: {len(result.body)} bytes, {len(parsed.items)} items, "
        f"{len(articles)} articles, {result.elapsed:.2f}s{moved}",
        file=sys.stderr,
    )
    return 0


def handle(args: argparse.Namespace) -> int:
    """Fetch, parse and print one feed; returns the exit status."""
    return asyncio.run(_fetch(args))
