"""Real local HTTP servers for end-to-end tests (fixtures in conftest.py).

``FeedServer`` serves bodies put at paths, with ETags (a 304 for a matching
``If-None-Match``, as real feeds do), and records requests; :func:`rss` builds
an RSS 2.0 body from :class:`Item` records. ``WebhookReceiver`` records every
POST (body and headers) and answers 200 unless told to fail first:
``fail(times=2, status=500)`` answers 500 twice, then 200;
``fail(times=1, status=429, retry_after=1)`` adds a Retry-After header.
Both are threaded ``http.server`` instances on 127.0.0.1 with a free port.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Item:
    """One RSS item for :func:`rss`."""

    title: str
    link: str
    description: str
    published: datetime = datetime(2026, 11, 17, 8, 0, tzinfo=timezone.utc)
    guid: str | None = None


def rss(title: str, items: list[Item], *, language: str = "id") -> bytes:
    """An RSS 2.0 document with the given channel title and items (UTF-8 bytes)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://feeds.example/</link>",
        f"<description>{escape(title)}</description><language>{language}</language>",
    ]
    for it in items:
        parts.append(
            f"<item><title>{escape(it.title)}</title><link>{escape(it.link)}</link>"
            f"<guid>{escape(it.guid or it.link)}</guid><pubDate>{format_datetime(it.published)}</pubDate>"
            f"<description>{escape(it.description)}</description></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


@dataclass(frozen=True)
class Request:
    """One request a test server saw."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""
    at: float = field(default_factory=time.monotonic)
    """When it arrived (``time.monotonic()``): benchmarks time alerts by it."""

    def json(self) -> object:
        """The body parsed as JSON."""
        return json.loads(self.body)


class _Server:
    """A threaded HTTP server on 127.0.0.1:<free port> running in a daemon thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # As real servers do: headers and body are two writes, and with Nagle's algorithm the body would
    # wait for the client's delayed ACK (40 ms a request on Linux keep-alive connections).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # keep pytest output clean; requests are recorded on the server instead

    def _request(self, body: bytes = b"") -> Request:
        return Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)


class FeedServer(_Server):
    """Serves feed bodies by path, with ETags; unknown paths are 404."""

    def __init__(self) -> None:
        self._bodies: dict[str, tuple[bytes, str]] = {}
        super().__init__(_FeedHandler)

    def put(self, path: str, body: bytes, content_type: str = "application/rss+xml; charset=utf-8") -> str:
        """Serve ``body`` at ``path`` (replacing what was there); returns its URL."""
        self._bodies[path] = (body, content_type)
        return self.url(path)

    def url(self, path: str) -> str:
        """The full URL of ``path`` on this server."""
        return self.base_url + path

    def body(self, path: str) -> tuple[bytes, str] | None:
        """The body and content type served at ``path``, if any."""
        return self._bodies.get(path)


class _FeedHandler(_Handler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        server: FeedServer = self.server.owner  # type: ignore[attr-defined]
        server._record(self._request())
        found = server.body(self.path)
        if found is None:
            return self._reply(404, b"not found\n", {"Content-Type": "text/plain"})
        body, ctype = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._reply(304, b"", {"ETag": etag})
        self._reply(200, body, {"Content-Type": ctype, "ETag": etag})

    do_HEAD = do_GET


@dataclass
class _Plan:
    status: int
    times: int
    headers: dict[str, str] = field(default_factory=dict)


class WebhookReceiver(_Server):
    """Records every POST; answers 200 unless a planned failure is pending."""

    def __init__(self, path: str = "/hook") -> None:
        self.path = path
        self._plans: list[_Plan] = []
        self._statuses: list[int] = []  # the status answered to each entry of ``requests``
        self._counted = 0  # requests whose alerts ``alert_count`` has counted
        self._alerts = 0
        super().__init__(_HookHandler)

    @property
    def url(self) -> str:
        """The URL to configure as the webhook destination."""
        return self.base_url + self.path

    @property
    def received(self) -> list[Request]:
        """POSTs answered with 2xx (what counts as delivered), in arrival order."""
        with self._lock:
            return [r for r, status in zip(self.requests, self._statuses, strict=True) if 200 <= status < 300]

    def fail(self, *, times: int, status: int = 500, retry_after: float | None = None) -> None:
        """Answer the next ``times`` POSTs with ``status`` (and Retry-After when given)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._lock:
            self._plans.append(_Plan(status, times, headers))

    def recover(self) -> None:
        """Drop every planned failure: answer 200 from now on."""
        with self._lock:
            self._plans.clear()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Request]:
        """Wait until ``count`` deliveries arrived (or ``timeout``); returns them all."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received

    def arrivals(self, key: Callable[[dict], str]) -> dict[str, float]:
        """When each alert first arrived (``time.monotonic()``), by ``key(alert)`` of the payload's alerts."""
        first: dict[str, float] = {}
        for request in self.received:
            for alert in request.json().get("alerts", []):  # type: ignore[union-attr]
                first.setdefault(key(alert), request.at)
        return first

    def alert_count(self) -> int:
        """How many alerts the delivered bodies carried so far (their ``alerts`` lists); each body is read once."""
        with self._lock:
            fresh = list(zip(self.requests[self._counted :], self._statuses[self._counted :], strict=True))
            self._counted += len(fresh)
        counted = sum(len(r.json().get("alerts", [])) for r, status in fresh if 200 <= status < 300)  # type: ignore[union-attr]
        with self._lock:
            self._alerts += counted
            return self._alerts

    def _next_answer(self) -> _Plan:
        with self._lock:
            while self._plans and self._plans[0].times <= 0:
                self._plans.pop(0)
            if not self._plans:
                return _Plan(200, 1)
            self._plans[0].times -= 1
            return self._plans[0]


class _HookHandler(_Handler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        server: WebhookReceiver = self.server.owner  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        plan = server._next_answer()
        with server._lock:
            server.requests.append(self._request(body))
            server._statuses.append(plan.status)
        self._reply(plan.status, b"{}" if plan.status < 300 else b"try later", plan.headers)
