"""Story updates: three outlets -> one alert + one batched update, in the thread of each real receiver."""

import asyncio
import email
import json
from email import policy

import jsonschema
import pytest

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination, parse_destination
from pantau.streams.deliver.destinations.webhook_body import SCHEMA_PATH
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.route import Router
from tests.streams.deliver.chat_receivers import TelegramBotApi

TOKEN = "7012345678:AAH4secretTokenPartThatMustNeverShow9"
CHAT = "-1001234567890"
OUTLETS = [
    ("Antara", "https://antara.example"),
    ("Kompas", "https://kompas.example"),
    ("Tempo", "https://tempo.example"),
    ("VnExpress", "https://vnexpress.example"),
]


def _copies(classified, outlets, language="id"):
    return [
        classified(url=f"{base}/berita/asean-1", feed=f"{base}/rss", feed_name=name, language=language)
        for name, base in outlets
    ]


class Desk:
    """Router + dispatcher over a durable outbox and real destinations; submit copies, drain."""

    def __init__(self, specs, outbox, route):
        self.route = route
        self.router = Router([route], list(specs))
        self.outbox = outbox
        self.dests = {n: build_destination(n, parse_destination(s)) for n, s in specs.items()}
        self.d = Dispatcher(self.dests, outbox, routes=[route], jitter=0.0)
        self.loop = asyncio.new_event_loop()  # one loop: the HTTP clients belong to it

    def run(self, *batches, story="story-asean-1"):
        async def go():
            for batch in batches:
                for c in batch:
                    await self.d.submit(self.router.alerts_for(c, story=story))
                await self.d.drain(5)

        self.loop.run_until_complete(go())

    def submit(self, c, story="story-asean-1"):
        return self.loop.run_until_complete(self.d.submit(self.router.alerts_for(c, story=story)))

    def close(self):
        self.loop.run_until_complete(self.d.aclose())
        self.loop.close()


@pytest.fixture
def bot():
    api = TelegramBotApi(TOKEN, {CHAT})
    yield api
    api.stop()


@pytest.mark.parametrize("mode", ["sqlite", "tables"])
def test_three_outlets_make_one_alert_and_one_batched_update_in_each_thread(
    classified, receiver, bot, smtp_server, tmp_path, mode
):
    box = smtp_server(mode="plain")
    specs = {
        "siem": {"type": "webhook", "url": receiver.url, "secret": "s", "retry": [0, 0.1]},
        "tg": {"type": "telegram", "token": TOKEN, "chat_id": CHAT, "api": bot.base_url, "rate": 100},
        "desk": {
            "type": "email",
            "smtp": f"smtp://127.0.0.1:{box.port}",
            "from": "pantau@example.org",
            "to": ["desk@example.org"],
        },
    }
    route = RouteSpec(topics=["asean"], to=list(specs), update_wait=0.2)
    outbox = SqliteOutbox(open_state(tmp_path / "s.db")) if mode == "sqlite" else TableOutbox({}, {}, {})
    desk = Desk(specs, outbox, route)
    first, *more = _copies(classified, OUTLETS[:3])
    desk.run([first], more)
    desk.close()

    # webhook: an alert, then alert.updated with the same story id, valid against the schema
    schema = json.loads(SCHEMA_PATH.read_text())
    alert, update = [r.json() for r in receiver.requests]
    for body in (alert, update):
        jsonschema.validate(body, schema)
    assert (alert["type"], update["type"]) == ("alert", "alert.updated")
    assert update["alerts"][0]["story"] == alert["alerts"][0]["story"] == "story-asean-1"
    u = update["alerts"][0]["update"]
    assert u["of"] == alert["alerts"][0]["key"] and u["seq"] == 1
    assert u["outlets"] == ["Kompas", "Tempo"] and u["summary"] == "2 more outlets: Kompas, Tempo"

    # Telegram: the update replies to the first message
    first_msg, update_msg = bot.messages
    assert update_msg.raw["reply_parameters"]["message_id"] == first_msg.message_id
    assert "2 more outlets: Kompas, Tempo" in update_msg.plain

    # email: a reply in the same thread
    first_mail, update_mail = [email.message_from_bytes(raw, policy=policy.default) for raw, *_ in box.messages]
    assert update_mail["In-Reply-To"] == first_mail["Message-ID"] == update_mail["References"]
    assert update_mail["Subject"] == "Re: " + first_mail["Subject"]
    assert "Kompas" in update_mail.get_body(("plain",)).get_content()


