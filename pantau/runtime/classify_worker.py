"""``pantau worker --role classify``: classification at the rules engine's speed, without Faust.

Faust handles every record as its own event (stream iteration, acks, sensors, a task per send):
measured through a real broker, that machinery cost a worker five times what the rules cost. A
classifier needs none of it (no tables, no state, no per-key order), so this role reads the
articles topic with a plain aiokafka consumer group in batches (``getmany``), decodes and classifies
each batch, produces the matches with an idempotent ``acks=all`` producer, waits for the broker to
acknowledge them, and only then commits the batch's offsets.

The guarantee is at-least-once: after a crash or a rebalance, articles of an uncommitted batch are
classified again and their matches produced again. That cannot duplicate an alert: the delivering
worker places a match by article id (a known article gets its recorded story) and alert keys are
(story, route, destination), which the outbox keeps once (tests/streams/deliver/test_redelivery.py).

Run any number of these (they share the articles' partitions) beside ``--role deliver`` workers,
which run the Faust app without the classify agent: stories, outbox and delivery in one place that
no longer carries a share of classification.
"""

from __future__ import annotations

import asyncio
import signal
import time
from contextlib import suppress

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import CommitFailedError, KafkaError

from pantau.adapters.kafka.topics import ARTICLES, MATCHES
from pantau.core.article import decode
from pantau.core.logs import get_logger
from pantau.streams.classify import LiveRules, encode_classified
from pantau.streams.pipeline import classify

__all__ = ["CLASSIFY_GROUP", "Classifier", "run_classifier"]

CLASSIFY_GROUP = "pantau-classify"
BATCH = 500
log = get_logger(component="classifier")


class Classifier:
    """One consumer-group member classifying the articles topic into the matches topic."""

    def __init__(self, rules: LiveRules, bootstrap: str, prefix: str, *, batch: int = BATCH) -> None:
        self.rules = rules
        self.batch = batch
        self.articles_topic, self.matches_topic = ARTICLES.name(prefix), MATCHES.name(prefix)
        self.consumer = AIOKafkaConsumer(
            self.articles_topic,
            bootstrap_servers=bootstrap,
            group_id=f"{prefix}{CLASSIFY_GROUP}",
            client_id="pantau-classify",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=batch,
            session_timeout_ms=10000,
            heartbeat_interval_ms=3000,
        )
        self.producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, client_id="pantau-classify", acks="all", enable_idempotence=True, linger_ms=5
        )
        self.assigned = False

    async def start(self) -> None:
        """Connect and join the group."""
        await self.producer.start()
        await self.consumer.start()

    async def stop(self) -> None:
        """Leave the group (the others take over at once) and flush the producer."""
        with suppress(Exception):
            await self.consumer.stop()
        with suppress(Exception):
            await self.producer.stop()

    async def step(self) -> int:
        """Classify one batch; returns how many articles it held (0 when none arrived)."""
        batches = await self.consumer.getmany(timeout_ms=500, max_records=self.batch)
        self.assigned = bool(self.consumer.assignment())
        rules = self.rules.current  # one rule set per batch: an edit applies from the next batch on
        sends = []
        count = 0
        for records in batches.values():
            for record in records:
                count += 1
                try:
                    article = decode(record.value)
                except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                    log.error("article_record_unreadable", error=str(exc), topic=record.topic, offset=record.offset)
                    continue
                try:
                    classified = classify(article, rules)
                except Exception:  # one article's bad data must not stop the stream
                    log.exception("classify_failed", article=article.id, feed=article.feed)
                    continue
                if classified.matches:
                    sends.append(
                        await self.producer.send(
                            self.matches_topic, key=article.id.encode(), value=encode_classified(classified)
                        )
                    )
        if not count:
            return 0
        await asyncio.gather(*sends)  # the broker has every match of the batch ...
        try:
            await self.consumer.commit()  # ... before the batch counts as done
        except CommitFailedError as exc:  # a rebalance took the partitions: the new owner redoes them
            log.info("classify_commit_skipped", reason=str(exc)[:200])
        return count


async def run_classifier(rules: LiveRules, bootstrap: str, prefix: str) -> None:
    """Classify until SIGINT/SIGTERM."""
    classifier = Classifier(rules, bootstrap, prefix)
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    if main is None:  # only when called outside a task, which asyncio.run never does
        raise RuntimeError("run_classifier must run inside an asyncio task (asyncio.run(run_classifier(...)))")
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, main.cancel)
    await classifier.start()
    log.info("classifier_started", topic=classifier.articles_topic, group=f"{prefix}{CLASSIFY_GROUP}")
    started, done = time.monotonic(), 0
    try:
        while True:
            try:
                done += await classifier.step()
            except KafkaError as exc:  # the broker watch reports outages; retry calmly
                log.debug("classify_step_failed", error=str(exc))
                await asyncio.sleep(1.0)
    except asyncio.CancelledError:
        log.info("classifier_stopping", articles=done, seconds=round(time.monotonic() - started))
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await classifier.stop()
