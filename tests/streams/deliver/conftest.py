"""Fixtures for delivery tests: classified stories, real HTTP and SMTP receivers."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import msgspec
import pytest

from pantau.core.article import Article, article_id
from pantau.streams.classify import Classified, Hit, Match


def make_classified(
    title: str = "Menteri luar negeri ASEAN bertemu di Jakarta membahas Laut Cina Selatan",
    *,
    url: str | None = None,
    topic: str = "asean",
    rule: str = "asean-diplomacy",
    terms: tuple[str, ...] = ("ASEAN", "Laut Cina Selatan"),
    severity: str = "medium",
    tags: tuple[str, ...] = ("diplomacy",),
    feed: str = "https://kabar.example/rss",
    feed_name: str = "Kabar Contoh",
    language: str = "id",
    summary: str = "Para menteri ASEAN membahas kode etik di Laut Cina Selatan dalam pertemuan dua hari.",
    extra: tuple[Match, ...] = (),
    fetched: datetime | None = None,
) -> Classified:
    """A classified article built from hand-written text (never copied from seeds)."""
    url = url or f"https://kabar.example/berita/{abs(hash(title)) % 10**8}"
    article = Article(
        id=article_id(url),
        url=url,
        title=title,
        summary=summary,
        published=datetime(2026, 11, 22, 8, 15, tzinfo=timezone.utc),
        fetched=fetched or datetime.now(timezone.utc) - timedelta(seconds=3),
        feed=feed,
        feed_name=feed_name,
        language=language,
    )
    hits = []
    for term in terms:
        pos = summary.lower().find(term.lower())
        if pos >= 0:
            hits.append(
                Hit(
                    term=term.lower(),
                    field="summary",
                    start=pos,
                    end=pos + len(term),
                    text=summary[pos : pos + len(term)],
                )
            )
    match = Match(
        rule=rule,
        topic=topic,
        score=1.0 + len(hits),
        severity=severity,
        tags=tags,
        hits=tuple(hits),
        snippet=summary,
        ruleset_version="rs-test-1",
    )
    return Classified(article=article, matches=(match, *extra), ruleset_version="rs-test-1")


@pytest.fixture
def classified() -> Callable[..., Classified]:
    """Factory for classified articles (see make_classified)."""
    return make_classified


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unused_port() -> int:
    """A port nothing listens on: an unreachable receiver or mail server."""
    return free_port()


class Received(msgspec.Struct):
    """One request a receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self):
        return json.loads(self.body)


class Receiver:
    """A real HTTP server on 127.0.0.1 answering from a script, recording every request.

    ``script`` holds (status, headers) answers used in order; after it runs out,
    every request gets 200. ``stop()``/``start()`` take it down and back up on
    the same port (a receiver that is down for a while).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.script: list[tuple[int, dict[str, str]]] = []
        self.requests: list[Received] = []
        self.failures: list[Received] = []
        self.delay = 0.0
        """Seconds to stall before answering (a slow receiver)."""
        self.answered: list[float] = []
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver._lock:
                    status, headers = receiver.script.pop(0) if receiver.script else (200, {})
                    if status < 300:
                        receiver.requests.append(Received(self.path, dict(self.headers.items()), body, time.time()))
                    else:
                        receiver.failures.append(Received(self.path, dict(self.headers.items()), body, time.time()))
                time.sleep(receiver.delay)
                receiver.answered.append(time.time())
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                payload = b"ok" if status < 300 else b"nope"
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def receiver():
    """A running HTTP receiver, stopped after the test."""
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def make_receiver():
    """Factory for extra receivers (not started), all stopped after the test."""
    made: list[Receiver] = []

    def make() -> Receiver:
        r = Receiver()
        made.append(r)
        return r

    yield make
    for r in made:
        r.stop()


@pytest.fixture
def send() -> Callable[..., None]:
    """``send(destination, *messages)``: each message through the destination in turn, then it is closed."""

    def run(destination: Any, *messages: Any) -> None:
        async def go() -> None:
            try:
                for message in messages:
                    await destination.send(message)
            finally:
                await destination.aclose()  # as the dispatcher does: no client left open

        asyncio.run(go())

    return run


class Mailbox:
    """An aiosmtpd handler keeping every message with the session facts (TLS, login)."""

    def __init__(self) -> None:
        self.messages: list[tuple[bytes, bool, object]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.messages.append((envelope.original_content or envelope.content, tls, session.auth_data))
        return "250 OK"


@pytest.fixture(scope="session")
def tls_ca():
    """A throwaway certificate authority and a server certificate for 127.0.0.1 (trustme)."""
    import trustme

    ca = trustme.CA()
    return ca, ca.issue_cert("127.0.0.1", "localhost")


@pytest.fixture
def smtp_server(tls_ca, tmp_path):
    """Factory: start a real SMTP server (STARTTLS, implicit TLS or plain; optional login)."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ca, cert = tls_ca
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    started: list[Controller] = []

    def start(*, mode: str = "starttls", users: dict[str, str] | None = None):
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(server_ctx)
        box = Mailbox()

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and users is not None
                and users.get(auth_data.login.decode()) == auth_data.password.decode()
            )
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        kwargs = {"hostname": "127.0.0.1", "port": free_port()}
        if users is not None:
            kwargs.update(authenticator=authenticate, auth_required=True, auth_require_tls=mode == "starttls")
        if mode == "starttls":
            kwargs.update(tls_context=server_ctx, require_starttls=True)
        elif mode == "implicit":
            kwargs.update(ssl_context=server_ctx)
        controller = Controller(box, **kwargs)
        controller.start()
        started.append(controller)
        box.port = kwargs["port"]
        box.ca_file = ca_file
        return box

    yield start
    for c in started:
        c.stop()