def test_a_new_language_and_a_new_topic_are_updates_too_and_a_known_outlet_is_not(classified, receiver, tmp_path):
    route = RouteSpec(topics=["asean", "cybercrime"], to=["siem"], update_wait=0.1)
    desk = Desk(
        {"siem": {"type": "webhook", "url": receiver.url, "retry": [0]}},
        SqliteOutbox(open_state(tmp_path / "s.db")),
        route,
    )
    first = classified(feed_name="Antara", url="https://antara.example/1")
    same_outlet_again = classified(feed_name="Antara", url="https://antara.example/2")
    english = classified(feed_name="Antara English", url="https://en.antara.example/1", language="en")
    desk.run([first], [same_outlet_again], [english])
    desk.close()
    bodies = [r.json() for r in receiver.requests]
    assert [b["type"] for b in bodies] == ["alert", "alert.updated"]
    u = bodies[1]["alerts"][0]["update"]
    assert u["languages"] == ["en"] and u["outlets"] == ["Antara English"]


def test_updates_are_rate_limited_per_story_and_routes_can_turn_them_off(classified, receiver, tmp_path):
    route = RouteSpec(topics=["asean"], to=["siem"], update_wait=0.1, update_interval=3600)
    desk = Desk(
        {"siem": {"type": "webhook", "url": receiver.url, "retry": [0]}},
        SqliteOutbox(open_state(tmp_path / "s.db")),
        route,
    )
    a, b, c = _copies(classified, OUTLETS[:3])
    desk.run([a], [b])
    assert len(receiver.requests) == 2  # alert + update
    desk.submit(c)
    (waiting,) = desk.outbox.pending()
    assert waiting.alert.update.seq == 2 and waiting.due >= desk.d.clock() + 3500  # not within the hour
    desk.close()

    off = RouteSpec(topics=["asean"], to=["siem"], updates=False)
    quiet = Desk(
        {"siem": {"type": "webhook", "url": receiver.url, "retry": [0]}},
        SqliteOutbox(open_state(tmp_path / "quiet.db")),
        off,
    )
    quiet.run([a], [b, c], story="story-2")
    quiet.close()
    assert [r.json()["type"] for r in receiver.requests[2:]] == ["alert"]


@pytest.mark.parametrize("mode", ["sqlite", "tables"])
def test_copies_taken_in_with_the_first_alert_in_one_batch_are_noted_as_when_they_come_apart(
    classified, receiver, tmp_path, mode
):
    route = RouteSpec(topics=["asean"], to=["siem"], update_wait=0.2)
    outbox = SqliteOutbox(open_state(tmp_path / "s.db")) if mode == "sqlite" else TableOutbox({}, {}, {})
    desk = Desk({"siem": {"type": "webhook", "url": receiver.url, "secret": "s"}}, outbox, route)
    first, kompas, tempo = _copies(classified, OUTLETS[:3])

    async def together() -> None:
        # One intake for the three (the distributed deliverer takes matches in batches).
        batch = [a for c in (first, kompas, tempo) for a in desk.router.alerts_for(c, story="story-asean-1")]
        assert len(await desk.d.submit(batch)) == 1
        await desk.d.drain(5)

    desk.loop.run_until_complete(together())
    # Kompas and Tempo were noted while the first alert waited: another Kompas copy is no news.
    desk.run(_copies(classified, OUTLETS[1:2]), _copies(classified, OUTLETS[3:4]))
    desk.close()
    bodies = [r.json() for r in receiver.requests]
    assert [b["type"] for b in bodies] == ["alert", "alert.updated"]
    assert bodies[1]["alerts"][0]["update"]["outlets"] == ["VnExpress"]
