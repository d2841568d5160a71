"""A first run, and every restart, says once how many feeds answer; a restart never sits out a remembered backoff."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import pytest

from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.state import open_state
from pantau.core.logs import configure_logging
from pantau.sources.feed_state import FeedState
from pantau.sources.feeds import FeedSpec
from pantau.sources.poller import Poller
from pantau.sources.reachability import reachability_line
from tests.sources.conftest import rss


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _nothing(_articles) -> None:
    return None


@pytest.fixture
def store(tmp_path):
    return SqliteFeedStateStore(open_state(tmp_path / "state.db"))


def _events(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_an_offline_first_round_says_once_none_is_reachable_and_what_to_try(store, local_network, capsys) -> None:
    configure_logging("json", "info")
    feeds = [FeedSpec(url=f"http://127.0.0.1:{_closed_port()}/f{i}.xml") for i in range(3)]

    async def go() -> None:
        async with Poller(feeds, store, _nothing, network=local_network) as poller:
            await poller.poll_once()
            await poller.poll_once()  # a second round says nothing more

    asyncio.run(go())
    told = [e for e in _events(capsys.readouterr().err) if e["event"] in {"feeds_unreachable", "feeds_reachable"}]
    assert len(told) == 1 and told[0]["event"] == "feeds_unreachable" and told[0]["level"] == "warning"
    assert told[0]["message"].startswith("0 of 3 feeds reachable; offline? try `make demo`")


def test_a_first_round_with_some_feeds_up_counts_them(store, local_network, feed_server, capsys) -> None:
    configure_logging("json", "info")
    up = feed_server.feed("/up", rss(1))
    feeds = [FeedSpec(url=up), FeedSpec(url=f"http://127.0.0.1:{_closed_port()}/down.xml")]

    async def go() -> None:
        async with Poller(feeds, store, _nothing, network=local_network) as poller:
            await poller.poll_once()

    asyncio.run(go())
    told = [e for e in _events(capsys.readouterr().err) if e["event"] == "feeds_reachable"]
    assert [e["message"] for e in told] == ["1 of 2 feeds reachable"]
    assert reachability_line(0, 0) == "0 of 0 feeds reachable"  # no feeds: nothing to suggest


def test_a_restart_polls_a_feed_in_backoff_at_once_but_keeps_a_servers_retry_after(
    store, local_network, feed_server
) -> None:
    backing_off = feed_server.feed("/back", rss(1))
    throttled = feed_server.feed("/throttled", rss(1))
    later = time.time() + 6 * 3600
    store.save(
        FeedState(
            feed=backing_off,
            url=backing_off,
            spec_url=backing_off,
            failures=5,
            next_due=later,
            last_attempt=time.time() - 60,
            last_error="connection refused",
        )
    )
    store.save(
        FeedState(
            feed=throttled,
            url=throttled,
            spec_url=throttled,
            failures=1,
            next_due=later,
            last_status=429,
            last_attempt=time.time() - 60,
            last_error="HTTP 429",
        )
    )

    async def go() -> None:
        async with Poller(
            [FeedSpec(url=backing_off), FeedSpec(url=throttled)],
            store,
            _nothing,
            network=local_network,
            start_spread=0.0,
        ) as poller:
            task = asyncio.create_task(poller.run_forever())
            for _ in range(300):  # until the first poll lands (a bound, not a speed check)
                if store.load(backing_off).failures == 0:
                    break
                await asyncio.sleep(0.1)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    asyncio.run(go())
    assert store.load(backing_off).failures == 0 and store.load(backing_off).last_success is not None
    assert store.load(throttled).last_success is None  # the server asked for the pause: honoured
