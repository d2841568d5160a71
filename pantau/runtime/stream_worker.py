"""``pantau worker`` in distributed mode: the Faust stream worker, assembled and run.

    ensure topics -> read every silence (TopicSilences) -> live rules -> create_app (Faust)
                  -> /metrics /healthz /readyz -> faust.Worker until SIGINT/SIGTERM

Run as many as you like: Kafka spreads the articles' partitions over them and
exactly one of them delivers at a time (see :mod:`pantau.adapters.faust.app`).
"""

from __future__ import annotations

import shutil
from typing import Any

from pantau.config import Config
from pantau.core import heap
from pantau.core.config import KafkaSettings
from pantau.core.logs import get_logger

__all__ = ["run_stream_worker"]

log = get_logger(component="worker")


def run_stream_worker(
    config: Config, *, log_level: str = "info", kafka: KafkaSettings | None = None, role: str = "all"
) -> int:
    """Start the worker in ``role`` (all, classify, deliver) and block until SIGINT/SIGTERM; returns the exit status."""
    import faust

    from pantau.adapters.faust.app import create_app
    from pantau.adapters.kafka.connectivity import watch_broker
    from pantau.adapters.kafka.silences import TopicSilences
    from pantau.adapters.kafka.topics import ALL_TOPICS, ensure_topics, require_broker
    from pantau.runtime.observe import start_observer
    from pantau.streams.classify import LiveRules

    kafka = kafka or config.broker
    require_broker(kafka.bootstrap)  # one clear line within seconds, not a minute of client retries
    # Before the Kafka clients start, so that their start-up complaints are gated too.
    broker, log_gate = watch_broker(kafka.bootstrap)
    ensure_topics(kafka.bootstrap, ALL_TOPICS, prefix=kafka.prefix, replicas=kafka.replicas)
    # Read every silence before consuming anything, then follow the topic (any worker may deliver).
    silences = TopicSilences(kafka.bootstrap, prefix=kafka.prefix).start()
    rules = LiveRules(config.rules).start()
    if role == "classify":
        silences.close()
        return _classify_only(config, rules, kafka, broker, log_gate)
    worker = create_app(config, rules=rules, silences=silences, kafka=kafka, classifying=role == "all")
    app = worker.app

    # /readyz runs in the observer's thread: it reads the snapshot the event loop keeps.
    def readiness() -> list[str]:
        return broker.reasons() + list(worker.not_ready)

    observer = (
        start_observer(config.metrics, readiness, mode="worker", degraded=rules.degraded) if config.metrics else None
    )

    # Faust's worker owns the event loop and handles SIGINT/SIGTERM (a clean leave of the group).
    class Runner(faust.Worker):
        """Faust's worker, stopping delivery the moment SIGTERM/SIGINT arrives.

        Faust leaves the consumer group early in its shutdown, and another worker takes the
        matches partition over while this one is still stopping (seconds, waiting for streams):
        the dispatcher, a task of ours that Faust does not know, must not send meanwhile.
        """

        def _schedule_shutdown(self, signal: Any) -> None:
            worker.delivery.close()
            worker.outcomes.flush()  # the fates held for the next flush leave with the producer's last batch
            super()._schedule_shutdown(signal)

    runner = Runner(app, quiet=True, override_logging=False, redirect_stdouts=False, loglevel=log_level)
    runner.spinner = None  # its terminal escapes would corrupt JSON log lines
    # Rules, judge and app stay for good: full collections skip them (pantau/core/heap.py).
    _started(role, kafka, heap.settle())
    try:
        runner.execute_from_commandline()
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


def _started(role: str, kafka: KafkaSettings, frozen: int) -> None:
    """The start line: the role, the broker, and how many start-up objects the heap freeze holds."""
    log.info("worker_started", role=role, bootstrap=kafka.bootstrap, prefix=kafka.prefix, frozen_objects=frozen)


def _classify_only(config: Config, rules: Any, kafka: KafkaSettings, broker: Any, log_gate: Any) -> int:
    """``--role classify``: the batch classifier until SIGINT/SIGTERM."""
    import asyncio

    from pantau.runtime.classify_worker import run_classifier
    from pantau.runtime.observe import start_observer

    observer = (
        start_observer(config.metrics, broker.reasons, mode="worker", degraded=rules.degraded)
        if config.metrics
        else None
    )
    _started("classify", kafka, heap.settle())
    try:
        asyncio.run(run_classifier(rules, kafka.bootstrap, kafka.prefix, exactly_once=kafka.exactly_once))
    finally:
        rules.stop()
        broker.stop()
        log_gate.remove()
        if observer is not None:
            observer.stop()
    return 0
