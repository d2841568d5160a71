"""Slack: Block Kit messages through an incoming webhook or a Slack app's ``chat.postMessage``.

Two ways in. ``url:`` (or ``webhook_url:``) is an incoming webhook: no
threads, so a story update is a compact follow-up naming the story. ``token:``
(a bot token ``xoxb-...`` with the ``chat:write`` scope) plus ``channel:`` posts
through the Web API's ``chat.postMessage``; Slack answers the first alert's
``ts``, which the dispatcher keeps in the story ledger (with the outbox, so it
survives restarts in both modes) as ``<channel id>:<ts>``, and an update is a
reply in that thread (``thread_ts``). The Web API says "no" inside a 200
(``{"ok": false, "error": "channel_not_found"}``): each error is named with
what to do, never with the token; ``ratelimited`` comes as a 429 whose
Retry-After pauses the destination.

The messages themselves (Block Kit, every text escaped and cut to Slack's
limits) are built in slack_blocks.py.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator

from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.channel import SECRET_CONFIG
from pantau.streams.deliver.destinations.base import DestinationSettings
from pantau.streams.deliver.destinations.slack_blocks import slack_payload
from pantau.streams.deliver.transport import DeliveryClient, make_client, post, request

__all__ = ["SlackSettings", "SlackDestination", "thread_of", "DEFAULT_API"]

DEFAULT_API = "https://slack.com/api"
_TOKEN = re.compile(r"^xox[bpe]-[A-Za-z0-9-]{8,}$")
_CHANNEL = re.compile(r"^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{6,})$")


class SlackSettings(DestinationSettings):
    """``type: slack``: an incoming webhook (``url``), or a Slack app's bot token and a channel."""

    model_config = SECRET_CONFIG
    type: Literal["slack"] = "slack"
    url: str | None = Field(default=None, validation_alias=AliasChoices("url", "webhook_url"))
    """The incoming-webhook URL (``webhook_url:`` is the same setting)."""
    token: SecretStr | None = None
    """A Slack app's bot token (``xoxb-...``, scope ``chat:write``), best from ``${SLACK_BOT_TOKEN}``."""
    channel: str | None = None
    """Where the app posts: a channel id (``C0123ABCD``, best) or ``#name``."""
    api: str = DEFAULT_API
    """The Web API base URL (tests point it at a local server)."""
    masked = ("url",)

    @model_validator(mode="after")
    def _checked(self) -> SlackSettings:
        if self.token is None and self.channel is None:
            self.check(needs=("url",), urls=("url",), schemes=("http", "https"))
            return self
        if self.url is not None:
            raise ValueError(
                "a slack destination takes either url: (incoming webhook) or token: and channel: (Slack app), not both"
            )
        self.check(needs=("token", "channel"), urls=("api",), schemes=("http", "https"))
        if not _TOKEN.match(self.token.get_secret_value().strip() if self.token else ""):
            raise ValueError(
                "slack destination: token is not a Slack token (expected xoxb-... from the app's "
                "OAuth & Permissions page; the value is not shown)"
            )
        self.channel = (self.channel or "").strip()
        if not _CHANNEL.match(self.channel):
            raise ValueError(
                f"slack destination: channel {self.channel!r} is neither a channel id (C0123ABCD) nor a #name"
            )
        return self

    @property
    def app(self) -> bool:
        """True when posting through a Slack app (chat.postMessage), not an incoming webhook."""
        return self.token is not None


def thread_of(ref: str) -> tuple[str, str] | None:
    """(channel id, ts) of a first message's stored reference ``C0123:1700000000.000100``, else None."""
    channel, _, ts = ref.partition(":")
    return (channel, ts) if re.fullmatch(r"[CGD][A-Z0-9]+", channel) and re.fullmatch(r"\d+\.\d+", ts) else None


