"""FeedShare: a source worker's share of the feed list follows the group's assignment and list edits."""

from __future__ import annotations

import asyncio

from pantau.adapters.kafka.feed_assignment import feed_partition
from pantau.core.errors import BrokerError
from pantau.runtime.sources_worker import FeedShare
from pantau.sources.feeds import FeedSpec

FEEDS = [FeedSpec(url=f"https://news{n}.example/rss") for n in range(40)]


class Recorder:
    """Stands in for the poller: remembers every feed list it was given."""

    def __init__(self) -> None:
        self.loads: list[list[str]] = []

    def reload_feeds(self, feeds: list[FeedSpec]) -> None:
        self.loads.append([f.key for f in feeds])


def _share(partitions: set[int], feeds=FEEDS) -> list[str]:
    return [f.key for f in feeds if feed_partition(f.key) in partitions]


def test_assign_gives_the_poller_the_feeds_of_those_partitions_after_catching_up():
    async def scenario():
        poller, calls = Recorder(), []

        async def catch_up():
            calls.append(len(poller.loads))  # caught up before the poller got the share

        share = FeedShare(FEEDS, poller, catch_up, loop=asyncio.get_running_loop())
        await share.assign(frozenset({0, 1}))
        await share.assign(frozenset({2}))
        return poller.loads, calls, share.partitions

    loads, calls, partitions = asyncio.run(scenario())
    assert loads == [_share({0, 1}), _share({2})]
    assert calls == [0, 1] and partitions == {2}
    assert loads[0] and loads[1]  # 40 feeds over 12 partitions: none of these is empty


def test_reassignments_run_in_order_and_a_broker_error_still_assigns():
    async def scenario():
        poller = Recorder()

        async def catch_up():
            await asyncio.sleep(0)
            raise BrokerError("state topic unreadable", hint="it comes back")

        share = FeedShare(FEEDS, poller, catch_up, loop=asyncio.get_running_loop())
        first, second = share.assign(frozenset({3})), share.assign(frozenset({4, 5}))
        await asyncio.gather(first, second)
        return poller.loads

    assert asyncio.run(scenario()) == [_share({3}), _share({4, 5})]


def test_a_new_feed_list_is_shared_over_the_partitions_held_now():
    async def scenario():
        poller = Recorder()

        async def catch_up():
            return 0

        share = FeedShare(FEEDS[:10], poller, catch_up, loop=asyncio.get_running_loop())
        await share.assign(frozenset(range(12)))
        await share.replace_feeds(FEEDS)
        return poller.loads

    loads = asyncio.run(scenario())
    assert loads == [[f.key for f in FEEDS[:10]], [f.key for f in FEEDS]]
