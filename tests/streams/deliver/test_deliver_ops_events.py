"""Ops events: routing apart from articles, once per episode, rendered by every destination."""

import asyncio
import email
import email.policy
import io
import json

import jsonschema
import pytest
from pydantic import ValidationError
from slack_sdk.models.blocks import Block
from standardwebhooks import Webhook

from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.sources.feed_state import FeedState
from pantau.sources.feeds import FeedSpec
from pantau.sources.health import FeedHealth, health_event
from pantau.streams.deliver.alert import Alert, Message, decode_alert, encode_alert
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination, parse_destination
from pantau.streams.deliver.destinations.console import ConsoleDestination, ConsoleSettings
from pantau.streams.deliver.destinations.mail import EmailDestination
from pantau.streams.deliver.destinations.slack_blocks import slack_payload
from pantau.streams.deliver.destinations.webhook_body import EVENT_SCHEMA_PATH, SCHEMA_PATH, webhook_body
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.events import OpsEvent, destination_disabled, event_view, from_health
from pantau.streams.deliver.route import Router

SECRET = "an ops test secret"
EVENT_SCHEMA = json.loads(EVENT_SCHEMA_PATH.read_text())
ALERT_SCHEMA = json.loads(SCHEMA_PATH.read_text())
OPS = ["feed_failing", "feed_silent", "feed_gone", "feed_recovered", "destination_disabled"]


def failing_event(*, at=1_790_000_000.0, name="Kabar Contoh", error="http://kabar.example/rss answered 500"):
    """The ops event the poller's health check produces for a feed failing twice (threshold 2)."""
    spec = FeedSpec(url="http://kabar.example/rss", name=name, failing_after=2)
    state = FeedState(feed=spec.key, url=spec.url, failures=2, last_error=error, last_success=at - 7200)
    health = health_event(state, spec, now=at)
    assert health is not None
    return from_health(health)


def _router(routes, dests=("ops", "desk", "console")):
    return Router([RouteSpec.model_validate(r) for r in routes], list(dests))


def _message(alert: Alert) -> Message:
    return Message(id=alert.key, destination=alert.destination, route=alert.route, kind="ops_event", alerts=(alert,))


def _ops_alert(event=None, dest="ops"):
    router = _router([{"events": OPS, "to": [dest]}], (dest, "console"))
    (alert,) = router.events_for(event or failing_event())
    return alert


# -- config and routing --------------------------------------------------------


def test_a_route_lists_known_events_only_and_no_article_matchers():
    assert RouteSpec(events=["feed_failing"], feeds=["x"], to=["ops"]).takes_events
    with pytest.raises(ValidationError, match="feed_failing"):
        RouteSpec.model_validate({"events": ["feed_broken"], "to": ["ops"]})
    with pytest.raises(ValidationError, match="remove topics, group_wait"):
        RouteSpec.model_validate({"events": ["feed_silent"], "topics": ["asean"], "group_wait": "5m", "to": ["ops"]})
    with pytest.raises(ValidationError, match="default"):
        RouteSpec.model_validate({"events": ["feed_silent"], "default": True, "to": ["ops"]})


def test_event_routes_take_no_articles_and_article_routes_take_no_events(classified):
    router = _router([{"events": OPS, "to": ["ops"]}, {"topics": ["asean"], "to": ["desk"]}])
    assert [a.destination for a in router.alerts_for(classified())] == ["desk"]
    (alert,) = router.events_for(failing_event())
    assert alert.destination == "ops" and alert.event is not None and alert.classified is None
    assert _router([{"topics": ["asean"], "to": ["desk"]}]).events_for(failing_event()) == []


def test_only_event_routes_still_send_articles_to_the_console(classified):
    router = _router([{"events": ["feed_failing"], "to": ["ops"]}])
    assert [a.destination for a in router.alerts_for(classified())] == ["console"]


def test_event_routes_filter_by_kind_and_feed_and_fall_through_with_continue():
    event = failing_event()
    assert _router([{"events": ["feed_silent"], "to": ["ops"]}]).events_for(event) == []
    assert _router([{"events": ["feed_failing"], "feeds": ["other"], "to": ["ops"]}]).events_for(event) == []
    by_name = _router([{"events": ["feed_failing"], "feeds": ["Kabar Contoh"], "to": ["ops"]}])
    assert [a.destination for a in by_name.events_for(event)] == ["ops"]
    first_only = _router([{"events": OPS, "to": ["ops"]}, {"events": OPS, "to": ["desk"]}])
    assert [a.destination for a in first_only.events_for(event)] == ["ops"]
    both = _router([{"events": OPS, "to": ["ops"], "continue": True}, {"events": OPS, "to": ["desk"]}])
    assert [a.destination for a in both.events_for(event)] == ["ops", "desk"]