# The Web API's "ok": false errors: (retry?, what it means and what to do).
_ERRORS: dict[str, tuple[bool, str]] = {
    "channel_not_found": (False, "the channel does not exist or the app cannot see it: check channel: in pantau.yaml"),
    "not_in_channel": (False, "the app is not in the channel: invite it there (/invite @<app name>)"),
    "is_archived": (False, "the channel is archived: unarchive it or point channel: elsewhere"),
    "invalid_auth": (False, "Slack does not accept the token: check token: (xoxb-...) in pantau.yaml"),
    "not_authed": (False, "no token reached Slack: set token: in pantau.yaml"),
    "token_revoked": (False, "the token was revoked or the app removed: reinstall the app and update token:"),
    "token_expired": (False, "the token expired: reinstall the app and update token:"),
    "account_inactive": (False, "the token belongs to a deleted user or workspace: use a current bot token"),
    "missing_scope": (False, "the app lacks the chat:write scope: add it under OAuth & Permissions, reinstall"),
    "restricted_action": (False, "the workspace does not let the app post there: ask a Slack admin"),
    "msg_too_long": (False, "a pantau rendering bug: report it with the alert (pantau alerts dead shows it)"),
    "invalid_blocks": (False, "a pantau rendering bug: report it with the alert (pantau alerts dead shows it)"),
    "ratelimited": (True, "Slack rate-limits the app; pantau waits and retries"),
    "internal_error": (True, "a Slack-side error; pantau retries"),
    "fatal_error": (True, "a Slack-side error; pantau retries"),
    "service_unavailable": (True, "Slack is unavailable; pantau retries"),
    "request_timeout": (True, "Slack timed out; pantau retries"),
}
_SHOWN = "Slack Web API chat.postMessage"


class SlackDestination:
    """Posts alerts to Slack: an incoming webhook, or a channel through a Slack app (threads for updates)."""

    kind = "slack"

    def __init__(self, name: str, spec: SlackSettings, client: DeliveryClient | None = None) -> None:
        self.name = name
        self.spec = spec
        self.rate = spec.rate if spec.rate is not None else 1.0  # Slack: ~1 message/s per webhook / channel
        self._client = client or make_client(spec.timeout)
        self.last_ref: str | None = None
        """``<channel id>:<ts>`` of the last message an app posted (story updates thread under it)."""

    def payload(self, message: Message) -> dict[str, Any]:
        """The JSON body for this message (with ``channel`` and ``thread_ts`` for an app)."""
        if not self.spec.app:
            return slack_payload(message)
        update = message.alerts[0].update if message.kind == "update" else None
        thread = thread_of(update.reply_to) if update is not None else None
        body = {"channel": self.spec.channel, **slack_payload(message, threaded=thread is not None)}
        if thread is not None:
            body["channel"], body["thread_ts"] = thread
        return body

    async def send(self, message: Message) -> None:
        """Post one message; raises RetryableDelivery / PermanentDelivery (never naming the token)."""
        self.last_ref = None
        if not self.spec.app:
            body = json.dumps(slack_payload(message), ensure_ascii=False).encode("utf-8")
            await post(
                self._client, self.name, self.spec.url or "", body, {"Content-Type": "application/json; charset=utf-8"}
            )
            return
        answer = await self._post_message(self.payload(message))
        if not answer.get("ok"):
            self._refuse(str(answer.get("error") or "unknown_error"))
        channel, ts = answer.get("channel"), answer.get("ts")
        if isinstance(channel, str) and isinstance(ts, str):
            self.last_ref = f"{channel}:{ts}"

    async def _post_message(self, payload: dict[str, Any]) -> dict[str, Any]:
        token = self.spec.token.get_secret_value().strip() if self.spec.token else ""
        resp = await request(
            self._client,
            self.name,
            f"{self.spec.api.rstrip('/')}/chat.postMessage",
            json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            {"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {token}"},
            shown=_SHOWN,
        )
        try:
            answer = resp.json()
        except ValueError:
            raise RetryableDelivery(self.name, f"{_SHOWN} answered {resp.status_code} with no JSON") from None
        return answer if isinstance(answer, dict) else {}

    def _refuse(self, error: str) -> None:
        retry, hint = _ERRORS.get(error, (False, "see https://api.slack.com/methods/chat.postMessage#errors"))
        what = f"{_SHOWN} refused the message: {error}"
        if retry:
            raise RetryableDelivery(self.name, what, hint=hint)
        raise PermanentDelivery(self.name, what, hint=hint)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()
