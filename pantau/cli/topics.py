"""``pantau topics``: pantau's topics on the broker, their partitions, and adding the partitions a release wants.

Deployments created before round 13 have 6 articles partitions where new ones get 12; ``ensure_topics``
never changes an existing topic, so ``--grow`` is how an operator gives it the rest, with everything
running (README "Scaling out": what happens, how long, what to watch).
"""

from __future__ import annotations

import argparse

from pantau.cli.options import add_config_option, config_from_args, reachable_broker

__all__ = ["register", "handle"]

EPILOG = """\
examples:
  pantau topics --config pantau.yaml           each topic: partitions on the broker, and a new deployment's
  pantau topics --config pantau.yaml --grow    add the missing partitions (articles: 6 -> 12), workers running

--grow sends the request `kafka-topics.sh --alter --partitions N` sends, for
pantau.articles and pantau.feeds when they have fewer partitions than this
release creates (no other: their records' keys must stay on one partition);
it never removes partitions (Kafka cannot) and never creates a topic. Running workers
and source workers use the new partitions within about 30 s; the classify
group rebalances once and reads them from their start.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``topics`` command to the CLI."""
    parser = subparsers.add_parser(
        "topics",
        help="pantau's Kafka topics and their partitions; add the partitions this release wants",
        description="List pantau's topics on the broker with their partitions and the count this release "
        "creates them with; --grow adds partitions to topics that have fewer (distributed mode).",
        epilog=EPILOG,
    )
    add_config_option(parser)
    parser.add_argument(
        "--grow",
        action="store_true",
        help="add partitions to the articles (and feeds) topic when it has fewer than this release's",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print each topic's partitions (after adding the missing ones with --grow); returns the exit status."""
    from pantau.adapters.kafka.topics import ALL_TOPICS, GROWABLE, grow_topics, topic_partitions

    kafka = reachable_broker(args, config_from_args(args))
    before = grow_topics(kafka.bootstrap, prefix=kafka.prefix) if args.grow else {}
    have = topic_partitions(kafka.bootstrap, prefix=kafka.prefix)
    if not have:
        print(f"no pantau topics at {kafka.bootstrap} (prefix {kafka.prefix!r}): the workers create them")
        return 0
    print(f"{'topic':<40} partitions")
    for spec in ALL_TOPICS:
        name = spec.name(kafka.prefix)
        if name not in have:
            continue
        note = ""
        if name in before:
            note = f"  grown from {before[name]}: workers use the new ones within ~30 s"
        elif have[name] < spec.partitions and spec in GROWABLE:
            note = f"  fewer than this release's {spec.partitions}: `pantau topics --grow` adds them"
        print(f"{name:<40} {have[name]:>10}{note}")
    return 0
