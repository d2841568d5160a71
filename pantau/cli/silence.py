"""``pantau silence``: mute alerts by topic, rule, feed or term for a while."""

from __future__ import annotations

import argparse
import time

from pantau.cli.options import add_config_option, non_empty, reachable_broker, resolve_prefix
from pantau.cli.terminal import stamp

MIN_SILENCE, MAX_SILENCE = 60.0, 366 * 86400.0
"""Shortest and longest silence: a minute (alerts are not paced finer) and a year (longer: change the rules)."""

__all__ = ["register", "handle_add", "handle_list", "handle_expire"]

EPILOG = """\
examples:
  pantau silence add --topic asean --for 4h --reason "summit week, too noisy"
  pantau silence add --term "uji coba rudal" --for 1d --reason "known story"
  pantau silence add --feed https://example.org/rss.xml --for 30m --reason "feed replaying old items"
  pantau silence list                  silences in force (--all: expired ones too)
  pantau silence expire 3fa4c2d1       end a silence now

  pantau silence add --kafka --config pantau.yaml --topic asean --for 4h --reason "..."
                                       the same for `pantau worker` (distributed mode)

A silenced alert is not sent and counts as pantau_alerts_total{outcome="silenced"}.
An article matching a silenced topic and a live one still alerts for the live one.
Silences expire by themselves. Without --kafka they live in the state file
(`state:` in pantau.yaml), read by `pantau run`. With --kafka they live on the
compacted topic pantau.silences of the broker the workers use (PANTAU_KAFKA,
else `kafka:` in pantau.yaml; PANTAU_TOPIC_PREFIX applies): every running
`pantau worker` applies an added or expired silence within a second or two.
`expire` removes the silence from the topic, so `list --all` in that mode shows
silences that ran out by themselves but not those ended early.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``silence`` command (add, list, expire) to the CLI."""
    parser = subparsers.add_parser(
        "silence",
        help="mute alerts by topic, rule, feed or term for a while",
        description="Add, list and expire silences: alerts they match are not sent until they expire.",
        epilog=EPILOG,
    )
    common = argparse.ArgumentParser(add_help=False)
    add_config_option(common, help="pantau.yaml whose state file (or broker, with --kafka) to use")
    common.add_argument(
        "--kafka",
        action="store_true",
        help="silences of the distributed workers (the pantau.silences topic), not the state file",
    )
    sub = parser.add_subparsers(dest="silence_command", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add",
        parents=[common],
        help="add a silence",
        epilog=EPILOG,
        description="Mute alerts by topic, rule, feed or term for 1m to 366d; a name no rule "
        "file or feed list defines is warned about.",
    )
    what = add.add_mutually_exclusive_group(required=True)
    for kind in ("topic", "rule", "feed", "term"):
        what.add_argument(f"--{kind}", metavar=kind.upper(), help=f"silence alerts by {kind}")
    add.add_argument("--for", dest="duration", required=True, metavar="DURATION", help="how long: 30m, 4h, 2d")
    add.add_argument("--reason", required=True, type=non_empty, help="why (shown in `silence list`)")
    add.set_defaults(handler=handle_add)
    lst = sub.add_parser(
        "list",
        parents=[common],
        help="list silences in force",
        epilog=EPILOG,
        description="List the silences in force (--all: expired ones too), with who set them and why.",
    )
    lst.add_argument("--all", action="store_true", help="include expired silences")
    lst.set_defaults(handler=handle_list)
    exp = sub.add_parser(
        "expire",
        parents=[common],
        help="end a silence now",
        epilog=EPILOG,
        description="End a silence now, by its id or a unique start of it.",
    )
    exp.add_argument("id", help="the silence id shown by `silence add` / `silence list` (a unique start is enough)")
    exp.set_defaults(handler=handle_expire)


