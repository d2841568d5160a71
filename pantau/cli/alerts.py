"""``pantau alerts``: inspect pending alerts and dead letters, and send dead letters again."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, timezone

from pantau.cli.options import add_config_option, non_negative_seconds, reachable_broker, resolve_prefix

__all__ = ["register", "handle_pending", "handle_dead", "handle_replay"]

EPILOG = """\
examples:
  pantau alerts pending                alerts waiting for delivery or their next retry
  pantau alerts dead                   alerts that exhausted their retries, with the last error
  pantau alerts replay 9f2c...         send one dead letter again (key from `alerts dead`)
  pantau alerts replay --all           send every dead letter again
  pantau alerts replay --all --queue-only
                                       hand them back to a running `pantau run` instead
  pantau alerts dead --kafka --config pantau.yaml
  pantau alerts replay --kafka --all   the same for `pantau worker` (distributed mode)

An alert becomes a dead letter when its destination kept failing for the whole
retry schedule (hours), refused it for good (4xx), or was disabled (410 Gone).
Fix the destination in pantau.yaml first, then replay. While a `pantau run`
monitor is running on the same state file, use --queue-only so that only the
monitor sends (two senders could both deliver the same alert).

With --kafka, dead letters are read from the topic pantau.alerts.dead of the
broker the workers use (PANTAU_KAFKA, else `kafka:` in pantau.yaml;
PANTAU_TOPIC_PREFIX applies), and `replay` asks the delivering worker, through
the topic pantau.alerts.replay, to take them back into its outbox: the command
waits (--max-wait) until the worker did; the worker then sends them with a
fresh retry schedule. As without --kafka, only dead letters are replayed: an
alert that was delivered is never sent again.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``alerts`` command (dead, replay) to the CLI."""
    parser = subparsers.add_parser(
        "alerts",
        help="list dead-lettered alerts and replay them",
        description="Inspect alerts that could not be delivered and send them again.",
        epilog=EPILOG,
    )
    common = argparse.ArgumentParser(add_help=False)
    add_config_option(common, help="pantau.yaml whose state and destinations to use")
    kafka = argparse.ArgumentParser(add_help=False)
    kafka.add_argument(
        "--kafka",
        action="store_true",
        help="dead letters of the distributed workers (topic pantau.alerts.dead), not the state file",
    )
    sub = parser.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    pending = sub.add_parser(
        "pending",
        parents=[common],
        help="list alerts waiting for delivery or retry",
        description="List alerts waiting for delivery or their next retry, with the last error.",
        epilog=EPILOG,
    )
    pending.set_defaults(handler=handle_pending)
    dead = sub.add_parser(
        "dead",
        parents=[common, kafka],
        help="list dead letters",
        description="List alerts that exhausted their retries or were refused, with the last error.",
        epilog=EPILOG,
    )
    dead.set_defaults(handler=handle_dead)
    replay = sub.add_parser(
        "replay",
        parents=[common, kafka],
        help="send dead letters again",
        epilog=EPILOG,
        description="Send dead letters again (by key, or a unique start of it, or --all) with a fresh retry schedule.",
    )
    replay.add_argument(
        "keys", nargs="*", metavar="KEY", help="alert keys from `pantau alerts dead` (a unique start of one is enough)"
    )
    replay.add_argument("--all", action="store_true", help="replay every dead letter")
    replay.add_argument(
        "--queue-only",
        action="store_true",
        help="only move them back to the outbox (a running `pantau run` sends them)",
    )
    replay.add_argument(
        "--max-wait",
        type=non_negative_seconds,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for short retries before leaving the rest queued "
        "(--kafka: for the worker to take them back) (default: 60)",
    )
    replay.set_defaults(handler=handle_replay)


def _open(args: argparse.Namespace):
    from pantau.adapters.sqlite.outbox import SqliteOutbox
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config

    config = load_config(args.config)
    # Read-only, or replaying what is there: a missing state file is an error, never created.
    return config, SqliteOutbox(open_state(config.state, create=False))


def _topic(args: argparse.Namespace):
    from pantau.adapters.kafka.dead_letters import DeadLetterTopic
    from pantau.config import load_config

    kafka = reachable_broker(args, load_config(args.config))
    return DeadLetterTopic(kafka.bootstrap, prefix=kafka.prefix)


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def handle_pending(args: argparse.Namespace) -> int:
    """Print alerts waiting: key, destination, next attempt, attempts so far, last error."""
    _, outbox = _open(args)
    entries = outbox.pending()
    if not entries:
        print("nothing pending")
        return 0
    for e in entries:
        print(f"{e.alert.key}  {e.alert.destination}  next {_when(e.due)}  attempts={e.attempts}")
        print(f"    {e.alert.headline[:100]}")
        if e.error:
            print(f"    last error: {e.error}")
    print(f"{len(entries)} pending alert(s)")
    return 0


def handle_dead(args: argparse.Namespace) -> int:
    """Print every dead letter: key, destination, when, attempts, error, headline."""
    letters = _topic(args).dead() if args.kafka else _open(args)[1].dead()
    if not letters:
        print("no dead letters")
        return 0
    for d in letters:
        print(f"{d.alert.key}  {d.alert.destination}  {_when(d.died)}  attempts={d.attempts}")
        print(f"    {d.alert.headline[:100]}")
        print(f"    error: {d.error}")
    print(f"{len(letters)} dead letter(s); `pantau alerts replay --all` sends them again")
    return 0


def handle_replay(args: argparse.Namespace) -> int:
    """Move dead letters back to the outbox and (unless --queue-only) deliver them now."""
    import time

    from pantau.core.errors import PantauError

    if not args.keys and not args.all:
        raise PantauError("say which dead letters to replay", hint="give KEYs from `pantau alerts dead`, or --all")
    if args.kafka:
        return _replay_on_kafka(args)
    config, outbox = _open(args)
    known = [d.alert.key for d in outbox.dead()]
    keys = [
        resolve_prefix(k, known, what="dead letter", hint="see `pantau alerts dead`", label="key") for k in args.keys
    ]
    moved = outbox.replay(None if args.all else keys, time.time())
    print(f"{moved} alert(s) back in the outbox")
    if args.queue_only or not moved:
        return 0
    summary = asyncio.run(_deliver(config, outbox, args.max_wait))
    print(f"sent {summary.sent}, still queued {summary.pending}, dead again {summary.dead}")
    return 0 if summary.dead == 0 else 1


def _replay_on_kafka(args: argparse.Namespace) -> int:
    """Ask the delivering worker to take dead letters back; wait up to --max-wait until it did."""
    import getpass

    topic = _topic(args)
    known = [d.alert.key for d in topic.dead()]
    given = [
        resolve_prefix(
            k,
            known,
            what="dead letter",
            label="key",
            hint=f"see `pantau alerts dead --kafka` (topic {topic.dead_topic})",
        )
        for k in args.keys
    ]
    keys = known if args.all else list(dict.fromkeys(given))
    if not keys:
        print("no dead letters")
        return 0
    topic.request_replay(keys, requested_by=getpass.getuser())
    print(f"{len(keys)} replay request(s) sent to {topic.replay_topic}")
    left = topic.wait_taken_back(keys, args.max_wait)
    if left:
        print(
            f"{len(keys) - len(left)} alert(s) back in the worker's outbox; {len(left)} not yet taken back "
            f"after {args.max_wait:g} s (is a `pantau worker` running? it takes them when it runs)"
        )
        return 1
    print(f"{len(keys)} alert(s) back in the worker's outbox; it sends them now")
    return 0


async def _deliver(config, outbox, max_wait: float):
    from pantau.streams.deliver.destinations import build_destinations
    from pantau.streams.deliver.dispatch import Dispatcher

    dispatcher = Dispatcher(build_destinations(config), outbox, routes=config.routes)
    try:
        return await dispatcher.drain(max_wait)
    finally:
        await dispatcher.aclose()
