"""The Faust app behind ``pantau worker``: classify articles, deliver alerts, on Kafka.

    pantau.articles --classify_articles--> pantau.matches --deliver_alerts--> outbox --> destinations
      (12 partitions)  BatchClassifier       (1 partition)   pipeline.route    tables     Dispatcher
                       with LiveRules                         + StoryIndex                 given up:
    pantau.events --announce_feed_health--> Router.events_for ---^                         pantau.alerts.dead
    pantau.alerts.replay --replay_dead_letters--> dead letters back to the outbox
    pantau.silences --(TopicSilences, every worker)--> the Dispatcher's silences

Read top to bottom, as in Faust's examples: the app, its topics, its tables, then the agents
(:mod:`pantau.adapters.faust.agents`), thin loops around the same pure steps the embedded mode runs
(:mod:`pantau.streams.pipeline`). Delivery state lives in Faust tables on the one matches partition (see
:mod:`pantau.adapters.kafka.topics`); :class:`~pantau.adapters.faust.delivery.DeliverySupervisor` runs the Dispatcher
only on the worker that owns that partition.

Faust's own web server is off: /metrics (pantau's metrics and Faust's sensors, one registry), /healthz and /readyz
come from :mod:`pantau.runtime.observe` on the configured ``metrics:`` address.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import faust
from aiokafka.partitioner import DefaultPartitioner
from faust.types import TP, TableT

from pantau.adapters.faust.delivery import DeliverySupervisor, WriteHeldBeforeCommit
from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.faust.sensors import install_sensors
from pantau.adapters.kafka.batch_classifier import PRODUCE_BATCH_BYTES
from pantau.adapters.kafka.outcomes import OutcomeBuffer
from pantau.adapters.kafka.topics import (
    ALERTS_DEAD,
    ALERTS_OUTCOMES,
    ALERTS_REPLAY,
    ARTICLES,
    EVENTS,
    MATCHES,
    TopicSpec,
)
from pantau.config import Config
from pantau.core.config import KafkaSettings
from pantau.core.logs import get_logger
from pantau.streams.deliver.feedback import signer_for
from pantau.streams.deliver.retention import delivery_retention

if TYPE_CHECKING:  # the worker imports these anyway; keep `import pantau.adapters.faust.app` light
    from pantau.adapters.kafka.outcomes import Status
    from pantau.streams.classify import LiveRules
    from pantau.streams.deliver import Dispatcher, OpsEvent, Router
    from pantau.streams.deliver.alert import Alert
    from pantau.streams.deliver.silences import Silences

__all__ = ["StreamWorker", "WorkerTopics", "create_app", "report_outcome", "TABLES"]

log = get_logger(component="worker")
TABLES = ("alert_outbox", "alert_done", "alert_dead", "story_members", "delivery_timers", "story_ledger")


@dataclass(frozen=True)
class WorkerTopics:
    """The Faust topics the worker reads and writes."""

    articles: faust.TopicT
    matches: faust.TopicT
    dead: faust.TopicT
    events: faust.TopicT
    replay: faust.TopicT
    outcomes: faust.TopicT


@dataclass
class StreamWorker:
    """The Faust app and what its agents use; ``delivery`` says whether this worker delivers now."""

    app: faust.App
    config: Config
    kafka: KafkaSettings
    topics: WorkerTopics
    rules: LiveRules
    """The rule set in force is ``rules.current``, read once per article."""
    router: Router
    dispatcher: Dispatcher
    outbox: TableOutbox
    delivery: DeliverySupervisor
    outcomes: OutcomeBuffer
    """Alert fates on their way to the outcomes topic (flushed 0.2 s after the first one held)."""

    @property
    def not_ready(self) -> list[str]:
        """Why the worker cannot do its work yet (refreshed in the event loop, read by /readyz)."""
        return self.delivery.not_ready

    async def announce(self, event: OpsEvent) -> None:
        """Route an ops event: it takes the articles' road from the router on (outbox, retries, dead letters)."""
        await self.dispatcher.submit(self.router.events_for(event))


