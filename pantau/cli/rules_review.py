"""``pantau rules quality|candidates``: what the desk's verdicts say about each rule.

Registered under ``pantau rules`` by :mod:`pantau.cli.rules`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from pantau.cli.options import add_config_option, since_seconds, state_to_read
from pantau.cli.terminal import stamp

__all__ = ["add_subcommands", "handle_quality", "handle_candidates"]

QUALITY_EPILOG = """\
examples:
  pantau rules quality                      alerts, verdicts and precision per rule, last 30 days
  pantau rules quality --topic cybercrime --since 7d
  pantau rules candidates                   articles to consider as rule examples
  pantau rules candidates --topic asean --json

Verdicts come from the "relevant" / "not relevant" links every alert carries
(confirmed on the web page). Precision is relevant / (relevant + not relevant)
among the alerts somebody judged; "missed" counts articles an editor marked
"should have alerted". Candidates are only offered: copy one into the rule's
examples (should_not_match for a wrong alert, should_match for a miss) and run
`pantau rules test`; nothing is added to a rule file for you.
"""


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add ``quality`` and ``candidates`` to the ``pantau rules`` sub-commands."""
    p = sub.add_parser(
        "quality",
        help="alerts, verdicts and observed precision per rule and topic",
        description="What the desk's verdicts say about each rule.",
        epilog=QUALITY_EPILOG,
    )
    p.add_argument("--since", default="30d", metavar="AGE", help="verdicts and alerts within AGE (default: 30d)")
    p.add_argument("--topic", metavar="TOPIC", help="only this topic")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_config_option(p)
    p.set_defaults(handler=handle_quality)
    p = sub.add_parser(
        "candidates",
        help="articles the desk judged, offered as rule examples",
        description="Articles marked not relevant or missed, offered as rule examples.",
        epilog=QUALITY_EPILOG,
    )
    p.add_argument("--topic", metavar="TOPIC", help="only this topic")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    add_config_option(p)
    p.set_defaults(handler=handle_candidates)


def _feedback(args: argparse.Namespace):
    from pantau.adapters.sqlite.feedback import FeedbackStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config

    config = load_config(args.config)
    state = state_to_read(config, empty="no alerts or verdicts yet", hint="run `pantau run` first, or pass --config")
    return FeedbackStore(open_state(state))


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def handle_quality(args: argparse.Namespace) -> int:
    """Print alerts, verdicts and precision per topic, then per rule."""

    since = time.time() - since_seconds(args.since)
    fb = _feedback(args)
    fb.archive.sync_fates()
    q = fb.quality(since=since, topic=args.topic)
    if args.json:
        import msgspec

        print(
            json.dumps(
                {
                    "since": since,
                    "topics": [msgspec.to_builtins(t) | {"precision": t.precision} for t in q.topics],
                    "rules": [msgspec.to_builtins(r) | {"precision": r.precision} for r in q.rules],
                },
                ensure_ascii=False,
            )
        )
        return 0
    print(f"{'topic':<32}{'alerts':>8}{'verdicts':>10}{'relevant':>10}{'not':>6}{'precision':>11}{'missed':>8}")
    for t in q.topics:
        print(
            f"{t.topic:<32}{t.alerts:>8}{t.verdicts:>10}{t.relevant:>10}{t.not_relevant:>6}"
            f"{_pct(t.precision):>11}{t.missed:>8}"
        )
    print(f"\n{'topic/rule':<32}{'alerts':>8}{'verdicts':>10}{'relevant':>10}{'not':>6}{'precision':>11}")
    for r in q.rules:
        print(
            f"{r.topic + '/' + r.rule:<32}{r.alerts:>8}{r.verdicts:>10}{r.relevant:>10}{r.not_relevant:>6}"
            f"{_pct(r.precision):>11}"
        )
    if not q.topics and not q.rules:
        print(f"no alerts or verdicts in the last {args.since}", file=sys.stderr)
    return 0


def handle_candidates(args: argparse.Namespace) -> int:
    """List the offered example candidates, each with the YAML an editor can paste."""
    cands = _feedback(args).candidates(topic=args.topic)
    if args.json:
        import msgspec

        for c in cands:
            print(json.dumps(msgspec.to_builtins(c) | {"example": c.example()}, ensure_ascii=False))
        return 0
    for c in cands:
        where = f"{c.topic}/{c.rule}" if c.rule else f"topic {c.topic}"
        why = "marked not relevant" if c.kind == "should_not_match" else "marked should have alerted"
        print(f"{c.kind} for {where}  ({why} by {c.who}, {stamp(c.at)})  article {c.article_id}")
        print(f"    - title: {json.dumps(c.title, ensure_ascii=False)}")
        print(f"      content: {json.dumps(c.text, ensure_ascii=False)}")
        if c.language:
            print(f"      language: {c.language}")
    print(
        f"{len(cands)} candidate(s); paste one under the rule's examples: and run `pantau rules test`", file=sys.stderr
    )
    return 0