def _store(args: argparse.Namespace):
    from pantau.adapters.sqlite.silences import SqliteSilences
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config

    config = load_config(args.config)
    if not args.kafka:
        # Only `add` may create the state file (silences may be set before the first run).
        return SqliteSilences(open_state(config.state, create=args.silence_command == "add"))
    from pantau.adapters.kafka.silences import TopicSilences
    from pantau.adapters.kafka.topics import SILENCES, ensure_topics

    kafka = reachable_broker(args, config)
    adding = args.silence_command == "add"
    if adding:  # silences may be set before any worker ever ran; reading never creates topics
        ensure_topics(kafka.bootstrap, (SILENCES,), prefix=kafka.prefix, replicas=kafka.replicas)
    store = TopicSilences(kafka.bootstrap, prefix=kafka.prefix, missing_ok=not adding)
    store.catch_up()
    return store


def handle_add(args: argparse.Namespace) -> int:
    """Add a silence and print its id."""
    import getpass

    from pantau.core.errors import InputError
    from pantau.streams.deliver.config import parse_duration

    kind = next(k for k in ("topic", "rule", "feed", "term") if getattr(args, k))
    try:
        seconds = parse_duration(args.duration)
    except ValueError as exc:
        raise InputError(f"--for {args.duration!r}: {exc}", hint="write e.g. --for 4h") from None
    if not MIN_SILENCE <= seconds <= MAX_SILENCE:
        raise InputError(
            f"--for {args.duration!r}: a silence lasts from 1m to 366d",
            hint="write e.g. --for 4h; to mute something for good, change the rules instead",
        )
    _warn_unknown(args, kind, getattr(args, kind))
    silence = _store(args).add(kind, getattr(args, kind), seconds, args.reason, created_by=getpass.getuser())
    print(f"silence {silence.id}: {kind} {silence.value!r} until {stamp(silence.expires)} UTC ({silence.reason})")
    return 0


def _warn_unknown(args: argparse.Namespace, kind: str, value: str) -> None:
    """Warn (the silence is still added) when no rule file or feed list defines what it names."""
    import difflib
    import sys

    from pantau.config import load_config
    from pantau.core.errors import RulesError

    if kind == "term":
        return
    config = load_config(args.config)
    if kind == "feed":
        known = sorted(
            {f.key for f in config.feeds} | {f.url for f in config.feeds} | {f.name for f in config.feeds if f.name}
        )
        where = "in the feed list"
    else:
        from pantau.streams.classify import load_ruleset

        try:
            ruleset = load_ruleset(config.rules)
        except RulesError:
            return  # the rules are refused: nothing to compare with, and `rules check` says why
        known = sorted(ruleset.topics) if kind == "topic" else sorted(r.id for r in ruleset.rules)
        where = f"in {config.rules}"
    if value in known:
        return
    close = difflib.get_close_matches(value, known, n=1)
    more = " ..." if len(known) > 8 else ""
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known[:8])}{more}"
    what = f"no {kind} {value!r} {where}" if kind == "feed" else f"no rule file defines {kind} {value!r}"
    print(f"pantau: warning: {what} ({hint}); the silence is added anyway, but matches nothing now", file=sys.stderr)


def handle_list(args: argparse.Namespace) -> int:
    """Print silences in force (or all with --all)."""
    now = time.time()
    store = _store(args)
    silences = store.all() if args.all else store.active(now)
    if not silences:
        print("no silences in force" if not args.all else "no silences")
        return 0
    for s in silences:
        state = "active" if s.active(now) else "expired"
        print(
            f"{s.id}  {state:7}  {s.kind}={s.value!r}  until {stamp(s.expires)} UTC"
            f"  by {s.created_by or '?'}: {s.reason}"
        )
    return 0


def handle_expire(args: argparse.Namespace) -> int:
    """End a silence now (its id, or a unique start of it)."""
    from pantau.core.errors import PantauError

    store = _store(args)
    silence_id = resolve_prefix(
        args.id, [s.id for s in store.active(time.time())], what="active silence", hint="see `pantau silence list`"
    )
    if not store.expire(silence_id):
        raise PantauError(f"no active silence with id {args.id!r}", hint="see `pantau silence list`")
    print(f"silence {silence_id} expired")
    return 0
