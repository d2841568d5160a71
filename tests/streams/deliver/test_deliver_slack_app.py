"""Slack through an app (chat.postMessage): threads for story updates, errors named, the token never shown.

Against a local server that speaks the Web API's shape (chat_receivers.SlackWebApi): Bearer token,
JSON body, ``{"ok": true, "channel", "ts"}``, ``thread_ts`` only of a message it posted, ``ok: false``
errors inside a 200, 429 ``ratelimited`` with Retry-After.
"""

import asyncio

import pytest

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.core.errors import PermanentDelivery
from pantau.streams.deliver import updates
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination, parse_destination
from pantau.streams.deliver.destinations.slack import thread_of
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.route import Router
from tests.streams.deliver.chat_receivers import SlackWebApi

TOKEN = "xoxb-1234567890-0987654321-SecretPartThatMustNeverShow"
CHANNEL_ID = "C0DESK1234"
OUTLETS = [("Antara", "https://antara.example"), ("Kompas", "https://kompas.example"), ("Tempo", "https://tempo.ex")]


@pytest.fixture
def slack():
    api = SlackWebApi(TOKEN, {"#desk": CHANNEL_ID})
    yield api
    api.stop()


def _spec(slack, **kw):
    fields = {"type": "slack", "token": TOKEN, "channel": "#desk", "api": slack.api, "retry": [0, 0.1], "rate": 100}
    return {**fields, **kw}


def _copies(classified):
    return [
        classified(url=f"{base}/berita/asean-1", feed=f"{base}/rss", feed_name=name, language="id")
        for name, base in OUTLETS
    ]


class Desk:
    """Router + dispatcher over an outbox; a new Desk on the same outbox storage is a restart."""

    def __init__(self, spec, outbox, route):
        self.router = Router([route], ["chat"])
        self.outbox = outbox
        self.d = Dispatcher({"chat": build_destination("chat", parse_destination(spec))}, outbox, routes=[route])
        self.d.jitter = 0.0

    def run(self, *batches):
        async def go():
            try:
                for batch in batches:
                    for c in batch:
                        await self.d.submit(self.router.alerts_for(c, story="story-asean-1"))
                    summary = await self.d.drain(5)
                return summary
            finally:
                await self.d.aclose()

        return asyncio.run(go())


@pytest.mark.parametrize("mode", ["sqlite", "tables"])
def test_an_update_is_a_reply_in_the_first_alerts_thread_across_a_restart(classified, slack, tmp_path, mode):
    route = RouteSpec(topics=["asean"], to=["chat"], update_wait=0.2)
    tables: tuple[dict, dict, dict, dict] = ({}, {}, {}, {})

    def outbox():
        if mode == "sqlite":
            return SqliteOutbox(open_state(tmp_path / "state.db"))
        return TableOutbox(*tables[:3], ledger=tables[3])

    first, *more = _copies(classified)
    Desk(_spec(slack), outbox(), route).run([first])  # the first alert, then the process stops
    Desk(_spec(slack), outbox(), route).run(more)  # restarted: two more outlets

    top, reply = slack.posts
    assert top.thread_ts is None and top.channel == CHANNEL_ID
    assert reply.thread_ts == top.ts and reply.channel == CHANNEL_ID
    assert reply.raw["text"] == "2 more outlets: Kompas, Tempo"  # in the thread the story goes without saying
    assert "Kompas" in str(reply.raw["blocks"])
    assert slack.replies(top.ts) == [reply]


def test_each_request_carries_the_bearer_token_json_and_the_channel(classified, slack, send):
    dest = build_destination("chat", parse_destination(_spec(slack)))
    alert = Router([RouteSpec(topics=["asean"], to=["chat"])], ["chat"]).alerts_for(classified())[0]

    send(dest, Message(id=alert.key, destination="chat", route=alert.route, kind="alert", alerts=(alert,)))
    (post,) = slack.posts
    assert post.raw["channel"] == "#desk" and post.raw["unfurl_links"] is False
    assert post.raw["blocks"][0]["type"] == "header"
    assert dest.last_ref == f"{CHANNEL_ID}:{post.ts}"
    assert thread_of(dest.last_ref) == (CHANNEL_ID, post.ts)


def test_without_a_thread_reference_the_update_is_a_compact_follow_up(classified, slack, tmp_path):
    # A story first alerted through an incoming webhook (no ts) and then through the app: no thread to join.
    route = RouteSpec(topics=["asean"], to=["chat"], update_wait=0.1)
    a, b, _ = _copies(classified)
    outbox = SqliteOutbox(open_state(tmp_path / "state.db"))
    Desk(_spec(slack), outbox, route).run([a])
    ((key,),) = outbox.conn.execute("SELECT key FROM story_ledger").fetchall()
    ledger = updates.decode_ledger(outbox.ledger(key))
    assert ledger is not None and thread_of(ledger.ref) == (CHANNEL_ID, slack.posts[0].ts)
    ledger.ref = ""
    outbox.save_ledger(key, updates.encode_ledger(ledger), ledger.at)
    Desk(_spec(slack), SqliteOutbox(open_state(tmp_path / "state.db")), route).run([b])
    top, follow = slack.posts
    assert follow.thread_ts is None and follow.raw["text"].startswith("↳ Update on")


