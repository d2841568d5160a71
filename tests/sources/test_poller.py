"""The Poller against a real local server: durability, dedupe, schedule, health."""

import asyncio
import time

import pytest

from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.state import open_state
from pantau.core import metrics
from pantau.core.errors import BrokerError
from pantau.sources.feeds import FeedSpec
from pantau.sources.health import FeedHealth
from pantau.sources.poller import Poller, interleave_hosts
from tests.sources.conftest import rss


class Sink:
    """A publisher that records what it accepted and can be told to fail."""

    def __init__(self):
        self.articles = []
        self.fail = False

    async def __call__(self, articles):
        if self.fail:
            raise BrokerError("broker unreachable (test)")
        self.articles.extend(articles)


@pytest.fixture
def store(tmp_path):
    return SqliteFeedStateStore(open_state(tmp_path / "state.db"))


def poll(feeds, store, publish, network, **kwargs):
    async def go():
        async with Poller(feeds, store, publish, network=network, **kwargs) as poller:
            return await poller.poll_once()

    return asyncio.run(go())


def test_state_is_committed_only_after_publish_succeeds(feed_server, local_network, store):
    url = feed_server.feed("/f", rss(3), etag='"v1"')
    sink = Sink()
    sink.fail = True
    summary = poll([FeedSpec(url=url)], store, sink, local_network)
    assert summary.outcomes[0].outcome == "publish_error" and sink.articles == []
    assert store.load(url).etag is None and store.unseen(["x"]) == {"x"}
    sink.fail = False  # "restart": a new poller over the same state file
    summary = poll([FeedSpec(url=url)], store, sink, local_network)
    assert summary.published == 3 and "If-None-Match" not in feed_server.requests[-1][1]
    not_modified = metrics.FETCHES.labels("not_modified")._value.get()
    assert poll([FeedSpec(url=url)], store, sink, local_network).outcomes[0].outcome == "not_modified"
    assert metrics.FETCHES.labels("not_modified")._value.get() == not_modified + 1
    assert len(sink.articles) == 3


def test_same_article_in_two_feeds_or_retitled_is_published_once(feed_server, local_network, store):
    a = feed_server.feed("/a", rss([{"title": "Asli", "link": "https://x.id/1?utm_source=a"}]))
    b = feed_server.feed(
        "/b", rss([{"title": "Asli", "link": "https://x.id/1#top"}, {"title": "Lain", "link": "https://x.id/2"}])
    )
    sink = Sink()
    summary = poll([FeedSpec(url=a), FeedSpec(url=b)], store, sink, local_network)
    assert sorted(x.url for x in sink.articles) == ["https://x.id/1", "https://x.id/2"]
    assert summary.duplicates == 1
    feed_server.feed("/a", rss([{"title": "Judul diperbarui", "link": "https://x.id/1"}]))
    assert poll([FeedSpec(url=a)], store, sink, local_network).published == 0
    assert len(sink.articles) == 2


def test_gone_feed_is_disabled_and_says_so(feed_server, local_network, store):
    url = feed_server.status("/gone", 410)
    events = []

    async def on_health(event: FeedHealth):
        events.append(event)

    summary = poll([FeedSpec(url=url, name="Hilang")], store, Sink(), local_network, on_health=on_health)
    assert summary.outcomes[0].outcome == "gone"
    assert "410 Gone" in store.load(url).disabled
    assert [e.verdict for e in events] == ["gone"] and "Hilang" in events[0].message
    assert poll([FeedSpec(url=url)], store, Sink(), local_network).outcomes[0].outcome == "disabled"
    assert feed_server.hits("/gone") == 1
    # Editing the feed's URL in the list brings it back.
    new = feed_server.feed("/back", rss(1))
    assert poll([FeedSpec(url=new, id=url)], store, Sink(), local_network).outcomes[0].outcome == "ok"


def test_permanent_redirect_updates_the_stored_url(feed_server, local_network, store):
    feed_server.status("/old", 301, {"Location": "/new"})
    feed_server.feed("/new", rss(1))
    spec = FeedSpec(url=feed_server.url("/old"))
    poll([spec], store, Sink(), local_network)
    assert store.load(spec.key).url == feed_server.url("/new")
    poll([spec], store, Sink(), local_network)
    assert feed_server.hits("/old") == 1 and feed_server.hits("/new") == 2


def test_retry_after_pushes_the_next_poll(feed_server, local_network, store):
    url = feed_server.status("/busy", 429, {"Retry-After": "7200"})
    before = time.time()
    poll([FeedSpec(url=url, interval=60)], store, Sink(), local_network)
    state = store.load(url)
    assert state.next_due >= before + 7200 and state.failures == 1
    again = poll([FeedSpec(url=url, interval=60)], store, Sink(), local_network)
    assert again.outcomes[0].outcome == "deferred" and again.deferred == 1 and again.failed == 0
    assert feed_server.hits("/busy") == 1


def test_failures_back_off_raise_health_events_and_recover(feed_server, local_network, store):
    url = feed_server.status("/flaky", 500)
    spec = FeedSpec(url=url, name="Goyah", interval=60)
    events = []

    async def on_health(event):
        events.append(event.verdict)

    delays = []
    for _ in range(4):
        start = time.time()
        poll([spec], store, Sink(), local_network, on_health=on_health)
        delays.append(store.load(url).next_due - start)
    assert events == ["failing"]
    assert delays[1] > delays[0] * 1.5 and delays[2] > delays[1] * 1.5
    assert metrics.FEED_FAILURES.labels(url)._value.get() == 4
    feed_server.feed("/flaky", rss(1))
    poll([spec], store, Sink(), local_network, on_health=on_health)
    assert events == ["failing", "recovered"] and store.load(url).failures == 0


