"""The batch classifier (``pantau worker --role classify``) against the real broker."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from kafka import KafkaProducer
from prometheus_client import REGISTRY

from pantau.adapters.kafka.topics import ARTICLES, MATCHES
from pantau.core.article import Article, encode
from pantau.core.config import shipped_rules_dir
from pantau.runtime.classify_worker import Classifier
from pantau.streams.classify import LiveRules, decode_classified

pytestmark = pytest.mark.kafka
NOW = datetime.now(timezone.utc)


def article(i: int, text: str) -> Article:
    return Article(
        id=f"a{i}", url=f"https://kabar.example/{i}", title=text, content=text, fetched=NOW, feed="kabar", language="id"
    )


def test_batches_are_classified_matches_produced_and_offsets_committed(kafka_bootstrap, topic_prefix, read_topic):
    items = [
        article(0, "Serangan ransomware melumpuhkan layanan rumah sakit daerah"),
        article(1, "Harga cabai naik menjelang libur panjang"),
        article(2, "Festival layang-layang digelar di pantai"),
    ]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    for a in items:
        producer.send(ARTICLES.name(topic_prefix), key=a.id.encode(), value=encode(a))
    producer.send(ARTICLES.name(topic_prefix), key=b"junk", value=b"{not an article")
    producer.flush()
    producer.close()
    rules = LiveRules(shipped_rules_dir())

    async def run(limit: float) -> int:
        classifier = Classifier(rules, kafka_bootstrap, topic_prefix)
        await classifier.start()
        done = 0
        try:
            deadline = asyncio.get_running_loop().time() + limit
            while asyncio.get_running_loop().time() < deadline and done < 4:
                done += await classifier.step()
        finally:
            await classifier.stop()
        return done

    cpu_before = REGISTRY.get_sample_value("pantau_classify_cpu_seconds_total") or 0.0
    assert asyncio.run(run(60)) == 4  # the unreadable record is logged and skipped, not retried forever
    # The classifier's CPU is counted apart from the rest of the process (what delivery and Kafka cost).
    assert (REGISTRY.get_sample_value("pantau_classify_cpu_seconds_total") or 0.0) > cpu_before
    matches = read_topic(MATCHES.name(topic_prefix))
    assert [m.key for m in matches] == [b"a0"]
    assert decode_classified(matches[0].value).matches[0].topic == "cybercrime"
    # The batch was committed after its matches were acknowledged: the group's next member starts after it.
    assert asyncio.run(run(8)) == 0


def test_a_first_start_continues_where_the_faust_classify_agent_of_earlier_releases_stopped(
    kafka_bootstrap, topic_prefix, read_topic
):
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    items = [article(10 + i, f"Peretas membobol server dinas ke-{i}") for i in range(3)]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    for a in items:
        producer.send(ARTICLES.name(topic_prefix), key=a.id.encode(), value=encode(a), partition=0)
    producer.flush()
    producer.close()
    # Faust's group (the app id) had classified the first two of partition 0.
    tp = TopicPartition(ARTICLES.name(topic_prefix), 0)
    legacy = KafkaConsumer(
        bootstrap_servers=kafka_bootstrap, group_id=f"{topic_prefix}pantau", enable_auto_commit=False
    )
    legacy.commit({tp: OffsetAndMetadata(2, "", -1)})
    legacy.close()

    async def run() -> int:
        classifier = Classifier(LiveRules(shipped_rules_dir()), kafka_bootstrap, topic_prefix)
        await classifier.start()
        done = 0
        try:
            deadline = asyncio.get_running_loop().time() + 20
            while asyncio.get_running_loop().time() < deadline and done < 1:
                done += await classifier.step()
            await asyncio.sleep(1.0)
            done += await classifier.step()  # nothing more: the first two are not classified again
        finally:
            await classifier.stop()
        return done

    assert asyncio.run(run()) == 1
    assert [m.key for m in read_topic(MATCHES.name(topic_prefix))] == [items[2].id.encode()]


def test_the_member_that_delivers_classifies_a_smaller_share_and_a_full_one_when_it_stops(
    kafka_bootstrap, topic_prefix
):
    from pantau.adapters.kafka.batch_classifier import BatchClassifier

    delivering = {"first": False}
    rules = LiveRules(shipped_rules_dir())
    half, third = ARTICLES.partitions // 2, ARTICLES.partitions // 3  # 6 and 4 of 12

    async def scenario() -> list[tuple[int, int]]:
        first = BatchClassifier(rules, kafka_bootstrap, topic_prefix, delivering=lambda: delivering["first"])
        second = BatchClassifier(rules, kafka_bootstrap, topic_prefix)
        await first.start()
        await second.start()
        seen: list[tuple[int, int]] = []

        async def until(shares: tuple[int, int], limit: float = 60) -> None:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + limit
            while loop.time() < deadline:
                await asyncio.gather(first.step(), second.step())
                now = (len(first.assignment), len(second.assignment))
                if not seen or seen[-1] != now:
                    seen.append(now)
                if now == shares:
                    return

        async def steady(seconds: float) -> tuple[int, int]:
            """Rebalances over ``seconds`` of stepping (several heartbeats): none when the group stays put."""
            before = first.rebalances + second.rebalances
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while loop.time() < deadline:
                await asyncio.gather(first.step(), second.step())
            assert (len(first.assignment), len(second.assignment)) == seen[-1]
            return before, first.rebalances + second.rebalances

        try:
            await until((half, half))  # two ordinary members: round robin's even split
            delivering["first"] = True  # it took delivery over: it joins again and gives partitions away
            await until((third, ARTICLES.partitions - third))
            # And the group stays put (offering two protocols kept it rebalancing every 3 s: aiokafka#1168).
            before, after = await steady(8)
            assert after == before, f"{after - before} rebalances in a steady group"
            delivering["first"] = False
            await until((half, half))
        finally:
            await asyncio.gather(first.stop(), second.stop())
        return seen

    seen = asyncio.run(scenario())
    half, third = ARTICLES.partitions // 2, ARTICLES.partitions // 3
    assert (third, ARTICLES.partitions - third) in seen and seen[-1] == (half, half), seen
    assert seen.index((third, ARTICLES.partitions - third)) > seen.index((half, half)), seen


def test_a_member_of_an_earlier_release_shares_the_group_with_one_of_this_release(kafka_bootstrap, topic_prefix):
    from aiokafka import AIOKafkaConsumer

    from pantau.adapters.kafka.batch_classifier import CLASSIFY_GROUP, BatchClassifier

    async def scenario() -> tuple[int, int]:
        new = BatchClassifier(LiveRules(shipped_rules_dir()), kafka_bootstrap, topic_prefix, delivering=lambda: True)
        # What earlier releases ran: aiokafka's default assignor (round robin), no pantau metadata.
        old = AIOKafkaConsumer(
            ARTICLES.name(topic_prefix),
            bootstrap_servers=kafka_bootstrap,
            group_id=f"{topic_prefix}{CLASSIFY_GROUP}",
            enable_auto_commit=False,
            session_timeout_ms=10000,
            heartbeat_interval_ms=3000,
        )
        await new.start()
        await old.start()
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60
            while loop.time() < deadline:
                await asyncio.gather(new.step(), old.getmany(timeout_ms=500))
                shares = (len(new.assignment), len(old.assignment()))
                if sum(shares) == ARTICLES.partitions and all(shares):
                    return shares
            return len(new.assignment), len(old.assignment())
        finally:
            await asyncio.gather(new.stop(), old.stop())

    new_share, old_share = asyncio.run(scenario())
    # One group (the same protocol name), every partition once; the split is the leader's: 4/8 or 6/6 of 12.
    third, half = ARTICLES.partitions // 3, ARTICLES.partitions // 2
    assert new_share + old_share == ARTICLES.partitions and new_share in (third, half), (new_share, old_share)


def _measured():
    """A delivery-cost window that closes at every step with the ratio the test sets (the real one: 30 s)."""
    from pantau.adapters.kafka.delivery_cost import DeliveryCost

    class Measured(DeliveryCost):
        ratio: float | None = None

        def observe(self, now, owned: int, partitions: int) -> float | None:
            return self.ratio

    return Measured()


def test_the_deliverer_moves_its_share_to_a_measured_ratio_once_and_the_group_then_stays_put(
    kafka_bootstrap, topic_prefix, monkeypatch
):
    from pantau.adapters.kafka import delivery_cost
    from pantau.adapters.kafka.batch_classifier import BatchClassifier

    rules = LiveRules(shipped_rules_dir())
    measured = _measured()
    total = ARTICLES.partitions

    async def scenario() -> list[tuple[int, int]]:
        first = BatchClassifier(rules, kafka_bootstrap, topic_prefix, delivering=lambda: True, cost=measured)
        second = BatchClassifier(rules, kafka_bootstrap, topic_prefix)
        await first.start()
        await second.start()
        seen: list[tuple[int, int]] = []

        async def stepping(seconds: float, until: tuple[int, int] | None = None) -> int:
            """Step both for ``seconds`` (or until the split is ``until``); the rebalances meanwhile."""
            before = first.rebalances + second.rebalances
            loop = asyncio.get_running_loop()
            deadline = loop.time() + seconds
            while loop.time() < deadline:
                await asyncio.gather(first.step(), second.step())
                now = (len(first.assignment), len(second.assignment))
                if not seen or seen[-1] != now:
                    seen.append(now)
                if now == until:
                    break
            return first.rebalances + second.rebalances - before

        try:
            await stepping(60, until=(total // 3, total - total // 3))  # unmeasured: half a share, 4 of 12
            assert first.assignor.group == (2, total)  # the leader (this release) told it the group's size
            measured.ratio = 0.17  # delivery cheaper than the half share assumed: f = 0.415, 5 of 12
            await stepping(60, until=(5, 7))
            assert first.assignor.ratio == 0.17
            # The same ratio again and again, and one inside the hysteresis: no rejoin, no rebalance.
            assert await stepping(8) == 0
            measured.ratio = 0.2
            assert await stepping(8) == 0
            # One that would move it back (4 of 12) waits for the interval between moves ...
            measured.ratio = 0.34
            assert await stepping(8) == 0
            assert seen[-1] == (5, 7)
            # ... and moves once it has passed.
            monkeypatch.setattr(delivery_cost, "SHARE_INTERVAL_S", 0.0)
            await stepping(60, until=(4, 8))
            assert await stepping(8) == 0
        finally:
            await asyncio.gather(first.stop(), second.stop())
        return seen

    seen = asyncio.run(scenario())
    assert seen[-1] == (4, 8) and (5, 7) in seen, seen
