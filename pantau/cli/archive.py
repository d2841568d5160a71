"""``pantau archive search|show|stats``: what pantau saw, searchable from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
import time

from pantau.cli.options import add_config_option, positive_int, since_seconds, state_to_read
from pantau.cli.terminal import stamp

__all__ = ["register", "handle_search", "handle_show", "handle_stats", "handle_follow"]

EPILOG = """\
examples:
  pantau archive search "peretas bank"             every word, newest first
  pantau archive search '"kebocoran data"' --since 3d --topic cybercrime
  pantau archive search "tin tac"                  diacritics optional: finds "tin tặc"
  pantau archive search "북한"                      Korean nouns are found with their particles
  pantau archive search "ransomware OR peretas -polisi" --limit 50 --json
  pantau archive show ARTICLE_ID                   one article: matches, hits, story, alerts
  pantau archive stats                             articles kept, time span, disk use
  pantau archive follow --config pantau.yaml       distributed mode: fill the archive from Kafka

Query syntax: words (all must occur), "a phrase", OR between two terms,
-word to exclude, word* for a prefix. The archive keeps every article
pantau took in for `archive:` in pantau.yaml (default 14d), with the
topics and rules it matched and what became of its alerts (pending, sent,
dead, silenced). In distributed mode `pantau web` fills the same file
from the Kafka topics.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``archive`` and its sub-commands to the command line."""
    parser = subparsers.add_parser(
        "archive",
        help="search the articles pantau saw, with their matches and alerts",
        description="Search and inspect the archive of every article pantau took in.",
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="archive_command", metavar="ACTION")
    p = sub.add_parser(
        "search",
        help="full-text search, newest first",
        epilog=EPILOG,
        description="Full-text search over the archived articles, newest first.",
    )
    p.add_argument("query", help='words, "a phrase", OR, -exclude, prefix*; "" lists the newest')
    p.add_argument("--since", metavar="AGE", default="7d", help="only articles taken in within AGE (default: 7d)")
    p.add_argument("--topic", metavar="TOPIC", help="only articles that matched this topic")
    p.add_argument("--matched", action="store_true", help="only articles that matched some rule")
    p.add_argument("--limit", type=positive_int, default=20, metavar="N", help="at most N results (default: 20)")
    p.add_argument("--json", action="store_true", help="one JSON object per line instead of text")
    add_config_option(p)
    p.set_defaults(handler=handle_search)
    p = sub.add_parser(
        "show",
        help="one archived article in full",
        epilog=EPILOG,
        description="Show one archived article in full: its text, matches and hits, story and alerts.",
    )
    p.add_argument("article_id", help="the id printed by `pantau archive search`")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    add_config_option(p)
    p.set_defaults(handler=handle_show)
    p = sub.add_parser(
        "follow",
        help="distributed mode: follow the Kafka topics into the archive",
        description="Follow pantau.articles, pantau.matches and pantau.alerts.dead into the archive "
        "of this config's state file (no consumer group: the pipeline never waits for it). "
        "Runs until Ctrl-C; --once catches up and exits.",
        epilog=EPILOG,
    )
    p.add_argument("--once", action="store_true", help="catch up to the end of the topics, then exit")
    add_config_option(p)
    p.set_defaults(handler=handle_follow)
    p = sub.add_parser(
        "stats",
        help="articles kept, time span and disk use",
        epilog=EPILOG,
        description="Archive size: articles kept, the time span they cover and the disk they use.",
    )
    add_config_option(p)
    p.set_defaults(handler=handle_stats)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _store(args: argparse.Namespace):
    from pantau.adapters.sqlite.archive import ArchiveStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config

    state = state_to_read(
        load_config(args.config),
        empty="nothing archived yet",
        hint="run `pantau run` (or `pantau web` in distributed mode) first, or pass --config",
    )
    store = ArchiveStore(open_state(state))
    store.sync_fates()
    return store


def _marked(segments, tty: bool) -> str:
    if tty:
        return "".join(f"\x1b[1;33m{s.text}\x1b[0m" if s.hit else s.text for s in segments)
    return "".join(f"[{s.text}]" if s.hit else s.text for s in segments)


def _entry_json(entry) -> dict:
    import msgspec

    return msgspec.to_builtins(entry) | {"topics": list(entry.topics)}


def handle_search(args: argparse.Namespace) -> int:
    """Print the matching articles: time, topics, title with hits marked, snippet, alerts."""
    since = time.time() - since_seconds(args.since)
    store = _store(args)
    hits = store.search(args.query, since=since, topic=args.topic, matched_only=args.matched, limit=args.limit)
    if args.json:
        for hit in hits:
            print(
                json.dumps(
                    _entry_json(hit.entry)
                    | {
                        "title_marked": [[s.text, s.hit] for s in hit.title],
                        "snippet": [[s.text, s.hit] for s in hit.snippet],
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    tty = sys.stdout.isatty()
    total = store.count(args.query, since=since, topic=args.topic)
    for hit in hits:
        e = hit.entry
        topics = ",".join(e.topics) or "-"
        print(f"{stamp(e.at)}  {topics:<24} {e.article.id}  {e.article.feed_name or e.article.feed}")
        print(f"  {_marked(hit.title, tty)}")
        print(f"  {_marked(hit.snippet, tty)}")
        for alert in e.alerts:
            print(f"  alert -> {alert.destination} via {alert.route}: {alert.status}")
        print(f"  {e.article.url}")
    scope = f" in topic {args.topic}" if args.topic else ""
    print(f"{len(hits)} of {total} article(s) from the last {args.since}{scope}", file=sys.stderr)
    return 0


def handle_show(args: argparse.Namespace) -> int:
    """Print one archived article with every match, its hits, its story and its alerts."""
    from pantau.core.errors import ConfigError

    store = _store(args)
    entry = store.get(args.article_id)
    if entry is None:
        raise ConfigError(
            f"article {args.article_id!r} is not in the archive",
            hint="take the id from `pantau archive search`; articles older than `archive:` are pruned",
        )
    if args.json:
        print(json.dumps(_entry_json(entry), ensure_ascii=False))
        return 0
    a = entry.article
    print(f"{a.title}\n{a.url}\n{a.feed_name or a.feed}, taken in {stamp(entry.at)}, language {a.language or '?'}")
    print(
        f"rule set {entry.ruleset_version or '?'}: "
        + (", ".join(f"{m.topic}/{m.rule}" for m in entry.matches) or "no match")
    )
    for m in entry.matches:
        terms = ", ".join(sorted({h.text for h in m.hits}))
        print(f"  {m.topic}/{m.rule} ({m.severity}, score {m.score:g}): {terms}\n    {m.snippet}")
    if entry.story_id:
        copies = store.story(entry.story_id)
        print(
            f"story {entry.story_id}: {len(copies)} cop{'y' if len(copies) == 1 else 'ies'}: "
            + ", ".join(c.article.feed_name or c.article.feed for c in copies)
        )
    for alert in entry.alerts:
        print(f"  alert {alert.key} -> {alert.destination} via {alert.route}: {alert.status}")
    return 0


def handle_stats(args: argparse.Namespace) -> int:
    """Print how many articles and alerts the archive holds, its time span and the state file's size."""
    usage = _store(args).usage()
    span = f"{stamp(usage.oldest)} .. {stamp(usage.newest)}" if usage.oldest else "empty"
    print(f"{usage.articles} articles, {usage.alerts} alerts, {span}; state file uses {usage.file_bytes / 1e6:.1f} MB")
    return 0


def handle_follow(args: argparse.Namespace) -> int:
    """Follow the pipeline's topics into the archive until Ctrl-C (``--once``: catch up and exit)."""
    import threading

    from pantau.adapters.kafka.archive_reader import ArchiveReader
    from pantau.adapters.sqlite.archive import ArchiveStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config

    config = load_config(args.config)
    reader = ArchiveReader(
        config.broker.bootstrap,
        ArchiveStore(open_state(config.state)),
        prefix=config.broker.prefix,
        retention=config.archive or None,
    )
    try:
        stored = reader.catch_up(timeout=600)
        print(f"archive: caught up ({stored} records stored) into {config.state}", file=sys.stderr)
        if args.once:
            return 0
        reader.start()
        threading.Event().wait()  # until Ctrl-C
    finally:
        reader.stop()
    return 0
