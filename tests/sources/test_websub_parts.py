"""WebSub pieces without a network: discovery, signatures, callback ids, the config, the lease clock."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

import httpx
import pytest

from pantau.core.config import WebSubConfig
from pantau.sources.fetch import _websub_links
from pantau.sources.outcome import FeedOutcome
from pantau.sources.parse import parse_feed
from pantau.sources.subscription import callback_id
from pantau.sources.websub import Subscriber
from pantau.sources.websub_callback import signature_ok

RSS = (
    b'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>A</title>'
    b'<atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="https://a.example/feed"/>'
    b"<item><title>x</title><link>https://a.example/1</link></item></channel></rss>"
)


def test_discovery_reads_the_document_links_json_feed_hubs_and_http_link_headers():
    parsed = parse_feed(RSS, url="https://a.example/rss")
    assert (parsed.hub, parsed.self_url) == ("https://hub.example/", "https://a.example/feed")
    json_feed = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "feed_url": "https://j.example/f.json",'
        b' "hubs": [{"type": "WebSub", "url": "https://hub.example/j"}], "items": []}'
    )
    parsed = parse_feed(json_feed, url="https://j.example/f.json")
    assert (parsed.hub, parsed.self_url) == ("https://hub.example/j", "https://j.example/f.json")
    response = httpx.Response(200, headers=[("Link", '</hub>; rel="hub", <https://a.example/feed>; rel="self"')])
    assert _websub_links(response, "https://a.example/rss") == {
        "hub": "https://a.example/hub",
        "self_url": "https://a.example/feed",
    }
    assert _websub_links(httpx.Response(200), "https://a.example/rss") == {}
    assert parse_feed(RSS.replace(b'rel="hub"', b'rel="next"'), url="https://a.example/rss").hub == ""


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_signatures_of_every_method_the_spec_allows_are_checked(method):
    body = b"<rss>content</rss>"
    good = f"{method}=" + hmac.new(b"s3cret", body, getattr(hashlib, method)).hexdigest()
    assert signature_ok("s3cret", body, good)
    assert not signature_ok("other", body, good)
    assert not signature_ok("s3cret", body + b" ", good)


@pytest.mark.parametrize("header", [None, "", "sha256", "md5=abc", "sha256=" + "0" * 64])
def test_missing_unknown_or_wrong_signatures_are_refused(header):
    assert not signature_ok("s3cret", b"body", header)


def test_callback_ids_are_stable_distinct_and_do_not_reveal_the_feed():
    assert callback_id("antara") == callback_id("antara") != callback_id("kompas")
    assert "antara" not in callback_id("antara") and len(callback_id("antara")) == 24


def test_the_callback_url_must_be_an_http_url_with_a_path():
    assert WebSubConfig(callback_url="https://p.example/websub/").callback_url == "https://p.example/websub"
    for bad in ("p.example/websub", "https://p.example", "ftp://p.example/websub"):
        with pytest.raises(ValueError, match="callback_url"):
            WebSubConfig(callback_url=bad)


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_verified_lease_is_renewed_at_80_percent_and_lapses_to_polling_when_not():
    async def scenario():
        clock, requests, woken = Clock(), [], []

        def hub(request: httpx.Request) -> httpx.Response:
            requests.append(dict(httpx.QueryParams(request.content.decode())))
            return httpx.Response(202)

        async with httpx.AsyncClient(transport=httpx.MockTransport(hub)) as client:
            config = WebSubConfig(callback_url="https://p.example/websub", lease=100, poll_interval=900)
            sub = Subscriber(config, client, lambda *a: None, clock=clock, poll_soon=woken.append)
            sub.observed(
                "kabar",
                FeedOutcome(feed="kabar", outcome="ok", hub="https://hub.example/", topic="https://a.example/feed"),
            )
            await asyncio.sleep(0.01)
            assert requests[0]["hub.mode"] == "subscribe" and requests[0]["hub.lease_seconds"] == "100"
            cid = requests[0]["hub.callback"].rsplit("/", 1)[1]
            assert sub.poll_delay("kabar") is None  # not verified yet: poll as usual
            assert not sub.verify(cid, "subscribe", "https://other.example/", 50)
            assert sub.verify(cid, "subscribe", "https://a.example/feed", 50)
            assert sub.poll_delay("kabar") == 900
            clock.now += 39
            sub.maintain()
            await asyncio.sleep(0.01)
            assert len(requests) == 1
            clock.now += 2  # 41 of 50 s: past 80 %
            sub.maintain()
            await asyncio.sleep(0.01)
            assert len(requests) == 2
            clock.now += 10  # the hub never verified the renewal: the lease is over
            sub.maintain()
            await asyncio.sleep(0.01)
            assert sub.poll_delay("kabar") is None and woken == ["kabar"]
            assert sub.subscriptions()[0].state in ("expired", "requested")

    asyncio.run(scenario())
