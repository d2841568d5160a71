"""Classification at the rules engine's speed: the articles topic read in batches, without Faust.

Faust handles every record as its own event (stream iteration, acks, sensors, a task per send): measured through a
real broker, that machinery cost a worker several times what the rules cost. A classifier needs none of it (no tables,
no state, no per-key order), so every worker role that classifies (``all`` and ``classify``) reads the articles topic
with a plain aiokafka consumer group in batches (``getmany``), decodes and classifies each batch (metrics counted per
batch), produces the matches with an idempotent ``acks=all`` producer, waits for the broker to acknowledge them, and
only then commits the batch's offsets.

Rebalances: a batch in progress is finished and committed before its partitions are given up (the rebalance listener
waits for it), so a member joining or leaving cleanly never makes another classify those articles again. Only a crash
(or a member evicted mid-batch) leaves an uncommitted batch, which the new owner classifies again: that cannot
duplicate an alert, because the delivering worker places a match by article id (a known article gets its recorded
story) and alert keys are (story, route, destination), which the outbox keeps once (tests/e2e/test_rebalance_alerts.py).

Shares: the `all` worker that delivers takes fewer articles, by what its delivery costs (:mod:`.classify_share`,
:mod:`.delivery_cost`); it joins the group again between batches when it starts or stops or that cost moves.

With ``exactly_once=True`` a batch's matches and offsets go in one Kafka transaction (``send_offsets_to_transaction``):
the delivering worker (reading committed records only) sees a batch exactly once even across crashes.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, KafkaError

from pantau.adapters.kafka.classify_share import DeliveryAwareAssignor, adopt_offsets
from pantau.adapters.kafka.delivery_cost import DeliveryCost, Reading
from pantau.adapters.kafka.topics import ARTICLES, MATCHES, METADATA_MAX_AGE_MS
from pantau.core import metrics
from pantau.core.article import Article, decode
from pantau.core.logs import get_logger
from pantau.streams.classify import LiveRules, encode_classified
from pantau.streams.pipeline import classify_batch
from pantau.streams.signature import warm as signature_warm

__all__ = ["CLASSIFY_GROUP", "BATCH", "PRODUCE_BATCH_BYTES", "BatchClassifier", "classify_forever"]

CLASSIFY_GROUP = "pantau-classify"
FAUST_GROUP = "pantau"
"""Faust's group (the app id): where `--role all` committed its articles offsets before it used this classifier."""
BATCH = 500
PRODUCE_BATCH_BYTES = 256 * 1024
"""A record batch of matches may hold this much (aiokafka's default, 16 KB, is three ~5 KB matches): a batch's
matches go out in one record batch per produce request, not one per three (the broker takes up to 1 MB)."""
log = get_logger(component="classifier")


class _FinishBatchFirst(ConsumerRebalanceListener):
    """Holds a rebalance until the batch in progress is produced and committed."""

    def __init__(self, classifier: BatchClassifier) -> None:
        self.classifier = classifier

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self.classifier.in_batch:  # the batch that owned them is done (or none ran)
            pass
        self.classifier.rebalances += 1

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.classifier.assignment = frozenset(assigned)
        self.classifier.cost.restart()  # a new share: a new window
        log.info("classify_partitions_assigned", partitions=sorted(tp.partition for tp in assigned))


FETCH_WAIT_MS = 5000
"""How long the broker holds an articles fetch that finds nothing new. Any new article ends it at once (fetch_min_bytes
1), and aiokafka sends a node no fetch while records wait to be taken, so it adds no latency; aiokafka's 0.5 s made an
idle worker fetch and decode an empty answer twice a second (round 14)."""
STEP_WAIT_MS = 2000
"""How long one step waits for articles before it looks again (a share change, the lag gauge at 0).
Articles end the wait at once; 0.5 s woke an idle worker twice a second for nothing (round 14)."""


