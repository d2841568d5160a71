"""The Faust app behind ``pantau worker``: classify articles, deliver alerts, on Kafka.

    pantau.articles --classify_articles--> pantau.matches --deliver_alerts--> outbox --> destinations
      (6 partitions)   pipeline.classify     (1 partition)   pipeline.route    tables     Dispatcher
                       with LiveRules                         + StoryIndex                 given up:
    pantau.events --announce_feed_health--> Router.events_for ---^                         pantau.alerts.dead
    pantau.alerts.replay --replay_dead_letters--> dead letters back to the outbox
    pantau.silences --(TopicSilences, every worker)--> the Dispatcher's silences

The agents are thin loops around the same pure steps the embedded mode runs
(:mod:`pantau.streams.pipeline`). Delivery state lives in Faust tables on the one
matches partition (see :mod:`pantau.adapters.kafka.topics`): the worker that owns that
partition runs the Dispatcher over a :class:`TableOutbox`; when it dies or the
group rebalances, another worker recovers the tables from their changelogs and
carries on, so an alert key once marked sent is never sent again.

Faust's own web server is off: /metrics (pantau's metrics and Faust's sensors,
one registry), /healthz and /readyz come from :mod:`pantau.runtime.observe` on the
configured ``metrics:`` address.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import faust
import msgspec
from faust.types import TP

from pantau.core.article import decode
from pantau.sources.health import HealthEvent
from pantau.core.config import Config
from pantau.adapters.faust.sensors import install_sensors, measure_lag
from pantau.core.logs import get_logger
from pantau.streams.deliver.feedback import signer_for
from pantau.streams.pipeline import classify, route
from pantau.streams.stories import StoryIndex
from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.streams.deliver.retention import delivery_retention
from pantau.adapters.faust.stories_table import TableStoryStore
from pantau.adapters.kafka.topics import (
    ALERTS_DEAD,
    ALERTS_REPLAY,
    ARTICLES,
    EVENTS,
    MATCHES,
    TopicSpec,
    kafka_bootstrap,
    replication_factor,
    topic_prefix,
)

if TYPE_CHECKING:  # the worker imports these anyway; keep `import pantau.adapters.faust.app` light
    from pantau.streams.classify import LiveRules
    from pantau.streams.deliver import Dispatcher, Router
    from pantau.streams.deliver.silences import Silences

__all__ = ["Streams", "create_app"]

log = get_logger(component="worker")
TABLES = ("alert_outbox", "alert_done", "alert_dead", "story_members", "delivery_timers", "story_ledger")
_health_decoder = msgspec.json.Decoder(HealthEvent)


@dataclass
class Streams:
    """The Faust app and what its agents use; ``owns_delivery()`` says who delivers now."""

    app: faust.App
    config: Config
    rules: LiveRules
    """The rule set in force is ``rules.current``, read once per article."""
    router: Router
    dispatcher: Dispatcher
    outbox: TableOutbox
    story_table: faust.Table
    matches_tp: TP
    not_ready: list[str] = field(default_factory=lambda: ["worker starting"])
    """Why the worker cannot do its work yet; refreshed in the event loop, read by /readyz."""
    _stories: StoryIndex | None = None
    _delivering: asyncio.Task | None = field(default=None, repr=False)

    def stories(self) -> StoryIndex:
        """The story index, rebuilt from the recovered table after each takeover."""
        if self._stories is None:
            self._stories = StoryIndex(TableStoryStore(self.story_table), retention=self.dispatcher.retention)
        return self._stories

    def owns_delivery(self) -> bool:
        """True while this worker holds the matches partition with its tables recovered."""
        app = self.app
        return (
            not app.rebalancing
            and not app.in_recovery
            and self.matches_tp in app.consumer.assignment()
        )

    @property
    def delivering(self) -> bool:
        """True while this worker's dispatcher runs."""
        return self._delivering is not None and not self._delivering.done()

    def refresh_readiness(self) -> None:
        """Recompute ``not_ready`` (in the loop: Faust's consumer is not thread-safe)."""
        reasons = []
        if self.app.rebalancing or self.app.in_recovery:
            reasons.append("kafka: rebalancing or recovering tables")
        if not self.app.consumer.assignment():
            reasons.append("kafka: no partitions assigned to this worker yet")
        self.not_ready = reasons

    def start_delivery(self) -> None:
        """Run the dispatcher (after a takeover: over freshly recovered tables)."""
        self.outbox.reset_cache()
        self.dispatcher.restore_timers()  # the group and storm clocks the previous owner saved
        self._stories = None
        self._delivering = asyncio.ensure_future(self._deliver())
        log.info("delivery_started", partition=str(self.matches_tp))

    def stop_delivery(self, reason: str) -> None:
        """Stop sending at once: the partition (and its tables) may belong to another worker."""
        if self._delivering is not None:
            self._delivering.cancel()
            self._delivering = None
            # Whatever is cached may be stale once another worker owns the tables.
            self._stories = None
            self.outbox.reset_cache()
            log.info("delivery_stopped", reason=reason)

    async def _deliver(self) -> None:
        try:
            await self.dispatcher.run_forever()
        except asyncio.CancelledError:
            raise
        except Exception:  # the supervisor restarts it on its next tick
            log.exception("delivery_crashed")
            self._delivering = None


