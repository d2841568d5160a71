"""``pantau worker``: the Faust stream worker (distributed mode)."""

from __future__ import annotations

import argparse
import shutil

from pantau.cli.options import add_config_option, config_from_args

__all__ = ["register", "handle"]

EPILOG = """\
examples:
  pantau worker --config pantau.yaml                 classify and deliver from Kafka
  PANTAU_KAFKA=127.0.0.1:9092 pantau worker          override the broker address of the config

Run as many as you like: Kafka spreads the articles' partitions over them
(classification scales out), and exactly one of them delivers alerts at a time
(the owner of the matches partition); if it dies another takes over within
seconds, from the same delivery state, so no alert is lost or sent twice.
Roles (--role): `all` (the default) classifies and delivers in one Faust app.
For headroom, run `classify` processes (a plain consumer group reading the
articles in batches: about five times less CPU per article than `all`) beside
one or two `deliver` processes (stories, outbox and delivery, no
classification). Do not mix `all` with the other two on one deployment: both
would classify every article.

Rules are reloaded when files in `rules:` change; silences and replays come
from `pantau silence --kafka` and `pantau alerts replay --kafka`. /metrics,
/healthz and /readyz are served on the `metrics:` address.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``worker`` command to the CLI."""
    parser = subparsers.add_parser(
        "worker",
        help="classify articles from Kafka and deliver alerts (distributed mode)",
        description="Run the Faust stream worker: classify every article of the articles topic "
        "against the live rules, group stories and deliver alerts to the configured destinations.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_option(parser)
    parser.add_argument("--role", choices=("all", "classify", "deliver"), default="all",
                        help="all: classify and deliver (default); classify: only classify, in batches, "
                             "without Faust; deliver: stories and delivery only")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Start the worker and block until SIGINT/SIGTERM; returns the exit status."""
    import faust

    from pantau.adapters.faust.app import create_app
    from pantau.streams.classify import LiveRules
    from pantau.runtime.observe import start_observer
    from pantau.adapters.kafka.connectivity import watch_broker
    from pantau.adapters.kafka.silences import TopicSilences
    from pantau.adapters.kafka.topics import ALL_TOPICS, ensure_topics, kafka_bootstrap, require_broker

    config = config_from_args(args, with_rules=True)
    bootstrap = kafka_bootstrap(config)
    require_broker(bootstrap)  # one clear line within seconds, not a minute of client retries
    # Before the Kafka clients start, so that their start-up complaints are gated too.
    broker, log_gate = watch_broker(bootstrap)
    ensure_topics(bootstrap, ALL_TOPICS)
    # Read every silence before consuming anything, then follow the topic (any worker may deliver).
    silences = TopicSilences(bootstrap).start()
    rules = LiveRules(config.rules).start()
    if getattr(args, "role", "all") == "classify":
        silences.close()
        return _classify_only(config, rules, bootstrap, broker, log_gate)
    streams = create_app(config, rules=rules, silences=silences, bootstrap=bootstrap,
                         classifying=getattr(args, "role", "all") == "all")
    app = streams.app

    # /readyz runs in the observer's thread: it reads the snapshot the event loop keeps.
    def readiness() -> list[str]:
        return broker.reasons() + list(streams.not_ready)

    observer = (start_observer(config.metrics, readiness, mode="worker", degraded=rules.degraded)
                if config.metrics else None)
    # Faust's worker owns the event loop and handles SIGINT/SIGTERM (a clean leave of the group).
    worker = faust.Worker(app, quiet=True, override_logging=False, redirect_stdouts=False,
                          loglevel=getattr(args, "log_level", "info"))
    worker.spinner = None  # its terminal escapes would corrupt JSON log lines
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        rules.stop()
        silences.close()
        broker.stop()
        log_gate.remove()
        if observer is not None:
            observer.stop()
        # Faust's data dir (a fresh temporary one: tables live in memory and changelogs).
        shutil.rmtree(app.conf.datadir, ignore_errors=True)
    return 0


def _classify_only(config, rules, bootstrap: str, broker, log_gate) -> int:
    """``--role classify``: the batch classifier until SIGINT/SIGTERM."""
    import asyncio

    from pantau.adapters.kafka.topics import topic_prefix
    from pantau.runtime.classify_worker import run_classifier
    from pantau.runtime.observe import start_observer

    observer = (start_observer(config.metrics, broker.reasons, mode="worker", degraded=rules.degraded)
                if config.metrics else None)
    try:
        asyncio.run(run_classifier(rules, bootstrap, topic_prefix()))
    finally:
        rules.stop()
        broker.stop()
        log_gate.remove()
        if observer is not None:
            observer.stop()
    return 0
