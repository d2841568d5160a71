"""Asking a WebSub hub (sources/websub_request.py): the form sent, and what the answer does to the record."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import httpx
import pytest

from pantau.core.config import WebSubConfig
from pantau.sources.subscription import RETRY, Subscription
from pantau.sources.websub_request import ask_hub

CONFIG = WebSubConfig(callback_url="https://pantau.example.org/websub", lease="2d")
NOW = 1_000.0


def _sub(**fields: object) -> Subscription:
    values: dict = dict(
        feed="kabar", hub="https://hub.example/", topic="https://kabar.example/feed", callback="cb1", secret="s3cret"
    )
    return Subscription(**(values | fields))


def _ask(sub: Subscription, mode: str, answer: httpx.Response | Exception) -> tuple[bool, list[dict[str, list[str]]]]:
    forms: list[dict[str, list[str]]] = []

    def hub(request: httpx.Request) -> httpx.Response:
        forms.append(parse_qs(request.content.decode()))
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def go() -> bool:
        async with httpx.AsyncClient(transport=httpx.MockTransport(hub)) as client:
            return await ask_hub(client, sub, mode, CONFIG, lambda: NOW)

    return asyncio.run(go()), forms


@pytest.mark.parametrize("status", [202, 204])
def test_a_subscription_the_hub_accepts_is_true_and_the_record_waits_for_verification(status: int) -> None:
    sub = _sub(state="expired")
    accepted, [form] = _ask(sub, "subscribe", httpx.Response(status))
    assert accepted
    assert form == {
        "hub.mode": ["subscribe"],
        "hub.topic": ["https://kabar.example/feed"],
        "hub.callback": ["https://pantau.example.org/websub/cb1"],
        "hub.secret": ["s3cret"],
        "hub.lease_seconds": ["172800"],
    }
    assert (sub.state, sub.requested_at, sub.attempts, sub.retry_at) == ("requested", NOW, 0, 0.0)


@pytest.mark.parametrize(
    "answer", [httpx.Response(200), httpx.Response(500, text="down"), httpx.ConnectError("refused")]
)
def test_any_other_answer_is_false_and_the_record_waits_out_the_retry_schedule(answer) -> None:
    sub = _sub()
    accepted, _forms = _ask(sub, "subscribe", answer)
    assert not accepted
    assert (sub.state, sub.attempts, sub.retry_at) == ("failed", 1, NOW + RETRY[0])
    sub.attempts = len(RETRY) + 3  # many failures: the last wait of the schedule, not beyond it
    _ask(sub, "subscribe", answer)
    assert sub.retry_at == NOW + RETRY[-1]


def test_an_unsubscription_sends_no_secret_and_leaves_an_active_record_active() -> None:
    sub = _sub(state="active", requested_at=5.0)
    accepted, [form] = _ask(sub, "unsubscribe", httpx.Response(202))
    assert accepted and set(form) == {"hub.mode", "hub.topic", "hub.callback"}
    assert form["hub.mode"] == ["unsubscribe"]
    assert (sub.state, sub.requested_at) == ("active", 5.0)
    refused, _forms = _ask(sub, "unsubscribe", httpx.Response(400))
    assert not refused and sub.state == "active" and sub.attempts == 1
