"""The worker's agents: thin loops over a stream around the same pure steps the embedded mode runs.

    classify_articles      pantau.articles -> BatchClassifier (batches, no Faust) -> pantau.matches
    deliver_alerts         pantau.matches  -> pipeline.route    -> Dispatcher (outbox tables)
                                                              -> each alert's fate on pantau.alerts.outcomes
    announce_feed_health   pantau.events   -> Router.events_for -> Dispatcher
    replay_dead_letters    pantau.alerts.replay -> dead letters back to the outbox
    supervise_delivery     every 0.5 s: deliver only while owning the matches partition
    measure_lag            every 10 s: consumer lag gauges

The alerts' fates go out 0.2 s after the first one held (pantau/adapters/faust/app.py, ``_flush_later``).

A record that cannot be decoded is logged and skipped (:func:`readable`); an
error with one record never stops the stream.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import faust
import msgspec

from pantau.adapters.faust.sensors import measure_lag
from pantau.adapters.kafka.batch_classifier import BatchClassifier, classify_forever
from pantau.core.logs import get_logger
from pantau.sources.health import FeedHealth
from pantau.streams.classify import decode_classified
from pantau.streams.deliver.events import from_health
from pantau.streams.pipeline import route

if TYPE_CHECKING:
    from pantau.adapters.faust.app import StreamWorker
    from pantau.streams.deliver.alert import Alert

__all__ = ["add_agents", "readable"]

log = get_logger(component="worker")
T = TypeVar("T")
_health_decoder = msgspec.json.Decoder(FeedHealth)


async def readable(
    stream: AsyncIterable[bytes], decoder: Callable[[bytes], T], *, record: str, topic: faust.TopicT
) -> AsyncIterator[T]:
    """The stream's values decoded; an unreadable one is logged as ``<record>_record_unreadable`` and skipped."""
    async for value in stream:
        try:
            yield decoder(value)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.error(f"{record}_record_unreadable", error=str(exc), topic=topic.get_topic_name())


def report_fates(worker: StreamWorker, alerts: Sequence[Alert], queued: set[str]) -> None:
    """Each routed alert's fate on the outcomes topic; a copy of a story already alerted says only its story."""
    from pantau.adapters.faust.app import report_outcome

    dispatcher, now = worker.dispatcher, time.time()
    for alert in alerts:
        if alert.key in queued:
            report_outcome(worker.outcomes, alert, "pending", now)
        elif alert.key in dispatcher.inhibited:
            report_outcome(worker.outcomes, alert, "inhibited", now, dispatcher.inhibited[alert.key])
        elif alert.key in dispatcher.silenced:
            report_outcome(worker.outcomes, alert, "silenced", now)
        else:  # the story's alert exists: its fate stands, this article joins the story
            report_outcome(worker.outcomes, alert, None, now)


def add_agents(worker: StreamWorker, *, classifying: bool = True) -> None:
    """Register the worker's agents and timers on its Faust app (``classifying=False``: no classify agent)."""
    app, topics = worker.app, worker.topics

    if classifying:
        # Not a Faust agent: Faust's per-event machinery cost several times what the rules cost.
        # The batch classifier joins the classify group in this worker's event loop.
        @app.task
        async def classify_articles() -> None:
            kafka = worker.kafka
            classifier = BatchClassifier(
                worker.rules,
                kafka.bootstrap,
                kafka.prefix,
                exactly_once=kafka.exactly_once,
                delivering=lambda: worker.delivery.delivering,  # then it takes a smaller share of articles
            )
            try:
                await classify_forever(classifier)
            except Exception:  # the classifier must not take delivery down with it
                log.exception("classifier_crashed")

    @app.agent(topics.matches, name="deliver_alerts")
    async def deliver_alerts(stream: Any) -> None:
        async for classified in readable(stream, decode_classified, record="match", topic=topics.matches):
            try:
                worker.delivery.catch_up()  # a takeover's first match: timers restored before planning
                routed = route(classified, worker.delivery.stories(), worker.router)
                queued = {a.key for a in await worker.dispatcher.submit(routed.alerts)}
                report_fates(worker, routed.alerts, queued)
            except Exception:  # a bug with one match must not stop delivery of the others
                log.exception("routing_failed", article=classified.article.id)

    @app.agent(topics.events, name="announce_feed_health")
    async def announce_feed_health(stream: Any) -> None:
        # The events topic has one partition, assigned with the matches partition (Faust
        # co-assigns topics of equal partition count): it runs where delivery runs.
        async for health in readable(stream, _health_decoder.decode, record="event", topic=topics.events):
            event = from_health(health)
            try:
                worker.delivery.catch_up()
                await worker.announce(event)
            except Exception:
                log.exception("event_routing_failed", feed=event.subject)

    @app.agent(topics.replay, name="replay_dead_letters")
    async def replay_dead_letters(stream: Any) -> None:
        # One partition, assigned with the matches partition: this worker holds the outbox tables.
        async for key, _ in stream.items():
            alert_key = (key or b"").decode("utf-8", "replace")
            try:
                moved = worker.outbox.replay([alert_key], time.time())
            except Exception:
                log.exception("replay_failed", alert=alert_key)
                continue
            if not moved:  # sent, still pending or unknown: replaying must not send it (again)
                log.warning("replay_refused", alert=alert_key, reason="not a dead letter")
                continue
            worker.dispatcher.wake()  # back in the outbox: send it now, not at the dispatcher's next idle pass
            # An empty record: `pantau alerts dead --kafka` no longer lists the key.
            await topics.dead.send(key=key, value=b"")
            log.info("dead_letter_replayed", alert=alert_key)

    @app.timer(0.5, name="supervise_delivery")
    async def supervise_delivery() -> None:
        worker.delivery.tick()

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]  # Faust types receivers loosely
    async def on_revoked(app: faust.App, revoked: set[Any], **kwargs: Any) -> None:
        worker.delivery.revoked(revoked)

    @app.on_before_shutdown.connect  # type: ignore[arg-type]
    async def on_shutdown(app: faust.App, **kwargs: Any) -> None:
        worker.delivery.close()  # late in Faust's shutdown; the worker's signal handler does it first
        worker.outcomes.flush()

    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    async def on_assigned(app: faust.App, assigned: set[Any], **kwargs: Any) -> None:
        worker.delivery.assigned(assigned)

    # Each look asks the broker for the matches' end offsets (through Faust's consumer thread), which an
    # idle worker did every 2 s for nothing. Prometheus scrapes every 15 s and the lag alert looks at
    # 15 minutes, so 10 s loses nothing an operator sees (round 14).
    @app.timer(10.0, name="measure_lag")
    async def measure_lag_now() -> None:
        try:
            # The articles' lag is the batch classifier's to report (Faust does not read them).
            await measure_lag(app, {topics.matches.get_topic_name()})
        except Exception as exc:  # metrics must never take the worker down
            log.debug("lag_measure_failed", error=repr(exc))