def test_a_health_event_whose_route_failed_is_announced_again(feed_server, local_network, store):
    url = feed_server.status("/down", 500)
    spec = FeedSpec(url=url, name="Mati", interval=60, failing_after=1)
    attempts = []

    async def broken_then_fine(event):
        attempts.append(event.verdict)
        if len(attempts) == 1:
            raise RuntimeError("ops route unavailable")

    poll([spec], store, Sink(), local_network, on_health=broken_then_fine)
    poll([spec], store, Sink(), local_network, on_health=broken_then_fine)
    poll([spec], store, Sink(), local_network, on_health=broken_then_fine)
    assert attempts == ["failing", "failing"]  # retried once, then announced and kept


def test_silent_feed_raises_an_event(feed_server, local_network, store):
    url = feed_server.feed("/quiet", rss(1), etag='"q"')
    spec = FeedSpec(url=url, silent_after=3600)
    events = []

    async def on_health(event):
        events.append(event.verdict)

    poll([spec], store, Sink(), local_network, on_health=on_health)
    later = time.time() + 7200
    poll([spec], store, Sink(), local_network, on_health=on_health, clock=lambda: later)
    assert events == ["silent"]


def test_one_feed_failing_does_not_stop_the_others(feed_server, local_network, store):
    good = feed_server.feed("/good", rss(2))
    feeds = [FeedSpec(url=feed_server.status("/e", 500)), FeedSpec(url=good), FeedSpec(url="http://127.0.0.1:9/closed")]
    sink = Sink()
    summary = poll(feeds, store, sink, local_network)
    assert (summary.ok, summary.failed, len(sink.articles)) == (1, 2, 2)


def test_reload_feeds_takes_effect_without_restart(feed_server, local_network, store):
    a, b = feed_server.feed("/a", rss(1)), feed_server.feed("/b", rss(2))
    sink = Sink()

    async def go():
        async with Poller([FeedSpec(url=a)], store, sink, network=local_network) as poller:
            first = await poller.poll_once()
            poller.reload_feeds([FeedSpec(url=b)])
            second = await poller.poll_once()
            return first, second

    first, second = asyncio.run(go())
    assert [o.feed for o in first.outcomes] == [a] and [o.feed for o in second.outcomes] == [b]


def test_run_forever_picks_up_feed_file_edits(feed_server, local_network, store, tmp_path):
    a = feed_server.feed("/a", rss([{"title": "A", "link": "https://x.id/a"}]))
    b = feed_server.feed("/b", rss([{"title": "B", "link": "https://x.id/b"}]))
    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - url: {a}\n")
    sink = Sink()

    async def go():
        async with Poller(
            [FeedSpec(url=a)], store, sink, network=local_network, feeds_path=path, start_spread=0.2
        ) as poller:
            task = asyncio.create_task(poller.run_forever())
            for _ in range(300):  # wait for an event, not for a time: up to 30 s on a busy machine
                if feed_server.hits("/a"):
                    break
                await asyncio.sleep(0.1)
            path.write_text(f"feeds:\n  - url: {a}\n  - url: {b}\n")
            for _ in range(300):
                # The article, not the server's hit: the response may still be on its way when the hit is counted.
                if len(sink.articles) == 2:
                    break
                await asyncio.sleep(0.1)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    asyncio.run(go())
    assert feed_server.hits("/b") >= 1 and len(sink.articles) == 2
    assert feed_server.hits("/a") == 1  # not due again within its interval


def test_full_text_replaces_a_teaser_with_the_page_text(feed_server, local_network, store):
    page = (
        "<html><body><nav>Menu</nav><article><h1>Judul</h1>"
        + "<p>Paragraf panjang tentang kebocoran data di sebuah bank daerah yang diselidiki polisi. </p>" * 6
        + "<p>Baca juga: berita lain</p></article><footer>Hak cipta</footer></body></html>"
    )
    feed_server.feed("/page", page, content_type="text/html; charset=utf-8")
    url = feed_server.feed(
        "/teaser", rss([{"title": "Judul", "link": feed_server.url("/page"), "description": "Paragraf panjang..."}])
    )
    sink = Sink()
    poll([FeedSpec(url=url, full_text=True)], store, sink, local_network)
    (article,) = sink.articles
    assert "diselidiki polisi" in article.content and "Baca juga" not in article.content
    assert "Menu" not in article.content


def test_interleave_hosts_round_robins():
    feeds = [FeedSpec(url=f"https://{h}.example/{i}") for h in "aab" for i in range(2)]
    hosts = [f.url.split("/")[2][0] for f in interleave_hosts(feeds)]
    assert hosts[:2] in (["a", "b"], ["b", "a"])


def test_a_feed_that_never_gives_an_item_turns_silent(feed_server, local_network, store):
    url = feed_server.feed("/empty", rss([]))
    spec = FeedSpec(url=url, silent_after=3600)
    events = []

    async def on_health(event):
        events.append(event.verdict)

    poll([spec], store, Sink(), local_network, on_health=on_health)
    later = time.time() + 7200
    poll([spec], store, Sink(), local_network, on_health=on_health, clock=lambda: later)
    assert events == ["silent"] and store.load(url).last_new_item is None
