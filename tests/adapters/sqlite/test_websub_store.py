"""WebSub subscriptions survive a restart in the SQLite state file: no blind resubscription, renewals go on."""

from __future__ import annotations

import asyncio

import httpx

from pantau.adapters.sqlite.state import open_state
from pantau.adapters.sqlite.websub import SqliteSubscriptionStore
from pantau.core.config import WebSubConfig
from pantau.sources.outcome import FeedOutcome
from pantau.sources.websub import Subscriber

CONFIG = WebSubConfig(callback_url="https://p.example/websub", lease=100, poll_interval=900)
HUB, TOPIC = "https://hub.example/", "https://a.example/feed"


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def polled(feed: str, hub: str = HUB) -> FeedOutcome:
    return FeedOutcome(feed=feed, outcome="ok", hub=hub, topic=TOPIC)


def test_a_restarted_subscriber_resumes_its_subscriptions_and_renews_them(tmp_path):
    clock, requests = Clock(), []

    def hub(request: httpx.Request) -> httpx.Response:
        requests.append(dict(httpx.QueryParams(request.content.decode())))
        return httpx.Response(202)

    async def first_run() -> tuple[str, str]:
        store = SqliteSubscriptionStore(open_state(tmp_path / "state.db"))
        async with httpx.AsyncClient(transport=httpx.MockTransport(hub)) as client:
            sub = Subscriber(CONFIG, client, lambda *a: None, clock=clock, store=store)
            sub.observed("kabar", polled("kabar"))
            sub.observed("warta", polled("warta"))
            await asyncio.sleep(0.01)
            cid = requests[0]["hub.callback"].rsplit("/", 1)[1]
            assert sub.verify(cid, "subscribe", TOPIC, 50)  # kabar verified; warta's hub never answers
            return cid, sub.subscriptions()[0].secret

    cid, secret = asyncio.run(first_run())
    assert len(requests) == 2

    async def second_run() -> None:
        store = SqliteSubscriptionStore(open_state(tmp_path / "state.db"))
        async with httpx.AsyncClient(transport=httpx.MockTransport(hub)) as client:
            sub = Subscriber(CONFIG, client, lambda *a: None, clock=clock, store=store)
            kabar = sub.lookup(cid)
            assert kabar is not None and (kabar.state, kabar.secret, kabar.lease) == ("active", secret, 50)
            assert sub.poll_delay("kabar") == 900  # still pushed: polling stays at the safety-net pace
            sub.observed("kabar", polled("kabar"))  # the first poll after the restart: same hub, same topic
            await asyncio.sleep(0.01)
            assert len(requests) == 2  # no blind resubscription
            clock.now += 41  # 41 of 50 s since the verification: past 80 %, the renewal goes out
            sub.maintain()
            await asyncio.sleep(0.01)
            assert [r["hub.callback"].endswith(cid) for r in requests[2:]] == [True]
            # warta was never verified: after the restart it is asked again once the hub's time is up
            clock.now += 60
            sub.maintain()
            await asyncio.sleep(0.01)
            assert any(r["hub.topic"] == TOPIC and not r["hub.callback"].endswith(cid) for r in requests[3:])
            sub.forget("kabar")  # the feed left the list: unsubscribed, and its record gone
            await asyncio.sleep(0.01)

    asyncio.run(second_run())
    assert requests[-1]["hub.mode"] == "unsubscribe"
    stored = {s.feed for s in SqliteSubscriptionStore(open_state(tmp_path / "state.db")).load_all()}
    assert stored == {"warta"}


def test_an_unreadable_record_is_skipped_and_the_feed_subscribes_afresh(tmp_path):
    conn = open_state(tmp_path / "state.db")
    store = SqliteSubscriptionStore(conn)
    conn.execute("INSERT INTO websub_subscriptions (feed, record) VALUES ('kabar', '{not json')")
    assert store.load_all() == []
