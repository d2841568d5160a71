"""Every alert carries signed feedback links: signing and checking, and their presence in each channel."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from pydantic import SecretStr

from pantau.config import Config
from pantau.core.errors import FeedbackLinkError
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import parse_destination
from pantau.streams.deliver.destinations.mail import EmailDestination
from pantau.streams.deliver.destinations.slack import SlackDestination, SlackSettings
from pantau.streams.deliver.destinations.webhook import WebhookDestination, WebhookSettings
from pantau.streams.deliver.destinations.webhook_body import SCHEMA_PATH
from pantau.streams.deliver.feedback import LinkSigner, link_key, signer_for
from pantau.streams.deliver.route import Router

KEY = b"k" * 32
NOW = 1_800_000_000.0


def parts(url: str) -> tuple[str, str, str, str, str]:
    """(alert key, verdict, exp, sig, article) as the web page reads them from a link."""
    u = urlsplit(url)
    _, _, key, verdict = u.path.split("/")
    q = parse_qs(u.query, keep_blank_values=True)
    return key, verdict, q["exp"][0], q["sig"][0], q["a"][0]


def check(signer, url: str) -> str:
    key, verdict, exp, sig, article = parts(url)
    return signer.verify(key, verdict, exp, sig, article=article)


@pytest.fixture
def signer():
    return LinkSigner(KEY, "https://pantau.example.org/", clock=lambda: NOW)


def test_a_link_verifies_for_its_alert_and_verdict_only(signer):
    links = signer.links("abc123", "art9")
    assert links.relevant.startswith("https://pantau.example.org/feedback/abc123/relevant?a=art9&exp=")
    assert check(signer, links.relevant) == "relevant"
    assert check(signer, links.not_relevant) == "not_relevant"
    key, verdict, exp, sig, article = parts(links.relevant)
    with pytest.raises(FeedbackLinkError):
        signer.verify(key, verdict, exp, sig, article="another-article")
    for forged in [
        (key, "not_relevant", exp, sig),
        ("other", verdict, exp, sig),
        (key, verdict, str(int(exp) + 9), sig),
        (key, verdict, exp, sig[:-1] + "0"),
        (key, verdict, exp, ""),
        (key, "delete", exp, sig),
        (key, verdict, "soon", sig),
    ]:
        with pytest.raises(FeedbackLinkError):
            signer.verify(*forged, article=article)
    other_key = LinkSigner(b"x" * 32, "https://pantau.example.org", clock=lambda: NOW)
    with pytest.raises(FeedbackLinkError, match="signature"):
        check(other_key, links.relevant)


def test_a_link_expires(signer):
    links = signer.links("abc")
    later = LinkSigner(KEY, "https://pantau.example.org", clock=lambda: NOW + signer.ttl + 1)
    with pytest.raises(FeedbackLinkError, match="expired"):
        check(later, links.relevant)


def test_the_key_comes_from_web_secret_else_is_kept_beside_the_state(tmp_path):
    a = Config(state=tmp_path / "a" / "state.db")
    first = link_key(a)
    assert first == link_key(a) and len(first) == 32  # kept, not made anew
    assert oct((tmp_path / "a" / "feedback-link-key").stat().st_mode & 0o777) == "0o600"
    b = Config(state=tmp_path / "b" / "state.db")
    assert link_key(b) != first
    shared = [Config(state=tmp_path / d / "s.db", web={"secret": "one secret for every worker"}) for d in "cd"]
    assert link_key(shared[0]) == link_key(shared[1])
    assert signer_for(Config(state=tmp_path / "e.db"), shared=True) is None  # workers need web.secret
    assert signer_for(shared[0], shared=True).base_url == "http://127.0.0.1:8464"


@pytest.fixture
def alerts(classified, signer):
    router = Router([RouteSpec(topics=["asean"], to=["desk"])], ["desk"], links=signer.links)
    return [router.alerts_for(classified(url=f"https://kabar.example/{i}"))[0] for i in range(2)]


def message(alerts, kind="alert"):
    return Message(
        id=alerts[0].key if len(alerts) == 1 else "batch_x",
        destination="desk",
        route=alerts[0].route,
        kind=kind,
        alerts=tuple(alerts),
    )


def test_the_router_gives_every_alert_its_own_links(alerts, signer):
    for alert in alerts:
        assert parts(alert.feedback.relevant)[0] == alert.key
        assert parts(alert.feedback.relevant)[4] == alert.article.id
        assert check(signer, alert.feedback.not_relevant) == "not_relevant"
    assert (
        Router([RouteSpec(topics=["asean"], to=["desk"])], ["desk"]).alerts_for(alerts[0].classified)[0].feedback
        is None
    )  # no signer, no links


def test_webhook_bodies_carry_the_links_and_follow_the_schema(alerts, receiver, send):
    dest = WebhookDestination("desk", WebhookSettings(url=receiver.url))

    send(dest, message(alerts[:1]))
    (got,) = receiver.requests
    data = json.loads(got.body)
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()), format_checker=jsonschema.FormatChecker())
    feedback = data["alerts"][0]["feedback"]
    assert feedback["relevant"] == alerts[0].feedback.relevant
    assert feedback["not_relevant"] == alerts[0].feedback.not_relevant
    assert feedback["expires"].startswith("20")


def test_slack_messages_carry_the_links(alerts, receiver, send):
    dest = SlackDestination("desk", SlackSettings(url=receiver.url))

    send(dest, message(alerts[:1]), message(alerts, kind="digest"))
    single, digest = (json.loads(r.body) for r in receiver.requests)
    text = json.dumps(single["blocks"])

    def slack(url: str) -> str:  # Slack's mrkdwn wants & escaped, even inside links
        return url.replace("&", "&amp;")

    assert f"<{slack(alerts[0].feedback.relevant)}|Relevant>" in text
    assert f"<{slack(alerts[0].feedback.not_relevant)}|Not relevant>" in text
    assert all(slack(a.feedback.not_relevant) in json.dumps(digest["blocks"]) for a in alerts)


def test_emails_carry_the_links(alerts, smtp_server):
    import email
    import email.policy

    box = smtp_server(mode="plain")
    spec = parse_destination(
        {"type": "email", "smtp": f"smtp://127.0.0.1:{box.port}", "from": "p@example.org", "to": ["desk@example.org"]}
    )
    asyncio.run(EmailDestination("desk", spec).send(message(alerts[:1])))
    asyncio.run(EmailDestination("desk", spec).send(message(alerts, kind="digest")))
    for raw, kinds in ((box.messages[0][0], alerts[:1]), (box.messages[1][0], alerts)):
        msg = email.message_from_bytes(raw, policy=email.policy.strict)
        text, html = msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
        for alert in kinds:
            assert alert.feedback.relevant in text and alert.feedback.not_relevant in text
            escaped = alert.feedback.relevant.replace("&", "&amp;")
            assert f'href="{escaped}"' in html


def test_a_config_secret_is_never_printed(tmp_path):
    config = Config(state=tmp_path / "s.db", web={"secret": SecretStr("hush")})
    assert "hush" not in repr(config.web)


def test_telegram_and_teams_messages_carry_the_links(alerts, signer):
    from pantau.streams.deliver.destinations import build_destination
    from tests.streams.deliver.chat_receivers import TeamsWebhook, TelegramBotApi

    token, chat = "7012345678:AAH4feedbackTestTokenPart0000000001", "-1001"
    bot, teams = TelegramBotApi(token, {chat}), TeamsWebhook()
    try:
        tg = build_destination(
            "desk", parse_destination({"type": "telegram", "token": token, "chat_id": chat, "api": bot.base_url})
        )
        ms = build_destination("desk", parse_destination({"type": "teams", "url": teams.url}))

        async def go():
            try:
                await tg.send(message(alerts[:1]))
                await ms.send(message(alerts[:1]))
            finally:
                await tg.aclose()
                await ms.aclose()

        asyncio.run(go())
        (sent,) = bot.messages  # the fake Bot API parsed the MarkdownV2: the links are real text links
        links = {text_link[3] for text_link in sent.entities if text_link[0] == "text_link"}
        assert {alerts[0].feedback.relevant, alerts[0].feedback.not_relevant} <= links
        (card,) = teams.cards
        urls = {a["url"] for a in card["actions"]}
        assert {alerts[0].feedback.relevant, alerts[0].feedback.not_relevant} <= urls
    finally:
        bot.stop()
        teams.stop()


def test_apprise_notifications_carry_the_links(alerts, receiver, send):
    from pantau.streams.deliver.destinations import build_destination

    dest = build_destination(
        "desk", parse_destination({"type": "apprise", "url": receiver.url.replace("http://", "json://")})
    )

    send(dest, message(alerts[:1]))
    (got,) = receiver.requests
    body = got.json()["message"]
    assert f"[Relevant]({alerts[0].feedback.relevant})" in body
    assert f"[Not relevant]({alerts[0].feedback.not_relevant})" in body
