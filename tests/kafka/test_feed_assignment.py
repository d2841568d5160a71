"""Source workers share the feed list through a Kafka consumer group (pantau/adapters/kafka/feed_assignment.py)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from pantau.adapters.kafka.feed_assignment import FeedAssignment, feed_partition, feeds_for
from pantau.adapters.kafka.topics import FEEDS, ensure_topics
from pantau.sources.feeds import FeedSpec

ROOT = Path(__file__).resolve().parents[2]
FEED_LIST = [FeedSpec(url=f"https://outlet{i}.example/rss.xml", name=f"Outlet {i}") for i in range(200)]


def test_each_feed_has_one_stable_partition_and_the_shares_cover_the_list():
    assert feed_partition("https://outlet1.example/rss.xml") == feed_partition("https://outlet1.example/rss.xml")
    used = {feed_partition(spec.key) for spec in FEED_LIST}
    assert used == set(range(FEEDS.partitions))  # 200 feeds reach every partition
    halves = feeds_for(FEED_LIST, range(0, 6)), feeds_for(FEED_LIST, range(6, 12))
    assert sorted(s.key for s in halves[0] + halves[1]) == sorted(s.key for s in FEED_LIST)
    assert not {s.key for s in halves[0]} & {s.key for s in halves[1]}


async def _wait_for(check, timeout: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if check():
            return True
        await asyncio.sleep(0.2)
    return False


MEMBER = textwrap.dedent("""
    import asyncio, json, sys
    from pantau.adapters.kafka.feed_assignment import FeedAssignment

    async def main():
        loop = asyncio.get_running_loop()
        member = FeedAssignment(sys.argv[1], sys.argv[2], group=sys.argv[3], loop=loop, session_timeout=6,
                                on_change=lambda parts: print(json.dumps(sorted(parts)), flush=True))
        member.start()
        await asyncio.Event().wait()

    asyncio.run(main())
""")


@pytest.mark.kafka
def test_workers_split_the_partitions_and_a_dead_ones_feeds_are_taken_over(kafka_bootstrap):
    prefix = f"test-{uuid.uuid4().hex[:8]}."
    ensure_topics(kafka_bootstrap, (FEEDS,), prefix=prefix)
    topic, group = FEEDS.name(prefix), f"{prefix}pantau-sources"
    everything = frozenset(range(FEEDS.partitions))

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        seen: list[frozenset[int]] = []
        survivor = FeedAssignment(
            kafka_bootstrap, topic, group=group, loop=loop, on_change=seen.append, session_timeout=6
        )
        survivor.start()
        other = subprocess.Popen(
            [sys.executable, "-c", MEMBER, kafka_bootstrap, topic, group],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            # Two members: each gets a share, together they cover every partition once.
            assert await _wait_for(lambda: 0 < len(survivor.partitions) < len(everything), 60), seen
            # The other member prints each assignment it gets; wait for the one that completes ours.
            other_share = set(json.loads(await loop.run_in_executor(None, other.stdout.readline)))
            while other_share | survivor.partitions != everything:
                other_share = set(json.loads(await loop.run_in_executor(None, other.stdout.readline)))
            assert not other_share & survivor.partitions

            # The other member dies without leaving the group: its session expires
            # and the survivor is given every partition, i.e. every feed.
            other.send_signal(signal.SIGKILL)
            other.wait(timeout=10)
            assert await _wait_for(lambda: survivor.partitions == everything, 60), seen
        finally:
            if other.poll() is None:
                other.kill()
                other.wait(timeout=10)
            await loop.run_in_executor(None, survivor.stop)

    asyncio.run(scenario())
