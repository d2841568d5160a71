"""Microsoft Teams: Adaptive Cards to a local incoming webhook / Workflows receiver, throttling, size, secrets."""

import asyncio
import re
import tempfile
from pathlib import Path

import pytest

from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination, parse_destination
from pantau.streams.deliver.destinations.teams import MAX_BYTES, card_escape, teams_payload
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.route import Router
from tests.streams.deliver.chat_receivers import TeamsWebhook, check_adaptive_card_message


@pytest.fixture(params=["legacy", "workflows"])
def teams(request):
    hook = TeamsWebhook(request.param)
    yield hook
    hook.stop()


def _alerts(classifieds, route):
    router = Router([route], ["desk"])
    return [a for c in classifieds for a in router.alerts_for(c)]


def _run(url, classifieds, route=None, retry=(0, 0.1, 0.1)):
    route = route or RouteSpec(topics=["asean"], to=["desk"])
    spec = parse_destination({"type": "teams", "url": url, "retry": list(retry), "rate": 100})
    d = Dispatcher(
        {"desk": build_destination("desk", spec)},
        SqliteOutbox(open_state(Path(tempfile.mkdtemp()) / "s.db")),
        routes=[route],
        jitter=0.0,
    )

    async def go():
        await d.submit(_alerts(classifieds, route))
        try:
            return await d.drain(10.0)
        finally:
            await d.aclose()

    return asyncio.run(go()), d


def _texts(card):
    out = []

    def walk(els):
        for el in els:
            if el["type"] == "TextBlock":
                out.append(el["text"])
            if el["type"] == "FactSet":
                out.extend(f["title"] + ": " + f["value"] for f in el["facts"])
            walk(el.get("items", []))

    walk(card["body"])
    return "\n".join(out)


def test_an_alert_is_one_adaptive_card_with_headline_facts_snippet_and_button(classified, teams):
    story = classified()
    summary, _ = _run(teams.url, [story])
    assert summary.sent == 1
    (card,) = teams.cards
    text = _texts(card)
    assert "Menteri luar negeri ASEAN" in text and "Kabar Contoh" in text and "2026-11-22 08:15 UTC" in text
    assert "Topics: asean" in text and "asean-diplomacy (medium)" in text
    assert "**ASEAN**" in text  # matched terms bold
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open the article", "url": story.article.url}]


def test_markdown_and_mentions_in_article_text_stay_text(classified, teams):
    story = classified(title="**Bohong** [klik](https://evil.example) _x_ @everyone", summary="ASEAN - 1. daftar")
    _run(teams.url, [story])
    text = _texts(teams.cards[0])
    assert "\\*\\*Bohong\\*\\* \\[klik\\](https://evil.example) \\_x\\_ @\u200beveryone" in text
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", text)  # no link that is not escaped


def test_a_digest_is_one_card_listing_each_story(classified, teams):
    stories = [classified(title=f"ASEAN berita {i}", url=f"https://k.example/{i}") for i in range(4)]
    summary, _ = _run(teams.url, stories, route=RouteSpec(topics=["asean"], to=["desk"], group_wait=0.2))
    assert summary.sent == 4 and len(teams.cards) == 1
    assert all(f"](https://k.example/{i})" in _texts(teams.cards[0]) for i in range(4))


def test_a_huge_digest_stays_under_teams_28kb(classified):
    stories = [
        classified(
            title="ASEAN " + "panjang " * 40 + str(i), url=f"https://k.example/{i}", summary="ASEAN " + "isi " * 300
        )
        for i in range(300)
    ]
    route = RouteSpec(topics=["asean"], to=["desk"], group_wait=1)
    alerts = _alerts(stories, route)
    payload = teams_payload(Message(id="b", destination="desk", route=route.name, kind="digest", alerts=tuple(alerts)))
    import json

    assert len(json.dumps(payload, ensure_ascii=False).encode()) <= MAX_BYTES
    card = check_adaptive_card_message(payload)
    assert "more not shown" in _texts(card)


def test_429_with_retry_after_pauses_then_delivers(classified, teams):
    teams.throttle(retry_after=1)
    summary, _ = _run(teams.url, [classified()])
    assert summary.sent == 1
    (t1, s1, _), (t2, s2, _) = teams.seen
    assert s1 == 429 and s2 in (200, 202) and t2 - t1 >= 1.0


def test_the_legacy_connectors_200_with_an_error_inside_is_a_retry_not_a_success(classified):
    hook = TeamsWebhook("legacy")
    try:
        hook.throttle_legacy()
        summary, d = _run(hook.url, [classified()])
        assert summary.sent == 1 and len(hook.cards) == 1
        assert [s for _, s, _ in hook.seen] == [200, 200]  # the first 200 carried the error: retried
    finally:
        hook.stop()


def test_errors_name_the_teams_webhook_never_its_url(classified, unused_port):
    url = f"http://127.0.0.1:{unused_port}/webhookb2/very-secret-path/IncomingWebhook/xyz"
    summary, d = _run(url, [classified()], retry=(0,))
    (dead,) = d.outbox.dead()
    assert "Teams webhook" in dead.error and "very-secret-path" not in dead.error


def test_card_escape_keeps_lists_from_forming():
    assert card_escape("- a\n1. b") == "\\- a\n1\\. b"


def test_bad_teams_url_is_named_without_the_value():
    with pytest.raises(ValueError) as err:
        parse_destination({"type": "teams", "url": "secret-but-no-scheme"})
    assert "teams destination: url must be" in str(err.value) and "secret-but-no-scheme" not in str(err.value)