class BatchClassifier:
    """One consumer-group member classifying the articles topic into the matches topic."""

    def __init__(
        self,
        rules: LiveRules,
        bootstrap: str,
        prefix: str,
        *,
        batch: int = BATCH,
        exactly_once: bool = False,
        client_id: str = "pantau-classify",
        delivering: Callable[[], bool] = lambda: False,
        cost: DeliveryCost | None = None,
    ) -> None:
        self.rules = rules
        self.batch = batch
        self.exactly_once = exactly_once
        self.group = f"{prefix}{CLASSIFY_GROUP}"
        self.faust_group = f"{prefix}{FAUST_GROUP}"
        self.bootstrap = bootstrap
        self.articles_topic, self.matches_topic = ARTICLES.name(prefix), MATCHES.name(prefix)
        self.in_batch = asyncio.Lock()
        self.assignment: frozenset[Any] = frozenset()
        self.rebalances = 0
        self._lag: dict[Any, int] = {}
        # The member that delivers (an `all` worker owning the matches partition) classifies less.
        self.assignor = DeliveryAwareAssignor(delivering)
        self._asked: bool | None = None
        self.cost = cost or DeliveryCost()
        self.classified, self.classify_cpu = 0, 0.0  # articles and CPU: the delivery cost's window reads both
        self._listener = _FinishBatchFirst(self)
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=self.group,
            client_id=client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=batch,
            session_timeout_ms=10000,
            heartbeat_interval_ms=3000,
            metadata_max_age_ms=METADATA_MAX_AGE_MS,  # the leader sees partitions added within 30 s (topics.py)
            fetch_max_wait_ms=FETCH_WAIT_MS,
            # One protocol, named as earlier releases' round robin (see classify_share: not two).
            partition_assignment_strategy=(self.assignor,),
        )
        extra: dict[str, Any] = {"transactional_id": f"{self.group}-{uuid.uuid4().hex}"} if exactly_once else {}
        self.producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            max_batch_size=PRODUCE_BATCH_BYTES,
            **extra,
        )

    @property
    def assigned(self) -> bool:
        """True while this member holds at least one articles partition."""
        return bool(self.assignment)

    async def start(self) -> None:
        """Connect and join the group."""
        signature_warm()  # batches mark their matches: the signature kernels compiled before the first batch
        await self.producer.start()
        await self.adopt_faust_offsets()
        self.consumer.subscribe([self.articles_topic], listener=self._listener)
        await self.consumer.start()

    async def stop(self) -> None:
        """Leave the group (the others take over at once) and flush the producer."""
        with suppress(Exception):
            await self.consumer.stop()
        with suppress(Exception):
            await self.producer.stop()

    def _measure_lag(self, batches: dict[Any, list[Any]]) -> None:
        """Consumer lag of the articles topic: the fetched high watermark minus what this batch reaches."""
        for tp in list(self._lag):
            if tp not in self.assignment:
                del self._lag[tp]
        for tp in self.assignment:
            records = batches.get(tp)
            if records:
                high = self.consumer.highwater(tp)
                self._lag[tp] = max(0, (high or 0) - (records[-1].offset + 1))
            elif not batches:
                self._lag[tp] = 0  # nothing came within the poll: caught up
        metrics.KAFKA_CONSUMER_LAG.labels(topic=self.articles_topic).set(sum(self._lag.values()))

    async def adopt_faust_offsets(self) -> None:
        """A group that never committed starts where Faust's classify agent stopped (when it ran).

        Workers of earlier releases classified in Faust's group; without this, the first start of
        this release would classify the whole retained articles topic again (``earliest``). Done
        before joining, while the group has no member (the broker refuses it otherwise: then
        another worker of this release did it first).
        """
        loop = asyncio.get_running_loop()
        try:
            adopted = await loop.run_in_executor(
                None, adopt_offsets, self.bootstrap, self.group, self.faust_group, self.articles_topic
            )
        except Exception as exc:  # nothing to adopt, or another member was first: earliest / its commits
            log.debug("classify_offsets_not_adopted", error=str(exc))
            return
        if adopted:
            log.info("classify_offsets_adopted", group=self.faust_group, offsets=adopted)

    def _decoded(self, records: list[Any]) -> list[Article]:
        articles = []
        for record in records:
            try:
                articles.append(decode(record.value))
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                log.error("article_record_unreadable", error=str(exc), topic=record.topic, offset=record.offset)
        return articles

    def rejoin_if_share_changed(self) -> bool:
        """Join the group again when this member started or stopped delivering since it last joined, or when
        what its delivery costs, measured, would change its partition count (:mod:`.delivery_cost`)."""
        wanted, coordinator = bool(self.assignor.delivering()), getattr(self.consumer, "_coordinator", None)
        if coordinator is None:  # not started: its first join will say it
            return False
        if wanted != self.assignor.announced or not wanted:
            self.cost.restart()  # measured only while delivering, from the join that said so on
            if wanted == self._asked or not (wanted or self.assignor.announced):
                return False
            self._asked = wanted
            reason: dict[str, object] = {"delivering": wanted}
        else:
            reading = Reading(time.monotonic(), time.process_time(), self.classify_cpu, self.classified)
            ratio = self.cost.proposal(reading, len(self.assignment), self.assignor.group, self.assignor.ratio)
            if ratio is None:
                return False
            reason = {"delivering": True, "ratio": round(ratio, 3), "previous": self.assignor.ratio}
            self.assignor.ratio = ratio
        log.info("classify_share_rejoin", **reason)
        # The coordinator's own rejoin (as on a metadata change): same subscription, same listener, and
        # the join metadata says it now. Subscribing again instead (a3e6fbd, withdrawn) stalled the
        # two-worker e2e test: the new deliverer's remaining stories were never delivered.
        coordinator.request_rejoin()
        return True

    async def step(self) -> int:
        """Classify one batch; returns how many records it held (0 when none arrived)."""
        self.rejoin_if_share_changed()  # between batches: none is in flight
        batches = await self.consumer.getmany(timeout_ms=STEP_WAIT_MS, max_records=self.batch)
        self._measure_lag(batches)
        if not batches:
            return 0
        async with self.in_batch:
            return await self._handle(batches)

    async def _handle(self, batches: dict[Any, list[Any]]) -> int:
        rules = self.rules.current  # one rule set per batch: an edit applies from the next batch on
        count = sum(len(records) for records in batches.values())
        # This thread's CPU, not wall time: with no await in between, nothing else runs here meanwhile.
        started = time.thread_time()
        articles = self._decoded([record for records in batches.values() for record in records])
        classified = classify_batch(articles, rules, mark=True)
        spent = time.thread_time() - started
        metrics.CLASSIFY_CPU.inc(spent)
        self.classified, self.classify_cpu = self.classified + len(articles), self.classify_cpu + spent
        if self.exactly_once:
            await self._produce_in_transaction(batches, classified)
            return count
        sends = [
            await self.producer.send(self.matches_topic, key=c.article.id.encode(), value=encode_classified(c))
            for c in classified
            if c.matches
        ]
        await asyncio.gather(*sends)  # the broker has every match of the batch ...
        try:
            await self.consumer.commit()  # ... before the batch counts as done
        except CommitFailedError as exc:  # evicted mid-batch: the new owner redoes it (no alert twice)
            log.info("classify_commit_skipped", reason=str(exc)[:200])
        return count

    async def _produce_in_transaction(self, batches: dict[Any, list[Any]], classified: list[Any]) -> None:
        offsets = {tp: records[-1].offset + 1 for tp, records in batches.items() if records}
        async with self.producer.transaction():
            for c in classified:
                if c.matches:
                    await self.producer.send(self.matches_topic, key=c.article.id.encode(), value=encode_classified(c))
            await self.producer.send_offsets_to_transaction(offsets, self.group)


async def classify_forever(classifier: BatchClassifier) -> None:
    """Run ``step`` until cancelled; broker errors are retried calmly (the broker watch reports outages)."""
    started, done = time.monotonic(), 0
    await classifier.start()
    log.info("classifier_started", topic=classifier.articles_topic, group=classifier.group)
    try:
        while True:
            try:
                done += await classifier.step()
            except KafkaError as exc:
                log.debug("classify_step_failed", error=str(exc))
                await asyncio.sleep(1.0)
    finally:
        log.info("classifier_stopping", articles=done, seconds=round(time.monotonic() - started))
        await classifier.stop()
