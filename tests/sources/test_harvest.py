"""One feed's stored state as the harvester reads it (sources/harvest.py): a URL edit starts the address afresh."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.state import open_state
from pantau.sources.feed_state import FeedState
from pantau.sources.feeds import FeedSpec
from pantau.sources.harvest import Harvester
from pantau.sources.politeness import HostLimiter

OLD, NEW = "https://kabar.example/rss", "https://kabar.example/feed.xml"


async def _nothing(_articles) -> None:
    return None


@pytest.fixture
def harvester(tmp_path, local_network):
    store = SqliteFeedStateStore(open_state(tmp_path / "state.db"))
    client = httpx.AsyncClient()
    yield Harvester(
        store=store,
        publish=_nothing,
        network=local_network,
        client=client,
        limiter=HostLimiter(per_host=1, total=1),
    )
    asyncio.run(client.aclose())


def test_a_feed_never_polled_starts_from_a_fresh_state(harvester: Harvester) -> None:
    spec = FeedSpec(url=OLD, name="Kabar")
    state = harvester.state_for(spec)
    assert (state.feed, state.url, state.spec_url, state.etag, state.items_seen) == (spec.key, OLD, OLD, None, 0)


def test_a_stored_state_is_kept_while_the_url_is_unchanged_and_reset_when_the_user_edits_it(
    harvester: Harvester,
) -> None:
    spec = FeedSpec(url=OLD, name="Kabar")
    stored = FeedState(
        feed=spec.key,
        url="https://kabar.example/moved",  # a permanent redirect the poller followed
        spec_url=OLD,
        etag='"v1"',
        last_modified="Sat, 28 Nov 2026 10:00:00 GMT",
        failures=4,
        disabled="410 Gone",
        items_seen=120,
        last_success=1_000.0,
    )
    harvester.store.save(stored)
    assert harvester.state_for(spec) == stored  # same URL in the feed list: as stored, redirect and all
    edited = FeedSpec(url=NEW, name="Kabar", id=spec.key)
    state = harvester.state_for(edited)
    assert (state.url, state.spec_url) == (NEW, NEW)
    assert (state.etag, state.last_modified, state.failures, state.disabled) == (None, None, 0, None)
    assert (state.items_seen, state.last_success) == (120, 1_000.0)  # the feed's history is kept
