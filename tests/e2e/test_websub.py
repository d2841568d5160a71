"""WebSub end to end: `pantau run` subscribes to the hub a feed advertises, takes signed pushes in
seconds, refuses forged ones, renews its lease, lets polling take over when the lease lapses, and
unsubscribes when the feed leaves the list. The hub is a real one written for the tests
(websub_hub.py); the callback is the `metrics:` server of the process.
"""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import datetime, timezone

import pytest
from processes import free_port, wait_until
from ruamel.yaml import YAML
from servers import Item, rss
from websub_hub import LocalHub, with_hub

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
RULES = "topic: cybercrime\ntitle: Cybercrime\nowner: e2e\nrules:\n  - id: cyber\n    any: [peretas]\n"
OLD = Item("Peretas Bobol Server Dinas", "https://kabar.example/1", "Peretas membobol server dinas kota.", T0)
PUSHED = Item("Peretas Serang Bank Daerah", "https://kabar.example/2", "Peretas menyerang bank daerah.", T0)
FORGED = Item("Peretas Palsu Menyusup", "https://kabar.example/forged", "Peretas palsu, isi palsu.", T0)
POLLED = Item("Peretas Curi Data Pemilih", "https://kabar.example/3", "Peretas mencuri data pemilih.", T0)


@pytest.fixture
def hub():
    hub = LocalHub()
    yield hub
    hub.stop()


@pytest.fixture
def monitor(tmp_path, feed_server, webhook_receiver, write_config, write_rules, pantau_process, hub):
    """`pantau run` with WebSub on, one feed advertising ``hub``; returns a dict of handles."""
    write_rules(tmp_path, {"cybercrime.yaml": RULES})
    topic = feed_server.url("/kabar.xml")
    feed_server.put("/kabar.xml", with_hub(rss("Kabar", [OLD]), hub.url, topic))
    feeds_file = tmp_path / "feeds.yaml"
    feed = {"url": topic, "name": "Kabar", "interval": 60}

    def write_feeds(entries: list[dict]) -> None:
        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        with feeds_file.open("w", encoding="utf-8") as fh:
            yaml.dump(entries, fh)

    write_feeds([feed])
    metrics = f"127.0.0.1:{free_port()}"
    config = write_config(
        tmp_path,
        feeds="feeds.yaml",
        rules="rules",
        network={"allow_private": True},
        state="state.db",
        metrics=metrics,
        websub={"callback_url": f"http://{metrics}/websub", "poll_interval": "1h"},
        destinations={"siem": {"type": "webhook", "url": webhook_receiver.url}},
        routes=[{"topics": ["cybercrime"], "to": ["siem"]}],
    )
    process = pantau_process("run", "--config", str(config), cwd=tmp_path)
    return {
        "process": process,
        "topic": topic,
        "metrics": f"http://{metrics}",
        "write_feeds": write_feeds,
        "feed": feed,
        "config": config,
    }


def titles(receiver) -> list[str]:
    return [a["article"]["title"] for r in receiver.received for a in r.json()["alerts"]]


def metric(base: str, line_start: str) -> float:
    text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start)]
    return values[0] if values else 0.0


def test_pushed_content_arrives_in_seconds_forgeries_are_refused_and_a_removed_feed_unsubscribes(
    monitor, hub, feed_server, webhook_receiver
):
    process, topic = monitor["process"], monitor["topic"]
    wait_until(lambda: hub.live(topic), "the hub to verify pantau's subscription", timeout=60)
    (subscription,) = hub.live(topic)
    assert subscription.secret and subscription.callback.startswith(monitor["metrics"] + "/websub/")
    assert hub.verifications[0] == ("subscribe", subscription.callback, True)  # the challenge came back
    wait_until(lambda: titles(webhook_receiver) == [OLD.title], "the first poll's alert", timeout=60)

    # A push: the feed server still serves the old document, and the safety-net poll is an hour
    # away, so only the push can bring this article in.
    pushed = with_hub(rss("Kabar", [PUSHED, OLD]), hub.url, topic)
    started = time.monotonic()
    assert hub.publish(topic, pushed) == [204]
    wait_until(lambda: PUSHED.title in titles(webhook_receiver), "the pushed article's alert", timeout=10)
    assert time.monotonic() - started < 10

    # A forgery (signed with another key) is refused, counted, and never parsed.
    forged = with_hub(rss("Kabar", [FORGED]), hub.url, topic)
    assert hub.forge(subscription.callback, forged) == 403
    assert hub.post(subscription.callback, forged, None, "application/rss+xml") == 403  # no signature at all
    assert metric(monitor["metrics"], 'pantau_websub_deliveries_total{outcome="forged"}') == 2
    assert metric(monitor["metrics"], 'pantau_websub_deliveries_total{outcome="accepted"}') == 1
    # A callback nobody subscribed is Gone (a hub then drops it).
    assert hub.post(monitor["metrics"] + "/websub/0123456789abcdef", forged, None, "application/rss+xml") == 410
    # A verification pantau did not ask for is refused.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            f"{subscription.callback}?hub.mode=subscribe&hub.topic=https%3A%2F%2Fother.example&hub.challenge=abc",
            timeout=5,
        )
    assert refused.value.code == 404

    # The feed leaves the list: pantau unsubscribes and confirms the hub's verification.
    monitor["write_feeds"]([])
    wait_until(lambda: not hub.subscriptions, "the hub to drop the subscription", timeout=30)
    assert ("unsubscribe", subscription.callback, True) in hub.verifications
    time.sleep(1)
    assert FORGED.title not in titles(webhook_receiver)
    assert sorted(titles(webhook_receiver)) == sorted([OLD.title, PUSHED.title])  # each once
    events = [e["event"] for e in process.events()]
    assert "websub_subscribed" in events and "websub_unsubscribed" in events
    assert events.count("websub_signature_invalid") == 2


