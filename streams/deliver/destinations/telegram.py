"""Telegram: Bot API ``sendMessage`` in MarkdownV2, cut to 4,096 characters, 429 ``retry_after`` honoured.

Every piece of article text is escaped for MarkdownV2 (the 18 reserved
characters get a backslash; in a link's URL only ``)`` and ``\\``), so a
headline can neither break the message ("can't parse entities") nor add
formatting; ``@username`` in article text is defused. The Bot API counts the
4,096 characters after parsing, in UTF-16 units; we measure the unparsed text
(always longer) and shorten the snippet, then titles, then digest lines until
it fits. A 429 carries ``parameters.retry_after`` in its JSON body, which
pauses the destination that long. The token is part of the request path:
errors name "Telegram Bot API", never the URL.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

import httpx
from pydantic import BeforeValidator, SecretStr, model_validator

from pantau.core.errors import PermanentDelivery
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.channel import SECRET_CONFIG, defuse_mentions
from pantau.streams.deliver.destinations.base import DestinationSettings
from pantau.streams.deliver.events import event_view
from pantau.streams.deliver.render import AlertView, Segment, shorten, view
from pantau.streams.deliver.transport import DeliveryClient, make_client, request

__all__ = ["TelegramSettings", "TelegramDestination", "telegram_text", "md2", "md2_url", "utf16_len", "LIMIT"]

LIMIT = 4096
DEFAULT_API = "https://api.telegram.org"
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_CHAT = re.compile(r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,})$")
_RESERVED = re.compile(r"([_*\[\]()~`>#+\-=|{}.!\\])")


class TelegramSettings(DestinationSettings):
    """``type: telegram``: a bot token, a chat id, optionally a forum topic and a Bot API server."""

    model_config = SECRET_CONFIG
    type: Literal["telegram"] = "telegram"
    token: SecretStr | None = None
    """The bot token (``123456:ABC...`` from @BotFather), best from ``${TELEGRAM_BOT_TOKEN}``."""
    chat_id: Annotated[str | None, BeforeValidator(lambda v: None if v is None else str(v).strip())] = None
    """The chat, group or channel: ``-1001234567890`` or ``@channelname``."""
    thread_id: int | None = None
    """The forum topic to post in (message_thread_id)."""
    api: str = DEFAULT_API
    """The Bot API base URL (a local Bot API server works too)."""

    @model_validator(mode="after")
    def _checked(self) -> TelegramSettings:
        self.check(needs=("token", "chat_id"))
        token = self.token.get_secret_value().strip() if self.token else ""
        if not _TOKEN.match(token):
            raise ValueError(
                "telegram destination: token is not a bot token "
                "(expected digits, a colon and ~35 characters, as @BotFather gives it)"
            )
        if not _CHAT.match(self.chat_id or ""):
            raise ValueError(
                "telegram destination: chat_id must be a number such as -1001234567890 "
                "or a channel name such as @pantau_desk"
            )
        if not re.match(r"^https?://[^/\s]+", self.api):
            raise ValueError("telegram destination: api must be an http(s) base URL such as https://api.telegram.org")
        self.token = SecretStr(token)
        self.api = self.api.rstrip("/")
        return self


def md2(text: str) -> str:
    """Escape text for Telegram MarkdownV2 (every reserved character gets a backslash)."""
    return _RESERVED.sub(r"\\\1", text)


def md2_url(url: str) -> str:
    """Escape a URL inside a MarkdownV2 link's parentheses (only ``\\`` and ``)``)."""
    return url.replace("\\", "\\\\").replace(")", "\\)")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


def _safe(text: str) -> str:
    return md2(defuse_mentions(text))


def _snippet(segments: tuple[Segment, ...]) -> str:
    return "".join(f"*{_safe(s.text)}*" if s.marked else _safe(s.text) for s in segments)


def _alert_text(v: AlertView, title_chars: int, with_snippet: bool) -> str:
    rule = ", ".join(v.rules) + (f" ({v.severity})" if v.severity else "")
    lines = [
        f"🔔 *{_safe(shorten(v.title, title_chars))}*",
        _safe(" · ".join(p for p in (v.outlet, v.published) if p)),
        _safe(f"{', '.join(v.topics)} · {rule}"),
    ]
    if with_snippet and v.snippet:
        lines += ["", _snippet(v.snippet)]
    lines += ["", f"[{md2('Open the article')}]({md2_url(v.url)})"]
    if v.feedback is not None:
        lines.append(
            f"[{md2('Relevant')}]({md2_url(v.feedback.relevant)}) · "
            f"[{md2('Not relevant')}]({md2_url(v.feedback.not_relevant)})"
        )
    return "\n".join(lines)


def _digest_text(message: Message, views: list[AlertView], title_chars: int) -> str:
    word = "Alert storm" if message.kind == "storm" else "Digest"
    head = f"*{md2(f'{word}: {len(views)} alerts')}* {md2(f'({message.route})')}"
    lines = [head, ""]
    used = utf16_len(head) + 1
    for i, v in enumerate(views):
        line = f"• [{_safe(shorten(v.title, title_chars))}]({md2_url(v.url)}) — {_safe(v.outlet)}"
        tail = f"\n{md2(f'… and {len(views) - i} more')}"
        if used + utf16_len(line) + 1 + utf16_len(tail) > LIMIT:
            lines.append(tail.strip())
            break
        lines.append(line)
        used += utf16_len(line) + 1
    return "\n".join(lines)


