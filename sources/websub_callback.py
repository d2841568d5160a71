"""The WebSub callback: the HTTP side of :class:`~pantau.sources.websub.Subscriber`.

Served by the process's observer server (/metrics, /healthz, /readyz) under the path of
``websub.callback_url``, one sub-path per feed (``/websub/<callback id>``):

- ``GET`` with ``hub.mode=subscribe|unsubscribe`` and ``hub.challenge``: the hub verifies our
  intent; the challenge is echoed (200) only for a request we made, for that topic, else 404.
  ``hub.mode=denied`` records the hub's refusal.
- ``POST``: content for the feed. The body must carry ``X-Hub-Signature: sha256=<hex>`` (or sha1,
  sha384, sha512) keyed with the secret we gave the hub: a missing or wrong signature is refused
  with 403 and counted (``pantau_websub_deliveries_total{outcome="forged"}``); nothing of it is
  parsed. A good one is published before we answer 2xx, so a hub retries what we could not take.
  An unknown or unsubscribed callback gets 410 Gone (hubs then drop the subscription).

Bodies are bounded (``network.max_bytes``); the comparison of signatures is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qs, urlsplit

from pantau.core import metrics
from pantau.core.config import NetworkConfig, WebSubConfig
from pantau.core.errors import ConfigError, FeedError
from pantau.core.logs import get_logger
from pantau.sources.subscription import SubscriptionStore
from pantau.sources.websub import Subscriber

if TYPE_CHECKING:
    from pantau.sources.poller import Poller

__all__ = ["websub_app", "signature_ok", "serve_websub"]

log = get_logger(component="websub")
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` (``method=hex``) is the HMAC of ``body`` under ``secret``."""
    if not header or "=" not in header:
        return False
    method, _, given = header.strip().partition("=")
    digest = _DIGESTS.get(method.strip().lower())
    if digest is None:
        return False
    expected = hmac.new(secret.encode("utf-8"), body, digest).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def websub_app(subscriber: Subscriber, *, prefix: str, max_bytes: int) -> Callable:
    """A WSGI app answering hubs at ``prefix/<callback id>``."""

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        callback = environ.get("PATH_INFO", "")[len(prefix) :].strip("/")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET":
            return _verify(subscriber, callback, parse_qs(environ.get("QUERY_STRING", "")), start_response)
        if method != "POST":
            return _reply(start_response, "405 Method Not Allowed", "GET (verification) or POST (content)\n")
        return _content(subscriber, callback, environ, start_response, max_bytes)

    return app


class WebSubSettings(Protocol):
    """What serving WebSub needs of pantau.yaml (a :class:`pantau.config.Config` has it; sources sit below it)."""

    @property
    def websub(self) -> WebSubConfig | None: ...
    @property
    def metrics(self) -> str | None: ...
    @property
    def network(self) -> NetworkConfig: ...


def serve_websub(
    poller: Poller, config: WebSubSettings, store: SubscriptionStore | None = None
) -> tuple[Subscriber | None, dict[str, Callable]]:
    """Turn WebSub on for ``poller`` when the config asks: its Subscriber and the observer routes to serve.

    ``store`` keeps the subscriptions across restarts (the process's state file).
    """
    if config.websub is None:
        return None, {}
    if not config.metrics:
        raise ConfigError(
            "websub: needs the `metrics:` address, where its callback is served",
            hint="set metrics: to the address your reverse proxy forwards callback_url to",
        )
    subscriber = poller.use_websub(config.websub, store)
    prefix = urlsplit(config.websub.callback_url).path.rstrip("/")
    log.info("websub_enabled", callback_url=config.websub.callback_url, serves=f"{prefix}/<id>")
    return subscriber, {prefix: websub_app(subscriber, prefix=prefix, max_bytes=config.network.max_bytes)}


def _verify(subscriber: Subscriber, callback: str, query: dict[str, list[str]], start_response) -> Iterable[bytes]:
    def one(name: str) -> str:
        return (query.get(name) or [""])[0]

    mode, topic = one("hub.mode"), one("hub.topic")
    if mode == "denied":
        subscriber.denied(callback, topic, one("hub.reason"))
        return _reply(start_response, "200 OK", "")
    lease = one("hub.lease_seconds")
    challenge = one("hub.challenge")
    if not challenge or not subscriber.verify(callback, mode, topic, float(lease) if lease.isdigit() else None):
        log.info("websub_verification_refused", callback=callback, mode=mode, topic=topic[:300])
        return _reply(start_response, "404 Not Found", "no such subscription request\n")
    return _reply(start_response, "200 OK", challenge)


def _content(subscriber: Subscriber, callback: str, environ: dict, start_response, max_bytes: int):
    sub = subscriber.lookup(callback)
    if sub is None or sub.state != "active" or not subscriber.is_current(sub):
        metrics.WEBSUB_DELIVERIES.labels("unknown").inc()
        return _reply(start_response, "410 Gone", "no subscription here\n")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 < length <= max_bytes:
        return _reply(
            start_response,
            "413 Content Too Large" if length > max_bytes else "411 Length Required",
            f"a body of 1 to {max_bytes} bytes with its Content-Length\n",
        )
    body = environ["wsgi.input"].read(length)
    if not signature_ok(sub.secret, body, environ.get("HTTP_X_HUB_SIGNATURE")):
        metrics.WEBSUB_DELIVERIES.labels("forged").inc()
        log.warning(
            "websub_signature_invalid",
            feed=sub.feed,
            hub=sub.hub,
            bytes=len(body),
            client=environ.get("REMOTE_ADDR", ""),
            hint="content without our hub.secret's signature is dropped; check who posts to the callback",
        )
        return _reply(start_response, "403 Forbidden", "signature missing or wrong\n")
    try:
        outcome = subscriber.pushed(sub, body, environ.get("CONTENT_TYPE", ""))
    except FeedError as exc:
        metrics.WEBSUB_DELIVERIES.labels("unreadable").inc()
        log.warning("websub_content_unreadable", feed=sub.feed, hub=sub.hub, error=str(exc))
        return _reply(start_response, "400 Bad Request", "not a feed document\n")
    except Exception as exc:  # publishing failed (broker down, ...): the hub retries later
        metrics.WEBSUB_DELIVERIES.labels("error").inc()
        log.error("websub_content_not_published", feed=sub.feed, error=repr(exc))
        return _reply(start_response, "503 Service Unavailable", "could not take it now; retry\n")
    if outcome.outcome == "publish_error":
        metrics.WEBSUB_DELIVERIES.labels("error").inc()
        return _reply(start_response, "503 Service Unavailable", "could not publish now; retry\n")
    metrics.WEBSUB_DELIVERIES.labels("accepted").inc()
    log.info("websub_content_received", feed=sub.feed, items=outcome.items, published=outcome.published)
    return _reply(start_response, "204 No Content", "")


def _reply(start_response: Callable, status: str, body: str) -> list[bytes]:
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]
