"""``pantau feeds``: import and export OPML, and show every feed's health."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pantau.cli.options import add_config_option
from pantau.cli.terminal import ago, span

__all__ = ["register", "handle_import", "handle_export", "handle_status"]

EPILOG = """\
examples:
  pantau feeds import subscriptions.opml                  print the feeds as YAML
  pantau feeds import subscriptions.opml --into feeds.yaml  add them to a feed list
  pantau feeds export --config pantau.yaml > pantau.opml
  pantau feeds status --config pantau.yaml                 health of every feed
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``feeds`` command group to the CLI."""
    parser = subparsers.add_parser(
        "feeds",
        help="import/export OPML, show feed health",
        description="Manage the feed list and see how each feed is doing.",
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    imp = sub.add_parser(
        "import",
        help="read an OPML file (from any feed reader) into a YAML feed list",
        description="Read feeds from OPML; print them as YAML or merge them into a list.",
        epilog=EPILOG,
    )
    imp.add_argument("opml", metavar="FILE.opml", type=Path)
    imp.add_argument(
        "--into", metavar="FILE", type=Path, help="YAML feed list to add the new feeds to (created if missing)"
    )
    imp.set_defaults(handler=handle_import)
    exp = sub.add_parser(
        "export",
        help="print the configured feeds as OPML",
        description="Print the feed list as OPML 2.0 for any feed reader.",
        epilog=EPILOG,
    )
    add_config_option(exp, help="pantau.yaml (default: the shipped one)")
    exp.add_argument("--feeds", metavar="FILE", type=Path, help="a YAML or OPML feed list instead of --config")
    exp.set_defaults(handler=handle_export)
    status = sub.add_parser(
        "status",
        help="a table of every feed's health from the state file",
        description="Last success, last error, consecutive failures, items seen "
        "and fetch time of every feed, read from the SQLite state; a feed never fetched "
        "successfully shows as unreachable.",
        epilog=EPILOG,
    )
    add_config_option(status, help="pantau.yaml (default: the shipped one)")
    status.add_argument("--state", metavar="FILE", help="state file (default: `state:` of the config)")
    status.set_defaults(handler=handle_status)


def _configured_feeds(config: str | None, feeds: Path | None):
    from pantau.config import load_config
    from pantau.sources.feed_list import load_feed_list

    return load_feed_list(feeds) if feeds else load_config(config).feeds


def handle_import(args: argparse.Namespace) -> int:
    """Print or merge the feeds of an OPML file; returns the exit status."""
    from ruamel.yaml import YAML

    from pantau.core.errors import ConfigError
    from pantau.sources.feed_list import load_feed_list
    from pantau.sources.opml import parse_opml

    try:
        text = args.opml.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {args.opml}: {exc.strerror}", hint="check the path") from None
    imported = parse_opml(text, where=str(args.opml))
    yaml = YAML()  # round-trip mode: the user's comments and layout in --into survive
    yaml.default_flow_style = False
    if not args.into:
        yaml.dump({"feeds": [f.model_dump(exclude_defaults=True) for f in imported]}, sys.stdout)
        return 0
    known = {f.url for f in load_feed_list(args.into)} if args.into.exists() else set()
    document = yaml.load(args.into.read_text(encoding="utf-8")) if args.into.exists() else None
    if document is None:
        document = {"feeds": []}
    if not isinstance(document, dict) or not isinstance(document.get("feeds", []), list):
        raise ConfigError(
            f"{args.into}: expected a `feeds:` list to add to",
            hint="give --into a YAML feed list (feeds: [...]) or a new file name",
        )
    entries = document.setdefault("feeds", [])
    new = [f for f in imported if f.url not in known]
    entries.extend(f.model_dump(exclude_defaults=True) for f in new)
    with args.into.open("w", encoding="utf-8") as fh:
        yaml.dump(document, fh)
    print(f"{len(new)} feeds added to {args.into} ({len(imported) - len(new)} already there)", file=sys.stderr)
    return 0


def handle_export(args: argparse.Namespace) -> int:
    """Print the feed list as OPML; returns the exit status."""
    from pantau.sources.opml import to_opml

    sys.stdout.write(to_opml(_configured_feeds(args.config, args.feeds)))
    return 0


def handle_status(args: argparse.Namespace) -> int:
    """Print a health table of every feed; returns the exit status."""
    from rich.console import Console
    from rich.table import Table

    from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config
    from pantau.sources.feeds import FeedSpec
    from pantau.sources.health import shown_verdict

    specs: dict[str, FeedSpec] = {}
    state_path = args.state
    if args.config or not args.state:
        config = load_config(args.config)
        specs = {f.key: f for f in config.feeds}
        state_path = state_path or config.state
    store = SqliteFeedStateStore(open_state(state_path, create=False))
    states = {s.feed: s for s in store.load_all()}
    now = time.time()
    table = Table(title=f"feeds in {state_path}")
    for column in ("feed", "health", "last success", "failures", "last error", "items seen", "fetch time", "next poll"):
        table.add_column(column, overflow="fold")
    for key in sorted(set(specs) | set(states)):
        spec = specs.get(key) or FeedSpec(url=states[key].url, id=key)
        state = states.get(key)
        if state is None:
            table.add_row(spec.name or key, "not polled yet", "never", "0", "", "0", "", "")
            continue
        health = shown_verdict(state, spec, now=now)
        colour = {"ok": "green", "silent": "yellow"}.get(health, "red")
        table.add_row(
            spec.name or key,
            f"[{colour}]{health}[/]",
            ago(state.last_success, now),
            str(state.failures),
            (state.disabled or state.last_error or "")[:200],
            str(state.items_seen),
            f"{state.fetch_time:.2f}s",
            "" if state.disabled else f"in {span(state.next_due - now)}",
        )
    # Piped output (grep, files) gets wide rows instead of rich's 80-column default.
    Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200).print(table)
    return 0