@pytest.mark.parametrize(
    "error, hint",
    [
        ("channel_not_found", "check channel:"),
        ("invalid_auth", "check token:"),
        ("not_in_channel", "/invite"),
        ("missing_scope", "chat:write"),
    ],
)
def test_web_api_refusals_are_dead_letters_with_what_to_do_never_the_token(classified, slack, tmp_path, error, hint):
    slack.refuse(error)
    route = RouteSpec(topics=["asean"], to=["chat"])
    desk = Desk(_spec(slack), SqliteOutbox(open_state(tmp_path / "s.db")), route)
    summary = desk.run([classified()])
    assert summary.dead == 1 and summary.sent == 0 and not slack.posts
    (dead,) = desk.outbox.dead()
    assert dead.error == f"destination 'chat': Slack Web API chat.postMessage refused the message: {error}"
    assert TOKEN not in dead.error

    dest = build_destination("chat", parse_destination(_spec(slack)))
    alert = Router([route], ["chat"]).alerts_for(classified())[0]
    slack.refuse(error)

    async def go():
        try:
            await dest.send(Message(id=alert.key, destination="chat", route=alert.route, kind="alert", alerts=(alert,)))
        finally:
            await dest.aclose()

    with pytest.raises(PermanentDelivery) as err:
        asyncio.run(go())
    assert hint in str(err.value) and TOKEN not in str(err.value)


def test_a_wrong_token_and_a_wrong_channel_are_refused_by_the_receiver_too(classified, slack, tmp_path):
    route = RouteSpec(topics=["asean"], to=["chat"])
    wrong = "xoxb-1111111111-2222222222-NotTheRightOne"
    desk = Desk(_spec(slack, token=wrong), SqliteOutbox(open_state(tmp_path / "a.db")), route)
    assert desk.run([classified()]).dead == 1
    assert desk.outbox.dead()[0].error.endswith("invalid_auth") and wrong not in desk.outbox.dead()[0].error
    desk = Desk(_spec(slack, channel="#elsewhere"), SqliteOutbox(open_state(tmp_path / "b.db")), route)
    assert desk.run([classified()]).dead == 1
    assert desk.outbox.dead()[0].error.endswith("channel_not_found")


def test_ratelimited_429_waits_for_retry_after_then_delivers(classified, slack, tmp_path):
    slack.throttle(retry_after=1)
    desk = Desk(_spec(slack), SqliteOutbox(open_state(tmp_path / "s.db")), RouteSpec(topics=["asean"], to=["chat"]))
    summary = desk.run([classified()])
    assert summary.sent == 1 and len(slack.posts) == 1
    (t_429, s_429, _), (t_ok, s_ok, _) = slack.seen
    assert (s_429, s_ok) == (429, 200) and t_ok - t_429 >= 1.0  # the schedule allowed 0.1 s


@pytest.mark.parametrize(
    "fields, says",
    [
        ({"token": TOKEN}, "a slack destination needs channel"),
        ({"channel": "#desk"}, "a slack destination needs token"),
        ({"token": "not-a-slack-token-but-secret", "channel": "#desk"}, "token is not a Slack token"),
        ({"token": TOKEN, "channel": "desk room"}, "neither a channel id"),
        ({"token": TOKEN, "channel": "#desk", "url": "https://hooks.slack.com/services/T/B/x"}, "not both"),
    ],
)
def test_config_errors_name_the_field_never_the_secret(fields, says):
    with pytest.raises(ValueError) as err:
        parse_destination({"type": "slack", **fields})
    assert says in str(err.value)
    for secret in (TOKEN, "not-a-slack-token-but-secret"):
        assert secret not in str(err.value) and secret not in repr(err.value)


def test_webhook_url_is_the_incoming_webhook_and_repr_hides_the_token():
    hook = parse_destination({"type": "slack", "webhook_url": "https://hooks.slack.com/services/T0/B0/sekret"})
    assert hook.url == "https://hooks.slack.com/services/T0/B0/sekret" and not hook.app
    app = parse_destination({"type": "slack", "token": TOKEN, "channel": "C0DESK1234"})
    assert app.app and TOKEN not in repr(app) and TOKEN not in str(app)
    assert "sekret" not in repr(hook)