class _Partitioner(DefaultPartitioner):
    """aiokafka's partitioner (murmur2 of the key, as Java clients hash it), but a topic of one
    partition needs no hash: the delivery tables' changelogs have one and take several records per
    alert, and murmur2 in pure Python was 1-2 % of the deliverer's CPU."""

    def __call__(self, key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
        if len(all_partitions) == 1:
            return all_partitions[0]
        return DefaultPartitioner.__call__(key, all_partitions, available)


def make_app(kafka: KafkaSettings) -> faust.App:
    """The Faust app: in-memory tables recovered from changelogs, fast failover, no web server."""
    app = faust.App(
        f"{kafka.prefix}pantau",
        broker=[f"kafka://{host.strip()}" for host in kafka.bootstrap.split(",")],
        store="memory://",
        web_enabled=False,
        autodiscover=False,
        datadir=tempfile.mkdtemp(prefix="pantau-faust-"),
        topic_partitions=ARTICLES.partitions,
        topic_replication_factor=kafka.replicas or 1,
        # Only the active owner may deliver: no standby copies of delivery state.
        table_standby_replicas=0,
        # A dead worker's partitions move after 10 s instead of Faust's default 60 s.
        broker_session_timeout=10.0,
        broker_heartbeat_interval=3.0,
        broker_commit_every=100,
        broker_commit_interval=1.0,
        # Each alert writes several small records (outbox entry and done, story member, ledger,
        # outcome): without a linger each turn of the event loop sent its own produce request (~3 an
        # alert in `make bench worker`); 10 ms gathers them into fewer requests at no cost to latency
        # that a reader would notice. Not longer: an alert's "sent" record waits this long in the
        # producer, and a worker killed meanwhile leaves the alert to be sent again by the next owner
        # (50 ms let the two-worker kill test in tests/e2e/test_distributed.py see a repeat).
        producer_linger=0.01,
        # Faust's default record batch (16 KB) holds two outbox entries (each carries its match, ~6 KB): the
        # producer closed a batch, and made a produce request, every two or three alerts, however short the
        # linger. A batch per topic per linger is what the linger is for.
        producer_max_batch_size=PRODUCE_BATCH_BYTES,
        producer_partitioner=_Partitioner(),
        # PANTAU_EXACTLY_ONCE=1: tables, changelogs and sends in Kafka transactions; the deliver
        # agent then reads committed matches only (the batch classifier writes them in transactions).
        processing_guarantee="exactly_once" if kafka.exactly_once else "at_least_once",
    )
    install_sensors(app)
    return app


def declare_topic(app: faust.App, spec: TopicSpec, prefix: str) -> faust.TopicT:
    """One topic of :mod:`pantau.adapters.kafka.topics` as Faust declares it (raw bytes both ways)."""
    return app.topic(
        spec.name(prefix),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=spec.partitions,
        retention=spec.retention.total_seconds() if spec.retention else None,
        compacting=spec.cleanup == "compact",
        deleting=spec.cleanup == "delete",
        config=spec.configs(),
    )


def declare_topics(app: faust.App, prefix: str) -> WorkerTopics:
    """Every topic the worker uses."""
    return WorkerTopics(
        articles=declare_topic(app, ARTICLES, prefix),
        matches=declare_topic(app, MATCHES, prefix),
        dead=declare_topic(app, ALERTS_DEAD, prefix),
        events=declare_topic(app, EVENTS, prefix),
        replay=declare_topic(app, ALERTS_REPLAY, prefix),
        outcomes=declare_topic(app, ALERTS_OUTCOMES, prefix),
    )


def declare_tables(app: faust.App) -> dict[str, TableT[str, bytes]]:
    """The delivery state tables, all on the one matches partition."""
    # use_partitioner: the dispatcher writes outside stream iteration; with one
    # partition every key lands on partition 0, owned with the matches partition.
    return {
        name: app.Table(name, partitions=MATCHES.partitions, use_partitioner=True, key_type=str, value_type=bytes)
        for name in TABLES
    }


def _send_soon(topic: faust.TopicT, key: bytes, value: bytes) -> None:
    # Outside a stream the record is buffered and sent by the producer's next flush.
    topic.send_soon(key=key, value=value)


FLUSH_OUTCOMES_AFTER = 0.2
"""Seconds the first fate held waits for others before the outcomes go out (one record per alert and fate)."""


def _flush_later(outcomes: OutcomeBuffer) -> None:
    # Scheduled by the first fate held, not by a timer every 0.2 s: an idle worker woke 5 times a
    # second to flush nothing (round 14). Fates are put from the event loop (agents, dispatcher).
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no event loop (a caller outside the worker): nothing would flush later
        outcomes.flush()
        return
    loop.call_later(FLUSH_OUTCOMES_AFTER, outcomes.flush)


def report_outcome(outcomes: OutcomeBuffer, alert: Alert, status: Status | None, at: float, why: str = "") -> None:
    """Put one alert's fate on the outcomes topic (the web page's archive view reads it) at the next flush."""
    outcomes.put(alert, status, at, why)


def create_app(
    config: Config,
    *,
    rules: LiveRules,
    destinations: Mapping[str, Any] | None = None,
    silences: Silences | None = None,
    kafka: KafkaSettings | None = None,
    classifying: bool = True,
) -> StreamWorker:
    """Build the Faust app with its topics, tables, agents and delivery supervisor.

    ``classifying=False`` leaves the batch classifier out (``pantau worker --role deliver``): the
    articles are classified by ``--role classify`` (or ``all``) processes, one consumer group.
    """
    from pantau.adapters.faust.agents import add_agents
    from pantau.streams.deliver import Dispatcher, Router, build_destinations

    kafka = kafka or config.broker
    app = make_app(kafka)
    topics = declare_topics(app, kafka.prefix)
    tables = declare_tables(app)
    outcomes = OutcomeBuffer(
        lambda key, raw: _send_soon(topics.outcomes, key, raw), on_first=lambda: _flush_later(outcomes)
    )
    # Without transactions, a new outbox entry waits in memory for Faust's next commit, and the sensor below
    # writes what waits as that commit starts: one decision for both (transactions commit another way).
    hold = not kafka.exactly_once
    outbox = TableOutbox(
        tables["alert_outbox"],
        tables["alert_done"],
        tables["alert_dead"],
        on_dead=lambda key, raw: _send_soon(topics.dead, key.encode(), raw),
        timers=tables["delivery_timers"],
        ledger=tables["story_ledger"],
        on_outcome=lambda alert, status, at: report_outcome(outcomes, alert, status, at),
        hold_new=hold,  # an alert sent before the commit costs one outbox record, not two
    )
    if hold:
        app.sensors.add(WriteHeldBeforeCommit(outbox))
    destinations = build_destinations(config) if destinations is None else destinations
    # Every worker and `pantau web` must sign and check links with one key: only with web.secret.
    signer = signer_for(config, shared=True)
    if signer is None:
        log.warning(
            "feedback_links_off",
            reason="web.secret is not set in pantau.yaml",
            hint="set web.secret (the same on every worker and pantau web) so alerts carry feedback links",
        )
    router = Router(config.routes, destinations, links=signer.links if signer is not None else None)

    async def announce(event: OpsEvent) -> None:
        # Ops events the dispatcher raises (a destination disabled) take the same road as feed health;
        # no offset stands behind them, so their entries are written at once.
        await dispatcher.submit(router.events_for(event))
        outbox.write_held()

    dispatcher = Dispatcher(
        destinations,
        outbox,
        routes=router.routes,
        silences=silences,
        on_event=announce,
        retention=delivery_retention(router.routes),
        inhibit=config.inhibit,
        # With nothing pending the loop still looked at the outbox every second: in this worker every
        # entry comes through submit() or a replay, both of which wake it, so the idle pass only keeps
        # the outbox gauges and housekeeping going; every 5 s is enough for those (round 14).
        idle=5.0,
    )
    worker = StreamWorker(
        app=app,
        config=config,
        kafka=kafka,
        topics=topics,
        rules=rules,
        router=router,
        dispatcher=dispatcher,
        outbox=outbox,
        delivery=DeliverySupervisor(
            app, dispatcher, outbox, tables["story_members"], TP(MATCHES.name(kafka.prefix), 0)
        ),
        outcomes=outcomes,
    )
    add_agents(worker, classifying=classifying)
    return worker