def _event_text(message: Message) -> str:
    parts = []
    for a in message.alerts:
        if a.event is None:
            continue
        v = event_view(a.event, a.key)
        parts.append(f"*{md2(shorten(v.title, 200))}*\n{md2(shorten(v.message, 1500))}")
        parts += [f"_{md2(label)}_: {md2(shorten(value, 300))}" for label, value in v.details]
        parts.append(md2(f"{v.kind} · {v.severity} · since {v.at} · pantau ops"))
    return "\n".join(parts)


def _update_text(message: Message) -> str:
    update = message.alerts[0].update
    assert update is not None
    lines = [f"↳ *{_safe(update.summary())}*", _safe(shorten(update.title, 200)), ""]
    for item in update.items:
        line = f"• [{_safe(shorten(item.title, 200))}]({md2_url(item.url)}) — {_safe(item.outlet)}"
        if utf16_len("\n".join(lines + [line])) > LIMIT - 40:
            lines.append(md2("…"))
            break
        lines.append(line)
    return "\n".join(lines)


def telegram_text(message: Message) -> str:
    """The MarkdownV2 text for this message, within Telegram's 4,096 characters."""
    if message.kind == "ops_event":
        return _event_text(message)[: LIMIT - 1]
    if message.kind == "update":
        return _update_text(message)
    views = [view(a, snippet_chars=1200 if message.kind == "alert" else 0) for a in message.alerts]
    for title_chars, with_snippet in ((300, True), (300, False), (120, False), (60, False)):
        if message.kind == "alert" and len(views) == 1:
            text = _alert_text(views[0], title_chars, with_snippet)
        else:
            text = _digest_text(message, views, title_chars)
        if utf16_len(text) <= LIMIT:
            return text
    # Only an absurd URL gets here: drop the link rather than fail the alert.
    return md2(shorten(f"{views[0].title} {views[0].url}", LIMIT // 2))


def _telegram_answer(resp: httpx.Response) -> tuple[int, str, float | None]:
    """The Bot API's own status, description and ``parameters.retry_after`` (JSON body)."""
    try:
        data = resp.json()
    except ValueError:
        return resp.status_code, " ".join(resp.text[:200].split()), None
    if not isinstance(data, dict):
        return resp.status_code, "", None
    if data.get("ok") is True:
        return resp.status_code, "", None
    status = int(data.get("error_code") or resp.status_code)
    params = data.get("parameters") or {}
    retry_after = params.get("retry_after") if isinstance(params, dict) else None
    return (
        (status if status >= 300 else 502),
        str(data.get("description", ""))[:300],
        float(retry_after) if isinstance(retry_after, (int, float)) else None,
    )


class TelegramDestination:
    """Sends alerts to one Telegram chat through a bot."""

    kind = "telegram"

    def __init__(self, name: str, spec: TelegramSettings, client: DeliveryClient | None = None) -> None:
        self.name = name
        self.spec = spec
        self.settings = spec
        # Telegram allows ~1 message/s per chat and 20/min per group: stay under the group limit by default.
        self.rate = spec.rate if spec.rate is not None else 0.3
        self._client = client or make_client(spec.timeout)
        self.last_ref: str | None = None
        """The message_id of the last message sent (story updates reply to it)."""

    @property
    def _url(self) -> str:
        token = self.settings.token
        if token is None:  # TelegramSettings' validator requires one; settings built around it have none
            hint = "set token: ${TELEGRAM_BOT_TOKEN}"
            raise PermanentDelivery(self.name, "telegram destination has no bot token", hint=hint, disable=True)
        return f"{self.settings.api}/bot{token.get_secret_value()}/sendMessage"

    def payload(self, message: Message) -> dict[str, Any]:
        """The sendMessage JSON for this message."""
        body: dict[str, Any] = {
            "chat_id": self.settings.chat_id,
            "text": telegram_text(message),
            "parse_mode": "MarkdownV2",
            "link_preview_options": {"is_disabled": True},
        }
        if self.settings.thread_id is not None:
            body["message_thread_id"] = self.settings.thread_id
        update = message.alerts[0].update if message.kind == "update" else None
        if update is not None and update.reply_to.isdigit():
            # In the first alert's thread; still sent if that message was deleted meanwhile.
            body["reply_parameters"] = {"message_id": int(update.reply_to), "allow_sending_without_reply": True}
        return body

    async def send(self, message: Message) -> None:
        """Post one message; raises RetryableDelivery / PermanentDelivery naming the Bot API, never the token."""
        body = json.dumps(self.payload(message), ensure_ascii=False).encode("utf-8")
        try:
            resp = await request(
                self._client,
                self.name,
                self._url,
                body,
                {"Content-Type": "application/json; charset=utf-8"},
                shown="Telegram Bot API",
                answer=_telegram_answer,
            )
        except PermanentDelivery as exc:
            if "can't parse entities" in exc.message:
                exc.hint = "a pantau escaping bug: report it with the alert (pantau alerts dead shows it)"
            elif "chat not found" in exc.message or "bot was" in exc.message:
                exc.hint = "check chat_id and that the bot is a member of the chat"
            raise
        result = resp.json().get("result") or {}
        message_id = result.get("message_id") if isinstance(result, dict) else None
        self.last_ref = str(message_id) if message_id is not None else None

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()
