"""Local HTTP servers that speak the real API shapes of Telegram's Bot API and Microsoft Teams webhooks.

``TelegramBotApi`` serves ``POST /bot<token>/sendMessage`` like the Bot API:
it checks the token, the chat, parses MarkdownV2 the way Telegram does
(a reserved character that is not escaped is "Bad Request: can't parse
entities"), counts the 4,096-character limit after parsing, in UTF-16 units,
and answers ``{"ok": true, "result": {"message_id": N, ...}}``; ``throttle()``
answers 429 with ``parameters.retry_after`` as Telegram does.
``TeamsWebhook`` takes a message with one Adaptive Card attachment and
answers as the legacy connector (200, body ``1``) or as Workflows (202);
``throttle_legacy()`` answers 200 with the connector's embedded error text.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RESERVED = set("_*[]()~`>#+-=|{}.!")


class EntityError(ValueError):
    """Telegram's "can't parse entities" answer."""


def parse_markdown_v2(text: str) -> tuple[str, list[tuple]]:
    """The plain text and entities of a MarkdownV2 message, or EntityError as Telegram words it."""
    out: list[str] = []
    entities: list[tuple] = []
    stack: list[tuple[str, int]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text):
                raise EntityError("can't parse entities: Character '\\' at the end of the text")
            out.append(text[i + 1])
            i += 2
            continue
        tok = "__" if text.startswith("__", i) else "||" if text.startswith("||", i) else c
        if tok in ("*", "_", "__", "~", "||"):
            if stack and stack[-1][0] == tok:
                start = stack.pop()[1]
                entities.append((tok, start, len(out)))
            else:
                stack.append((tok, len(out)))
            i += len(tok)
            continue
        if c == "[":
            stack.append(("[", len(out)))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            if not text.startswith("(", i + 1):
                raise EntityError(
                    "can't parse entities: Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            j, url = i + 2, []
            while j < len(text) and text[j] != ")":
                if text[j] == "\\":
                    url.append(text[j + 1])
                    j += 2
                    continue
                url.append(text[j])
                j += 1
            if j >= len(text):
                raise EntityError("can't parse entities: Can't find end of a url")
            start = stack.pop()[1]
            entities.append(("text_link", start, len(out), "".join(url)))
            i = j + 1
            continue
        if c == "`":
            j = text.find("`", i + 1)
            if j < 0:
                raise EntityError("can't parse entities: Can't find end of Code entity")
            out.extend(text[i + 1 : j])
            i = j + 1
            continue
        if c in RESERVED:
            raise EntityError(
                f"can't parse entities: Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(c)
        i += 1
    if stack:
        raise EntityError(f"can't parse entities: Can't find end of the entity starting at byte offset {stack[-1][1]}")
    return "".join(out), entities


@dataclass
class SentMessage:
    """One message the fake Bot API accepted."""

    message_id: int
    chat_id: str
    raw: dict
    plain: str
    entities: list = field(default_factory=list)


class _Base:
    def __init__(self, handler) -> None:
        ThreadingHTTPServer.allow_reuse_address = True
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.seen: list[tuple[float, int, dict | None]] = []  # (time, status answered, body)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _answer(self, status: int, body: bytes, ctype: str = "application/json", headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TelegramBotApi(_Base):
    """The Bot API's sendMessage for one bot token and a set of chats."""

    def __init__(self, token: str, chats: set[str]) -> None:
        self.token = token
        self.chats = chats
        self.messages: list[SentMessage] = []
        self._throttle: list[int] = []
        super().__init__(_TelegramHandler)

    def throttle(self, retry_after: int, times: int = 1) -> None:
        """Answer the next ``times`` sendMessage calls with 429 and ``parameters.retry_after``."""
        self._throttle += [retry_after] * times

    def _handle(self, path: str, data: dict) -> tuple[int, dict]:
        m = re.fullmatch(r"/bot([^/]+)/sendMessage", path)
        if not m or m.group(1) != self.token:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        with self.lock:
            if self._throttle:
                wait = self._throttle.pop(0)
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {wait}",
                    "parameters": {"retry_after": wait},
                }
        if str(data.get("chat_id")) not in self.chats:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        text = data.get("text") or ""
        try:
            plain, entities = parse_markdown_v2(text) if data.get("parse_mode") == "MarkdownV2" else (text, [])
        except EntityError as exc:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        if not plain.strip():
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
        if len(plain.encode("utf-16-le")) // 2 > 4096:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        with self.lock:
            msg = SentMessage(len(self.messages) + 1, str(data["chat_id"]), data, plain, entities)
            self.messages.append(msg)
        return 200, {
            "ok": True,
            "result": {
                "message_id": msg.message_id,
                "date": int(time.time()),
                "chat": {"id": data["chat_id"], "type": "supergroup"},
                "text": plain,
            },
        }


class _TelegramHandler(_Handler):
    def do_POST(self) -> None:  # noqa: N802
        server: TelegramBotApi = self.server.owner  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            data = json.loads(raw)
        except ValueError:
            data = {}
        status, answer = server._handle(self.path, data)
        with server.lock:
            server.seen.append((time.time(), status, data))
        self._answer(status, json.dumps(answer).encode())


KNOWN_ELEMENTS = {"TextBlock", "FactSet", "Container", "ColumnSet", "Column", "Image", "ActionSet", "RichTextBlock"}


def check_adaptive_card_message(data: dict) -> dict:
    """The card of a Teams webhook message, or AssertionError naming what Teams would refuse."""
    assert data.get("type") == "message", "type must be message"
    (att,) = data["attachments"]
    assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = att["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] in ("1.0", "1.2", "1.3", "1.4", "1.5")

    def walk(elements):
        for el in elements:
            assert el.get("type") in KNOWN_ELEMENTS, el.get("type")
            if el["type"] == "TextBlock":
                assert isinstance(el["text"], str) and el["text"], el
            if el["type"] == "FactSet":
                assert all(isinstance(f["title"], str) and isinstance(f["value"], str) for f in el["facts"])
            walk(el.get("items", []))

    walk(card["body"])
    for action in card.get("actions", []):
        assert action["type"] == "Action.OpenUrl" and action["url"].startswith("http")
    return card


class TeamsWebhook(_Base):
    """A Teams incoming webhook (``mode="legacy"``: 200 ``1``) or Workflows trigger (``mode="workflows"``: 202)."""

    def __init__(self, mode: str = "legacy") -> None:
        self.mode = mode
        self.cards: list[dict] = []
        self._plans: list[tuple[str, int]] = []
        super().__init__(_TeamsHandler)

    @property
    def url(self) -> str:
        return f"{self.base_url}/webhookb2/4c1f-secret-path@tenant/IncomingWebhook/abcdef/0123"

    def throttle(self, retry_after: int) -> None:
        """Answer the next post with 429 and a Retry-After header."""
        self._plans.append(("429", retry_after))

    def throttle_legacy(self) -> None:
        """Answer the next post as the legacy connector does when Teams throttles: 200 with the error inside."""
        self._plans.append(("embedded", 0))

    def _handle(self, path: str, headers, raw: bytes) -> tuple[int, bytes, dict]:
        if not path.startswith("/webhookb2/"):
            return 404, b"", {}
        with self.lock:
            plan = self._plans.pop(0) if self._plans else None
        if plan and plan[0] == "429":
            return 429, b"", {"Retry-After": str(plan[1])}
        if plan and plan[0] == "embedded":
            return (
                200,
                b"Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 "
                b"with ContextId tcid=0,server=msgapi-production-eus-azsc1-4-170,cv=deadbeef.0..",
                {},
            )
        if len(raw) > 28 * 1024:
            return (
                413,
                b"Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413",
                {},
            )
        if not headers.get("Content-Type", "").startswith("application/json"):
            return 400, b"Bad payload received by generic incoming webhook.", {}
        try:
            card = check_adaptive_card_message(json.loads(raw))
        except (AssertionError, KeyError, ValueError, TypeError):
            return 400, b"Bad payload received by generic incoming webhook.", {}
        with self.lock:
            self.cards.append(card)
        return (202, b"", {}) if self.mode == "workflows" else (200, b"1", {})


class _TeamsHandler(_Handler):
    def do_POST(self) -> None:  # noqa: N802
        server: TeamsWebhook = self.server.owner  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, body, headers = server._handle(self.path, self.headers, raw)
        with server.lock:
            server.seen.append((time.time(), status, None))
        self._answer(status, body, "text/plain", headers)


@dataclass
class SlackPost:
    """One message the fake Slack Web API accepted."""

    channel: str
    ts: str
    thread_ts: str | None
    raw: dict


class SlackWebApi(_Base):
    """Slack's ``chat.postMessage`` for one bot token and named channels, answering as the Web API does.

    Bearer token in the Authorization header (``not_authed`` / ``invalid_auth`` in a 200 otherwise), a
    JSON body, ``channel`` as an id or ``#name`` (``channel_not_found``), ``thread_ts`` only of a message
    posted before in that channel (``thread_not_found``); ``{"ok": true, "channel": <id>, "ts": ...}``.
    ``throttle(n)`` answers 429 with Retry-After and ``ratelimited``; ``refuse(error)`` one ``ok: false``.
    """

    def __init__(self, token: str, channels: dict[str, str]) -> None:
        self.token = token
        self.channels = channels  # "#name" -> id
        self.posts: list[SlackPost] = []
        self._plans: list[tuple[str, int]] = []
        self._clock = 1_700_000_000
        super().__init__(_SlackHandler)

    @property
    def api(self) -> str:
        return f"{self.base_url}/api"

    def throttle(self, retry_after: int) -> None:
        self._plans.append(("ratelimited", retry_after))

    def refuse(self, error: str) -> None:
        self._plans.append((error, 0))

    def replies(self, ts: str) -> list[SlackPost]:
        return [p for p in self.posts if p.thread_ts == ts]

    def _handle(self, path: str, headers, raw: bytes) -> tuple[int, dict, dict]:
        if path != "/api/chat.postMessage":
            return 404, {"ok": False, "error": "unknown_method"}, {}
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            return 200, {"ok": False, "error": "not_authed"}, {}
        if auth.removeprefix("Bearer ") != self.token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        with self.lock:
            plan = self._plans.pop(0) if self._plans else None
        if plan is not None and plan[0] == "ratelimited":
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(plan[1])}
        if plan is not None:
            return 200, {"ok": False, "error": plan[0]}, {}
        if not (headers.get("Content-Type") or "").startswith("application/json"):
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        try:
            data = json.loads(raw)
        except ValueError:
            return 200, {"ok": False, "error": "invalid_json"}, {}
        channel = str(data.get("channel") or "")
        channel = self.channels.get(channel, channel)
        if channel not in self.channels.values():
            return 200, {"ok": False, "error": "channel_not_found"}, {}
        if not data.get("text") and not data.get("blocks"):
            return 200, {"ok": False, "error": "no_text"}, {}
        thread = data.get("thread_ts")
        with self.lock:
            if thread is not None and not any(p.ts == thread and p.channel == channel for p in self.posts):
                return 200, {"ok": False, "error": "thread_not_found"}, {}
            self._clock += 1
            post = SlackPost(channel, f"{self._clock}.000100", thread, data)
            self.posts.append(post)
        message = {"type": "message", "text": data.get("text", ""), "ts": post.ts}
        if thread is not None:
            message["thread_ts"] = thread
        return 200, {"ok": True, "channel": channel, "ts": post.ts, "message": message}, {}


class _SlackHandler(_Handler):
    def do_POST(self) -> None:  # noqa: N802
        server: SlackWebApi = self.server.owner  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, answer, headers = server._handle(self.path, self.headers, raw)
        with server.lock:
            server.seen.append((time.time(), status, None))
        self._answer(status, json.dumps(answer).encode(), headers=headers)