def _topic(app: faust.App, spec: TopicSpec, prefix: str) -> faust.TopicT:
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


def create_app(
    config: Config,
    *,
    rules: LiveRules,
    destinations: Mapping[str, object] | None = None,
    silences: Silences | None = None,
    bootstrap: str | None = None,
    prefix: str | None = None,
    classifying: bool = True,
) -> Streams:
    """Build the Faust app with its topics, tables, agents and delivery supervisor.

    ``classifying=False`` leaves the classify agent out (``pantau worker --role deliver``): the
    articles are classified by ``--role classify`` processes (pantau/runtime/classify_worker.py).
    """
    from pantau.streams.classify import decode_classified, encode_classified
    from pantau.streams.deliver import Dispatcher, Router, build_destinations
    from pantau.streams.deliver.events import OpsEvent, from_health

    bootstrap = bootstrap or kafka_bootstrap(config)
    prefix = topic_prefix() if prefix is None else prefix
    app = faust.App(
        f"{prefix}pantau",
        broker=[f"kafka://{host.strip()}" for host in bootstrap.split(",")],
        store="memory://",
        web_enabled=False,
        autodiscover=False,
        datadir=tempfile.mkdtemp(prefix="pantau-faust-"),
        topic_partitions=ARTICLES.partitions,
        topic_replication_factor=replication_factor() or 1,
        # Only the active owner may deliver: no standby copies of delivery state.
        table_standby_replicas=0,
        # A dead worker's partitions move after 10 s instead of Faust's default 60 s.
        broker_session_timeout=10.0,
        broker_heartbeat_interval=3.0,
        broker_commit_every=100,
        broker_commit_interval=1.0,
    )
    install_sensors(app)

    articles_topic = _topic(app, ARTICLES, prefix)
    matches_topic = _topic(app, MATCHES, prefix)
    dead_topic = _topic(app, ALERTS_DEAD, prefix)
    events_topic = _topic(app, EVENTS, prefix)
    replay_topic = _topic(app, ALERTS_REPLAY, prefix)
    # use_partitioner: the dispatcher writes outside stream iteration; with one
    # partition every key lands on partition 0, owned with the matches partition.
    tables = {
        name: app.Table(name, partitions=MATCHES.partitions, use_partitioner=True, key_type=str, value_type=bytes)
        for name in TABLES
    }
    outbox = TableOutbox(
        tables["alert_outbox"],
        tables["alert_done"],
        tables["alert_dead"],
        on_dead=lambda key, raw: dead_topic.send_soon(key=key.encode(), value=raw),
        timers=tables["delivery_timers"],
        ledger=tables["story_ledger"],
    )
    destinations = build_destinations(config) if destinations is None else destinations
    # Every worker and `pantau web` must sign and check links with one key: only with web.secret.
    signer = signer_for(config, shared=True)
    if signer is None:
        log.warning("feedback_links_off", reason="web.secret is not set in pantau.yaml",
                    hint="set web.secret (the same on every worker and pantau web) so alerts carry feedback links")
    router = Router(config.routes, destinations, links=signer.links if signer is not None else None)
    streams = Streams(
        app=app,
        config=config,
        rules=rules,
        router=router,
        dispatcher=Dispatcher(destinations, outbox, routes=router.routes, silences=silences,
                              on_event=lambda e: announce(e), retention=delivery_retention(router.routes),
                              inhibit=config.inhibit),
        outbox=outbox,
        story_table=tables["story_members"],
        matches_tp=TP(MATCHES.name(prefix), 0),
    )

    async def classify_articles(stream):
        async for value in stream:
            try:
                article = decode(value)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.error("article_record_unreadable", error=str(exc), topic=articles_topic.get_topic_name())
                continue
            try:
                classified = classify(article, streams.rules.current)
            except Exception:  # one article's bad data must not stop the stream
                log.exception("classify_failed", article=article.id, feed=article.feed)
                continue
            if classified.matches:
                await matches_topic.send(key=article.id.encode(), value=encode_classified(classified))

    if classifying:
        app.agent(articles_topic, name="classify_articles")(classify_articles)

    @app.agent(matches_topic, name="deliver_alerts")
    async def deliver_alerts(stream):
        async for value in stream:
            try:
                classified = decode_classified(value)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.error("match_record_unreadable", error=str(exc), topic=matches_topic.get_topic_name())
                continue
            try:
                routed = route(classified, streams.stories(), streams.router)
                await streams.dispatcher.submit(routed.alerts)
            except Exception:  # a bug with one match must not stop delivery of the others
                log.exception("routing_failed", article=classified.article.id)

    async def announce(event: OpsEvent) -> None:
        # Ops events take the articles' road from the router on: outbox, retries, dead letters.
        await streams.dispatcher.submit(streams.router.events_for(event))

    @app.agent(events_topic, name="announce_feed_health")
    async def announce_feed_health(stream):
        # The events topic has one partition, assigned with the matches partition (Faust
        # co-assigns topics of equal partition count): it runs where delivery runs.
        async for value in stream:
            try:
                event = from_health(_health_decoder.decode(value))
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.error("event_record_unreadable", error=str(exc), topic=events_topic.get_topic_name())
                continue
            try:
                await announce(event)
            except Exception:
                log.exception("event_routing_failed", feed=event.subject)

    @app.agent(replay_topic, name="replay_dead_letters")
    async def replay_dead_letters(stream):
        # One partition, assigned with the matches partition: this worker holds the outbox tables.
        async for key, _ in stream.items():
            alert_key = (key or b"").decode("utf-8", "replace")
            try:
                moved = streams.outbox.replay([alert_key], time.time())
            except Exception:
                log.exception("replay_failed", alert=alert_key)
                continue
            if not moved:  # sent, still pending or unknown: replaying must not send it (again)
                log.warning("replay_refused", alert=alert_key, reason="not a dead letter")
                continue
            # An empty record: `pantau alerts dead --kafka` no longer lists the key.
            await dead_topic.send(key=key, value=b"")
            log.info("dead_letter_replayed", alert=alert_key)

    @app.timer(0.5, name="supervise_delivery")
    async def supervise_delivery():
        # Never raise: an exception in a Faust timer crashes the whole app.
        try:
            streams.refresh_readiness()
            owns = streams.owns_delivery()
            running = streams.delivering
            if owns and not running:
                streams.start_delivery()
            elif running and not owns:
                streams.stop_delivery("partition not owned")
        except Exception:
            log.exception("delivery_supervisor_failed")

    @app.on_partitions_revoked.connect
    async def on_revoked(app, revoked, **kwargs) -> None:
        if streams.matches_tp in revoked:
            streams.stop_delivery("partition revoked")

    @app.timer(2.0, name="measure_lag")
    async def measure_lag_now():
        try:
            await measure_lag(app, {articles_topic.get_topic_name(), matches_topic.get_topic_name()})
        except Exception as exc:  # metrics must never take the worker down
            log.debug("lag_measure_failed", error=repr(exc))

    return streams
