"""A small but real WebSub hub (W3C WebSub, section 5-7) for the tests: subscribe, verify, distribute.

``LocalHub().url`` takes (un)subscription requests as a hub does: 202 at once, then a GET to the
subscriber's callback with a random ``hub.challenge`` that must come back verbatim before the
subscription counts. ``publish(topic, body)`` POSTs content to every live subscriber of the topic,
signed ``X-Hub-Signature: sha256=HMAC(hub.secret, body)``. The test controls the lease it grants
(``lease``), can make it refuse requests (``refuse``), and can post forged content (``forge``).
``with_hub(body, hub, topic)`` makes an RSS document advertise the hub.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["LocalHub", "HubSubscription", "with_hub"]


@dataclass
class HubSubscription:
    callback: str
    topic: str
    secret: str
    expires: float


@dataclass
class LocalHub:
    lease: float = 3600.0
    """Lease granted to every subscription (seconds), whatever the subscriber asked for."""
    refuse: bool = False
    """Answer subscription requests with 503 (a hub that has gone away)."""
    requests: list[dict[str, str]] = field(default_factory=list)
    verifications: list[tuple[str, str, bool]] = field(default_factory=list)
    """(mode, callback, verified) of every verification of intent the hub made."""
    subscriptions: dict[str, HubSubscription] = field(default_factory=dict)

    def __post_init__(self) -> None:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
                hub.requests.append(form)
                if hub.refuse:
                    self._answer(503)
                    return
                if form.get("hub.mode") not in ("subscribe", "unsubscribe") or not form.get("hub.callback"):
                    self._answer(400)
                    return
                self._answer(202)
                # Verification of intent happens after the 202, as hubs do it: asynchronously.
                threading.Thread(target=hub._verify, args=(form,), daemon=True).start()

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def _verify(self, form: dict[str, str]) -> None:
        mode, callback, topic = form["hub.mode"], form["hub.callback"], form["hub.topic"]
        challenge = secrets.token_hex(16)
        query = urllib.parse.urlencode(
            {
                "hub.mode": mode,
                "hub.topic": topic,
                "hub.challenge": challenge,
                "hub.lease_seconds": str(int(self.lease)),
            }
        )
        try:
            with urllib.request.urlopen(f"{callback}?{query}", timeout=5) as resp:
                ok = resp.status == 200 and resp.read().decode() == challenge
        except (urllib.error.URLError, OSError):
            ok = False
        self.verifications.append((mode, callback, ok))
        if not ok:
            return
        if mode == "subscribe":
            self.subscriptions[callback] = HubSubscription(
                callback, topic, form.get("hub.secret", ""), time.time() + self.lease
            )
        else:
            self.subscriptions.pop(callback, None)

    def live(self, topic: str | None = None) -> list[HubSubscription]:
        """Subscriptions whose lease runs (of ``topic`` if given)."""
        now = time.time()
        return [s for s in self.subscriptions.values() if s.expires > now and (topic is None or s.topic == topic)]

    def publish(self, topic: str, body: bytes, content_type: str = "application/rss+xml") -> list[int]:
        """Distribute content to the topic's live subscribers, signed; their HTTP statuses."""
        return [self.post(s.callback, body, _sign(s.secret, body), content_type) for s in self.live(topic)]

    def forge(self, callback: str, body: bytes, content_type: str = "application/rss+xml") -> int:
        """Content for ``callback`` signed with a key that is not the subscriber's secret."""
        return self.post(callback, body, _sign("not-the-secret", body), content_type)

    @staticmethod
    def post(callback: str, body: bytes, signature: str | None, content_type: str) -> int:
        headers = {"Content-Type": content_type}
        if signature:
            headers["X-Hub-Signature"] = signature
        request = urllib.request.Request(callback, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _sign(secret: str, body: bytes, method: str = "sha256") -> str:
    return f"{method}=" + hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()


def with_hub(body: bytes, hub: str, topic: str) -> bytes:
    """An RSS document advertising ``hub`` and its own address (atom:link rel=hub / rel=self)."""
    links = (
        f'<atom:link rel="hub" href="{hub}"/><atom:link rel="self" href="{topic}"/>'
        '<atom:link rel="alternate" href="https://kabar.example/"/>'
    )
    return body.replace(
        b'<rss version="2.0"><channel>',
        b'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>' + links.encode(),
    )
