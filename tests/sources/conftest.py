"""A real HTTP server on 127.0.0.1 for the sources tests, and feed builders.

Each test gets its own threaded ``http.server`` with a route table, so a
handler can misbehave (trickle, loop, lie about its charset) on purpose.
"""

from __future__ import annotations

import http.server
import ssl
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate

import pytest

from pantau.core.config import NetworkConfig

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


def rss(
    items: list[dict] | int,
    *,
    title: str = "Feed",
    language: str | None = "id",
    encoding: str = "utf-8",
    extra_ns: str = "",
) -> str:
    """A small RSS 2.0 document; ``items`` are dicts of title/link/description/pubDate/guid/author."""
    if isinstance(items, int):
        items = [{"title": f"Berita {i}", "link": f"https://news.example.id/{i}"} for i in range(items)]
    parts = []
    for item in items:
        fields = "".join(f"<{k}>{v}</{k}>" for k, v in item.items())
        parts.append(f"<item>{fields}</item>")
    lang = f"<language>{language}</language>" if language else ""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"{extra_ns}><channel>'
        f"<title>{title}</title><link>https://news.example.id/</link>{lang}{''.join(parts)}"
        "</channel></rss>"
    )


@dataclass
class FeedServer:
    """Routes paths to handlers; records every request's path and headers."""

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        """How many requests reached ``path``."""
        return sum(1 for p, _ in self.requests if p == path)

    def route(self, path: str, handler: Handler) -> str:
        """Serve ``path`` with ``handler``; returns its URL."""
        self.routes[path] = handler
        return self.url(path)

    def feed(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: str | None = None,
        last_modified: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve a fixed body, answering 304 to a matching If-None-Match / If-Modified-Since."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        stamp = formatdate(last_modified, usegmt=True) if last_modified else None

        def handler(req: http.server.BaseHTTPRequestHandler) -> None:
            if (etag and req.headers.get("If-None-Match") == etag) or (
                stamp and not etag and req.headers.get("If-Modified-Since") == stamp
            ):
                req.send_response(304)
                req.end_headers()
                return
            req.send_response(status)
            req.send_header("Content-Type", content_type)
            req.send_header("Content-Length", str(len(data)))
            if etag:
                req.send_header("ETag", etag)
            if stamp:
                req.send_header("Last-Modified", stamp)
            for k, v in (headers or {}).items():
                req.send_header(k, v)
            req.end_headers()
            req.wfile.write(data)

        return self.route(path, handler)

    def status(self, path: str, code: int, headers: dict[str, str] | None = None) -> str:
        """Answer ``path`` with a bare status code and headers."""

        def handler(req: http.server.BaseHTTPRequestHandler) -> None:
            req.send_response(code)
            for k, v in (headers or {}).items():
                req.send_header(k, v)
            req.send_header("Content-Length", "0")
            req.end_headers()

        return self.route(path, handler)


def _handler_class(server: FeedServer):
    class RequestHandler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            server.requests.append((self.path, dict(self.headers.items())))
            handler = server.routes.get(self.path)
            if handler is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            try:
                handler(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should on hostile answers

        def log_message(self, *args) -> None:
            pass

    return RequestHandler


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address) -> None:
        # Clients hanging up on hostile answers is the expected outcome, not a test failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def running_server(ssl_context: ssl.SSLContext | None = None):
    """A threaded HTTP(S) server on 127.0.0.1 for the duration of the block."""
    server = FeedServer()
    httpd = _QuietServer(("127.0.0.1", 0), _handler_class(server))
    if ssl_context is not None:
        httpd.socket = ssl_context.wrap_socket(httpd.socket, server_side=True)
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def feed_server():
    """A fresh threaded HTTP server on 127.0.0.1 (stopped after the test)."""
    with running_server() as server:
        yield server


@pytest.fixture
def local_network() -> NetworkConfig:
    """Limits for tests: private addresses allowed (the server is on 127.0.0.1), short deadlines."""
    return NetworkConfig(
        allow_private=True,
        connect_timeout=2,
        read_timeout=2,
        total_timeout=5,
        max_bytes=10 * 1024 * 1024,
        per_host=4,
        concurrency=8,
    )


def trickle(req: http.server.BaseHTTPRequestHandler, *, every: float = 0.5, limit: int = 600) -> None:
    """A handler body that sends a valid start of a feed one byte at a time."""
    req.send_response(200)
    req.send_header("Content-Type", "application/rss+xml")
    req.end_headers()
    for byte in (b"<?xml version='1.0'?><rss version='2.0'><channel>" + b" " * limit)[:limit]:
        req.wfile.write(bytes([byte]))
        req.wfile.flush()
        time.sleep(every)