def test_one_key_per_episode_and_a_new_episode_gets_a_new_key():
    router = _router([{"events": OPS, "to": ["ops"]}])
    first = router.events_for(failing_event(at=1_790_000_000.0))[0]
    again = router.events_for(failing_event(at=1_790_000_000.0))[0]
    later = router.events_for(failing_event(at=1_790_086_400.0))[0]
    assert first.key == again.key and later.key != first.key


def test_a_disabled_destination_never_carries_its_own_event():
    event = destination_disabled("ops", "http://h/hook answered 410 (gone)", 1_790_000_000.0)
    router = _router([{"events": ["destination_disabled"], "to": ["ops", "desk"]}])
    assert [a.destination for a in router.events_for(event)] == ["desk"]
    # A route whose only destination is the disabled one passes the event to the next route.
    chained = _router(
        [{"events": ["destination_disabled"], "to": ["ops"]}, {"events": ["destination_disabled"], "to": ["desk"]}]
    )
    assert [a.destination for a in chained.events_for(event)] == ["desk"]


def test_health_events_map_to_ops_events():
    event = failing_event()
    assert event.kind == "feed_failing" and event.about == "feed" and event.severity == "error"
    assert event.subject == "http://kabar.example/rss" and event.failures == 2
    assert event.title == "Feed failing: Kabar Contoh" and "500" in (event.last_error or "")
    # Below its threshold a feed is not failing: no event at all.
    spec = FeedSpec(url="http://kabar.example/rss", failing_after=3)
    assert health_event(FeedState(feed=spec.key, url=spec.url, failures=2), spec, now=1.0) is None


def test_a_health_event_of_unknown_kind_is_refused_by_name_not_turned_into_a_bad_event():
    # It used to become OpsEvent(kind="feed_flaky"), which failed later, far away (its severity lookup).
    event = FeedHealth(feed="http://kabar.example/rss", verdict="flaky", message="?", at=1.0)
    with pytest.raises(ValueError, match="unknown kind 'flaky'"):
        from_health(event)


def test_alerts_with_events_round_trip_and_old_records_still_decode(classified):
    alert = _ops_alert()
    assert decode_alert(encode_alert(alert)) == alert
    article = _router([{"topics": ["asean"], "to": ["desk"]}]).alerts_for(classified())[0]
    raw = json.loads(encode_alert(article))
    del raw["event"]  # a record written before ops events existed
    old = decode_alert(json.dumps(raw))
    assert old == article and old.event is None and old.headline == article.article.title
    assert alert.headline == "Feed failing: Kabar Contoh" and alert.article is None


# -- rendering -------------------------------------------------------------------


def _slack_checked(payload):
    assert payload["text"] and len(payload["blocks"]) <= 50
    for block in payload["blocks"]:
        assert Block.parse(block).to_dict()  # raises SlackObjectFormationError past Slack's limits
    return payload


def test_slack_renders_escaped_events_within_limits():
    hostile = failing_event(name="<!channel> Kabar & <@U123>", error="x" * 20_000 + " <!here>")
    payload = _slack_checked(slack_payload(_message(_ops_alert(hostile))))
    texts = [payload["text"]] + [json.dumps(b) for b in payload["blocks"]]
    assert all("<!channel>" not in t and "<@U123>" not in t and "<!here>" not in t for t in texts)
    assert "&lt;!channel&gt; Kabar &amp; &lt;@U123&gt;" in payload["blocks"][0]["text"]["text"]
    assert payload["blocks"][0]["type"] == "header" and "Feed failing" in payload["blocks"][0]["text"]["text"]
    fields = {f["text"].split("\n")[0]: f["text"] for f in payload["blocks"][1]["fields"]}
    assert "*Failures in a row*" in fields and fields["*Failures in a row*"].endswith("2")


