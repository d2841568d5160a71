"""Apprise: real notifications through Apprise's json:// and ntfy:// plugins to local receivers; secrets never shown."""

import asyncio
import logging
import tempfile
from pathlib import Path

import pytest

from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination, parse_destination
from pantau.streams.deliver.destinations.apprise import apprise_body, service_of
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.route import Router


class _Root(logging.Handler):
    """What pantau's own handler on the root logger would receive (pytest's caplog sees more than that)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())

    @property
    def text(self):
        return "\n".join(self.lines)


@pytest.fixture
def root_log():
    handler, root = _Root(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def _run(url, classifieds, route=None, retry=(0, 0.1, 0.1), **extra):
    route = route or RouteSpec(topics=["asean"], to=["ap"])
    spec = parse_destination({"type": "apprise", "url": url, "retry": list(retry), "rate": 100, **extra})
    d = Dispatcher(
        {"ap": build_destination("ap", spec)},
        SqliteOutbox(open_state(Path(tempfile.mkdtemp()) / "s.db")),
        routes=[route],
        jitter=0.0,
    )
    router = Router([route], ["ap"])

    async def go():
        await d.submit([a for c in classifieds for a in router.alerts_for(c)])
        try:
            return await d.drain(10.0)
        finally:
            await d.aclose()

    return asyncio.run(go()), d


def test_json_service_gets_title_markdown_body_and_link(classified, receiver):
    story = classified(title="Serangan *siber* ke bank @everyone")
    url = receiver.url.replace("http://", "json://")
    summary, _ = _run(url, [story])
    assert summary.sent == 1
    (got,) = receiver.requests
    body = got.json()
    assert body["title"] == "Serangan *siber* ke bank @everyone".replace("@", "@\u200b")  # title is plain text
    assert "**ASEAN**" in body["message"]  # matched term bold in Markdown
    assert f"[Open the article]({story.article.url})" in body["message"]
    assert "Kabar Contoh" in body["message"] and "asean\\-diplomacy" in body["message"]
    assert got.headers["User-Agent"] == "Apprise"


def test_ntfy_gets_markdown_when_asked_and_the_click_link(classified, receiver):
    story = classified()
    port = receiver.port
    summary, _ = _run(f"ntfy://127.0.0.1:{port}/pantau-desk?format=markdown", [story])
    assert summary.sent == 1
    (got,) = receiver.requests
    body = got.json()
    assert body["topic"] == "pantau-desk" and got.headers.get("X-Markdown") == "yes"
    assert body["title"].startswith("Menteri luar negeri ASEAN")
    assert f"({story.article.url})" in body["message"] and "**Laut Cina Selatan**" in body["message"]


def test_plain_text_services_get_no_markup(classified, receiver):
    story = classified()
    summary, _ = _run(receiver.url.replace("http://", "json://"), [story], format="text")
    body = receiver.requests[0].json()["message"]
    assert "**" not in body and f"Open the article: {story.article.url}" in body


def test_a_digest_is_one_notification(classified, receiver):
    stories = [classified(title=f"ASEAN kabar {i}", url=f"https://k.example/{i}") for i in range(3)]
    summary, _ = _run(
        receiver.url.replace("http://", "json://"),
        stories,
        route=RouteSpec(topics=["asean"], to=["ap"], group_wait=0.2),
    )
    assert summary.sent == 3 and len(receiver.requests) == 1
    body = receiver.requests[0].json()
    assert body["title"].startswith("Digest: 3 alerts")
    assert all(f"(https://k.example/{i})" in body["message"] for i in range(3))


def test_service_limits_are_kept(classified):
    stories = [classified(title="ASEAN " + "x" * 300 + str(i), url=f"https://k.example/{i}") for i in range(200)]
    router = Router([RouteSpec(topics=["asean"], to=["ap"])], ["ap"])
    alerts = tuple(a for c in stories for a in router.alerts_for(c))
    msg = Message(id="b", destination="ap", route="r", kind="digest", alerts=alerts)
    title, body = apprise_body(msg, "markdown", body_max=2000, title_max=250)  # Discord's limits
    assert len(body) <= 2000 and len(title) <= 250 and "more" in body
    title, body = apprise_body(msg, "text", body_max=1000, title_max=0)  # a service without titles
    assert title == "" and body.startswith("Digest: 200 alerts") and len(body) <= 1000


def test_failures_retry_then_deliver_and_4xx_dead_letters_name_the_service_not_the_url(classified, receiver):
    receiver.script = [(503, {})]
    secret_url = receiver.url.replace("http://", "json://user:hunter2secret@")
    summary, _ = _run(secret_url, [classified()])
    assert summary.sent == 1 and len(receiver.failures) == 1
    receiver.script = [(403, {})]
    summary, d = _run(secret_url, [classified(title="ASEAN lain")])
    assert summary.dead == 1 and len(receiver.failures) == 2  # 403: no retry
    (dead,) = d.outbox.dead()
    assert "apprise json (JSON) refused the alert" in dead.error and "403" in dead.error
    assert "hunter2secret" not in dead.error


def test_an_unreachable_service_is_retried_then_a_dead_letter_without_the_url(classified, unused_port, root_log):
    url = f"json://127.0.0.1:{unused_port}/very-secret-path-token"
    summary, d = _run(url, [classified()], retry=(0, 0.05))
    assert summary.dead == 1
    (dead,) = d.outbox.dead()
    assert dead.attempts == 2 and "apprise json (JSON)" in dead.error
    assert "very-secret-path-token" not in dead.error and "very-secret-path-token" not in root_log.text
    assert "Starting new HTTP connection" in root_log.text  # the handler does see library logs (urllib3's)


@pytest.mark.parametrize(
    "url, says",
    [
        ("bogus://abcdefsecret", "no Apprise service has the scheme bogus://"),
        ("tgram://notatokensecret/", "the tgram (Telegram) URL is not valid"),
        ("discord://", "the discord (Discord) URL is not valid"),
        ("no-scheme-secret", "url must be an Apprise service URL"),
    ],
)
def test_config_errors_name_the_service_never_the_url(url, says, root_log):
    with pytest.raises(ValueError) as err:
        parse_destination({"type": "apprise", "url": url})
    assert "apprise destination: url" in str(err.value) and says in str(err.value)
    for part in ("abcdefsecret", "notatokensecret", "no-scheme-secret"):
        assert part not in str(err.value) and part not in root_log.text


def test_a_valid_spec_shows_only_the_scheme():
    spec = parse_destination({"type": "apprise", "url": "tgram://123456789:AAHsecretsecretsecret/-100"})
    assert "AAHsecret" not in repr(spec) and "tgram://***" in repr(spec)
    assert service_of("tgram://x") == "tgram (Telegram)"
