"""``pantau rules backtest``: an edited rule set replayed over the archive (or the articles topic).

What an edit would have changed, before it goes live: per topic and rule the
articles gained and lost, with samples and the words that matched, then the
alerts a day each route would have sent. Registered under ``pantau rules`` by
:mod:`pantau.cli.rules`; the replay itself is :mod:`pantau.streams.backtest`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pantau.cli.options import add_config_option, non_negative_int, reachable_broker, since_seconds, state_to_read
from pantau.cli.terminal import stamp

__all__ = ["add_subcommand", "handle_backtest", "print_backtest"]

BACKTEST_EPILOG = """\
examples:
  pantau rules backtest --rules my-rules/            the running rules vs my-rules/, last 7 days
  pantau rules backtest --rules my-rules/ --since 14d --samples 10
  pantau rules backtest                              what the rules on disk change against what
                                                     pantau decided at the time (after an edit)
  pantau rules backtest --rules my-rules/ --json     the whole result as JSON
  pantau rules backtest --kafka --rules my-rules/ --since 3d
                                                     distributed mode: the articles read from the
                                                     pantau.articles topic by time, not the archive

Every archived article of the window is classified again: per topic and rule
you see the articles gained (+) and lost (-) with a sample of each and the
words that matched, then the alerts each route would have sent to each
destination per day, copies of one story counted once, as pantau would have
sent them (silences and digests aside). Only the topics an edit can change
are classified again (the edited files, and the topics whose files name them).
With --kafka both sides are classified: the rules on disk (the config's
`rules:`) against --rules.
"""


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Add ``backtest`` to the ``pantau rules`` sub-commands."""
    p = sub.add_parser(
        "backtest",
        help="replay the archive under an edited rule set: gained, lost, alerts a day",
        description="Compare the running rules with a proposed rules directory over the archive.",
        epilog=BACKTEST_EPILOG,
    )
    p.add_argument(
        "--rules",
        type=Path,
        metavar="PROPOSED_DIR",
        help="the edited rules directory (default: the rules on disk against the archived decisions)",
    )
    p.add_argument("--since", default="7d", metavar="AGE", help="archive window to replay (default: 7d)")
    p.add_argument(
        "--samples",
        type=non_negative_int,
        default=3,
        metavar="N",
        help="articles shown per rule gained/lost (default: 3)",
    )
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument(
        "--kafka",
        action="store_true",
        help="read the window from the pantau.articles topic (distributed mode, `kafka:` in the config) "
        "instead of the archive",
    )
    add_config_option(p)
    p.set_defaults(handler=handle_backtest)


def handle_backtest(args: argparse.Namespace) -> int:
    """Run the backtest over the archive window and print it; 0 whether or not anything changes."""
    from pantau.adapters.sqlite.archive import ArchiveStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config
    from pantau.core.errors import ConfigError
    from pantau.streams.backtest import backtest
    from pantau.streams.backtest_pool import default_workers
    from pantau.streams.backtest_scope import edit_scope
    from pantau.streams.classify import load_ruleset

    config = load_config(args.config)
    window = since_seconds(args.since)
    if args.rules is not None and not args.rules.is_dir():
        raise ConfigError(f"--rules {args.rules}: not a directory", hint="pass the folder holding the edited *.yaml")
    until = time.time()
    since = until - window
    scope = edit_scope(config.rules, args.rules) if args.rules is not None else None
    routing = {
        "routes": config.routes,
        "destinations": {name: spec.type for name, spec in config.destinations.items()},
        "since": since,
        "until": until,
        "samples": max(0, args.samples),
        "scope": scope,
        "workers": default_workers(),
    }
    if args.kafka:
        result = _backtest_from_topic(args, config, **routing)
    else:
        state_to_read(
            config,
            empty="the archive is empty",
            hint="run `pantau run` for a while first (the archive fills as articles arrive), "
            "or pass --kafka in distributed mode",
        )
        running = load_ruleset(config.rules) if args.rules is not None else None
        proposed = load_ruleset(args.rules if args.rules is not None else config.rules)
        store = ArchiveStore(open_state(config.state))
        print(f"backtest: replaying the archive of the last {args.since} ...", file=sys.stderr)
        from pantau.adapters.sqlite.stories import SqliteStoryStore

        result = backtest(store.scan(since, until), running, proposed, members=SqliteStoryStore(store.conn), **routing)
    if args.json:
        import dataclasses

        print(
            json.dumps(
                dataclasses.asdict(result) | {"days": result.days, "headline": result.headline()},
                ensure_ascii=False,
                default=_json_default,
            )
        )
        return 0
    print_backtest(result, sys.stdout)
    return 0


def _backtest_from_topic(args: argparse.Namespace, config, **routing):
    """The window read from pantau.articles by time: both sides classified (the topic carries no decisions)."""
    from pantau.adapters.kafka.article_window import articles_between
    from pantau.streams.backtest import backtest
    from pantau.streams.classify import load_ruleset

    kafka = reachable_broker(args, config)
    running = load_ruleset(config.rules)
    proposed = load_ruleset(args.rules) if args.rules is not None else running
    print(
        f"backtest: reading the last {args.since} of {kafka.prefix}pantau.articles at {kafka.bootstrap} ...",
        file=sys.stderr,
    )
    rows = articles_between(kafka.bootstrap, prefix=kafka.prefix, since=routing["since"], until=routing["until"])
    return backtest(rows, running, proposed, **routing)


def _json_default(value: object) -> object:
    import msgspec

    return msgspec.to_builtins(value)


def _marked(title: str, snippet: str, hits) -> str:
    words = sorted({h.text for h in hits})
    return f"{title[:80]}  [{', '.join(words)}]"


def print_backtest(result, out) -> None:
    """The backtest as an editor reads it: headline, topics, rules with samples, deliveries."""
    print(
        f"{result.articles} archived articles, {stamp(result.since)} .. {stamp(result.until)} UTC "
        f"({result.days:.1f} days): rules {result.running_version} -> {result.proposed_version}",
        file=out,
    )
    for line in result.headline() or ["no route or destination would have sent a different number of alerts"]:
        print(f"  {line}", file=out)
    if not result.changed:
        print("no article gains or loses a rule", file=out)
    print(f"\n{'topic':<20}{'before':>8}{'after':>8}{'gained':>8}{'lost':>8}", file=out)
    for t in result.topics:
        print(f"{t.topic:<20}{t.before:>8}{t.after:>8}{'+' + str(t.gained):>8}{'-' + str(t.lost):>8}", file=out)
    print(f"\n{'topic/rule':<40}{'before':>8}{'after':>8}{'gained':>8}{'lost':>8}", file=out)
    for r in result.rules:
        print(
            f"{r.topic + '/' + r.rule:<40}{r.before:>8}{r.after:>8}{'+' + str(r.gained):>8}{'-' + str(r.lost):>8}",
            file=out,
        )
        for s in r.gained_samples:
            print(f"    + {_marked(s.title, s.snippet, s.hits)}  {s.url}", file=out)
        for s in r.lost_samples:
            print(f"    - {_marked(s.title, s.snippet, s.hits)}  {s.url}", file=out)
    if result.deliveries:
        print(f"\n{'route -> destination':<40}{'before/day':>12}{'after/day':>12}{'change':>10}", file=out)
        for d in result.deliveries:
            before, after = d.per_day(result.days)
            print(
                f"{d.route + ' -> ' + d.destination:<40}{before:>12.1f}{after:>12.1f}{after - before:>+10.1f}", file=out
            )
    print(f"\n({result.seconds:.1f} s; {result.reused} articles reused their archived classification)", file=out)