def test_webhook_event_body_follows_its_schema_and_not_the_alert_schema():
    alert = _ops_alert()
    body = json.loads(webhook_body(_message(alert), now=1_790_000_100.0))
    jsonschema.Draft202012Validator.check_schema(EVENT_SCHEMA)
    jsonschema.validate(body, EVENT_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert body["type"] == "ops_event" and body["event"]["kind"] == "feed_failing"
    assert body["event"]["key"] == alert.key == body["id"] and body["truncated"] is False
    with pytest.raises(jsonschema.ValidationError):  # receivers tell the two apart by type
        jsonschema.validate(body, ALERT_SCHEMA)


def test_webhook_event_body_shortens_huge_errors():
    body = webhook_body(_message(_ops_alert(failing_event(error="e" * 100_000))), now=1_790_000_100.0)
    data = json.loads(body)
    jsonschema.validate(data, EVENT_SCHEMA)
    assert len(body) < 20_000 and data["truncated"] is True and len(data["event"]["last_error"]) <= 2000


def test_console_prints_the_event():
    out = io.StringIO()
    dest = ConsoleDestination("console", ConsoleSettings(color=False), stream=out)
    asyncio.run(dest.send(_message(_ops_alert(dest="console"))))
    text = out.getvalue()
    assert "Feed failing: Kabar Contoh" in text and "Failures in a row: 2" in text and "answered 500" in text


def test_email_renders_events_from_templates_to_a_real_smtp_server(smtp_server):
    box = smtp_server(mode="plain")
    spec = parse_destination(
        {
            "type": "email",
            "smtp": f"smtp://127.0.0.1:{box.port}",
            "from": "pantau@example.org",
            "to": ["ops@example.org"],
        }
    )
    alert = _ops_alert(failing_event(name="Kabar <b>Contoh</b>"))
    asyncio.run(EmailDestination("ops", spec).send(_message(alert)))
    ((raw, _tls, _auth),) = box.messages
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    assert msg["Subject"] == "[pantau] [ops] Feed failing: Kabar <b>Contoh</b>"
    assert msg["X-Pantau-Alert"] == alert.key
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "feed_failing (error)" in text and "Failures in a row: 2" in text and alert.key in text
    assert "<b>Contoh</b>" not in html and "Kabar &lt;b&gt;Contoh&lt;/b&gt;" in html


def test_event_view_names_the_destination_for_a_disabled_one():
    v = event_view(destination_disabled("siem", "gone", 1_790_000_000.0), "k1")
    assert v.about == "destination" and ("Destination", "siem") in v.details and v.title == "Destination disabled: siem"


# -- the dispatcher --------------------------------------------------------------


def test_a_410_destination_raises_a_signed_event_at_another_destination_once(
    classified, receiver, make_receiver, tmp_path
):
    gone = make_receiver().start()
    gone.script = [(410, {})]
    hook = {"type": "webhook", "secret": SECRET, "retry": [0, 0.2]}
    specs = {
        "old": parse_destination({**hook, "url": gone.url}),
        "ops": parse_destination({**hook, "url": receiver.url}),
    }
    routes = [RouteSpec(topics=["asean"], to=["old"]), RouteSpec(events=["destination_disabled"], to=["old", "ops"])]
    router = Router(routes, specs)
    conn = open_state(tmp_path / "state.db")

    async def go():
        dispatcher: Dispatcher

        async def on_event(event: OpsEvent) -> None:
            await dispatcher.submit(router.events_for(event))

        dispatcher = Dispatcher(
            {n: build_destination(n, s) for n, s in specs.items()},
            SqliteOutbox(conn),
            routes=router.routes,
            jitter=0.0,
            on_event=on_event,
        )
        for url in ("https://kabar.example/a", "https://kabar.example/b"):
            await dispatcher.submit(router.alerts_for(classified(url=url)))
        try:
            return await dispatcher.drain(10.0)
        finally:
            await dispatcher.aclose()

    summary = asyncio.run(go())
    assert len(gone.failures) == 1 and gone.requests == []
    (delivered,) = receiver.requests  # the event, once, and only at the other destination
    body = Webhook(SECRET.encode()).verify(delivered.body, delivered.headers)
    assert body["type"] == "ops_event" and body["event"]["kind"] == "destination_disabled"
    assert body["event"]["subject"] == "old" and "410" in body["event"]["message"]
    jsonschema.validate(body, EVENT_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert summary.sent == 1
    # Announced again (a retry of the same episode), it is not queued twice.
    event = OpsEvent(
        kind="destination_disabled",
        subject="old",
        message=body["event"]["message"],
        episode=body["event"]["episode"],
        at=float(body["event"]["episode"]),
    )
    outbox = SqliteOutbox(conn)
    assert outbox.enqueue(router.events_for(event), [0.0]) == []


def test_dead_and_pending_listings_name_the_ops_event(tmp_path, capsys, restore_logging):
    from pantau.cli.main import main

    config = tmp_path / "pantau.yaml"
    config.write_text(
        "state: state.db\ndestinations:\n  ops: {type: webhook, url: 'http://127.0.0.1:9/hook'}\n"
        "routes:\n  - events: [feed_failing]\n    to: [ops]\n"
    )
    conn = open_state(tmp_path / "state.db")
    outbox = SqliteOutbox(conn)
    router = _router([{"events": ["feed_failing"], "to": ["ops"]}], ("ops", "console"))
    pending, dead = router.events_for(failing_event(at=1.0)) + router.events_for(failing_event(at=2.0))
    outbox.enqueue([pending, dead], [0.0, 0.0])
    outbox.mark_dead([dead.key], "gave up", 3.0)
    conn.close()
    assert main(["alerts", "pending", "--config", str(config)]) == 0
    assert main(["alerts", "dead", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert out.count("Feed failing: Kabar Contoh") == 2 and pending.key in out and dead.key in out


def test_views_drop_escape_sequences_and_cut_huge_errors():
    v = event_view(failing_event(error="\x1b[31mred\x1b[0m " + "e" * 50_000), "k1")
    error = dict(v.details)["Last error"]
    assert "\x1b" not in error and error.startswith("[31mred") and len(error) <= 2000