def test_the_lease_is_renewed_and_when_it_lapses_polling_takes_over(monitor, hub, feed_server, webhook_receiver):
    hub.lease = 6  # seconds: pantau renews at 80 %
    process, topic = monitor["process"], monitor["topic"]
    wait_until(lambda: hub.live(topic), "the subscription", timeout=60)
    first = hub.live(topic)[0].expires
    wait_until(lambda: hub.live(topic) and hub.live(topic)[0].expires > first + 2, "a renewal", timeout=15)
    renewals = [r for r in hub.requests if r["hub.mode"] == "subscribe"]
    assert len(renewals) >= 2 and len({r["hub.callback"] for r in renewals}) == 1

    # The hub goes away: renewals fail, the lease lapses, pantau says so and polls the feed again.
    hub.refuse = True
    callback = hub.live(topic)[0].callback
    # New in the feed now; while the subscription lives, the safety-net poll is an hour away, so
    # only the poll the lapse brings forward can find it.
    feed_server.put("/kabar.xml", with_hub(rss("Kabar", [POLLED, OLD]), hub.url, topic))
    # On a loaded machine a renewal may be verified just after a lapse; only a lapse that stays counts.
    wait_until(
        lambda: (
            not hub.live(topic)
            and any(e.get("event") == "websub_lease_expired" for e in process.events())
            and time.time() > max(s.expires for s in hub.subscriptions.values()) + 1
        ),
        "the lease to lapse for good",
        timeout=30,
    )
    late = with_hub(rss("Kabar", [FORGED]), hub.url, topic)
    assert LocalHub.post(callback, late, None, "application/rss+xml") == 410  # no live subscription here
    wait_until(lambda: POLLED.title in titles(webhook_receiver), "the polled article after the lapse", timeout=30)
    failed = [e for e in process.events() if e.get("event") == "websub_request_failed"]
    assert failed and all("retry_in" in e for e in failed)
    assert json.dumps(failed[0]).count("503") >= 1


def test_a_restart_resumes_the_subscription_without_asking_the_hub_again(
    monitor, hub, feed_server, webhook_receiver, pantau_process, tmp_path
):
    topic = monitor["topic"]
    wait_until(lambda: hub.live(topic), "the subscription", timeout=60)
    wait_until(lambda: titles(webhook_receiver) == [OLD.title], "the first poll's alert", timeout=60)
    asked = [r for r in hub.requests if r["hub.mode"] == "subscribe"]
    assert monitor["process"].interrupt() == 0

    again = pantau_process("run", "--config", str(monitor["config"]), cwd=tmp_path)
    restored = again.logged("websub_restored", timeout=60)
    assert (restored["subscriptions"], restored["active"]) == (1, 1)
    # A push signed with the secret of the first run is taken: the secret came back with the record.
    pushed = with_hub(rss("Kabar", [PUSHED, OLD]), hub.url, topic)
    wait_until(lambda: hub.publish(topic, pushed) == [204], "the restarted callback to take the push", timeout=60)
    wait_until(lambda: PUSHED.title in titles(webhook_receiver), "the pushed article's alert", timeout=15)
    # The restarted process polled the feed (its first round) and found the same hub: no new request.
    again.logged("feeds_reachable", timeout=60)
    time.sleep(1)  # a subscription request would be on its way by now
    assert [r for r in hub.requests if r["hub.mode"] == "subscribe"] == asked
    assert "websub_subscribed" not in {e.get("event") for e in again.events()}
