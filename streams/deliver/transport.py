"""One HTTP POST to a receiver, with its answer sorted into sent / retry / give up.

Shared by Slack, the signed webhook, Telegram and Teams. Receivers that say
more than their status (Telegram's ``retry_after`` in the JSON body, a Teams
connector's "200 with an error inside") pass ``answer`` to read it. Redirects are not followed (a 3xx is
a failure: a receiver that moved must be reconfigured, not silently chased);
410 Gone disables the destination; 429 and 502-504 honour Retry-After; other
4xx answers will not get better by retrying and go to the dead letters.
"""

from __future__ import annotations

import functools
import os
import ssl
import threading
import urllib.request
from collections.abc import Callable

import anyio
import httpx

from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.sources.politeness import parse_retry_after
from pantau.streams.deliver.config import mask_url
from pantau.streams.deliver.http_pool import HttpPool

__all__ = ["post", "request", "make_client", "DeliveryClient", "Answer"]

Answer = Callable[[httpx.Response], tuple[int, str, float | None]]
"""Reads a response as (effective status, excerpt, retry-after seconds) for receivers that say more."""

_THROTTLE = {429, 502, 503, 504}
_RETRY_4XX = {408, 409, 425}


_HEADERS = {"User-Agent": "pantau-alerts/1", "Accept": "*/*"}


def _warm_anyio() -> None:
    """Load anyio's asyncio backend now, so the first alert's request does not pay for the import.

    httpcore's connection pool imports it on its first request: measured on this machine, a first
    webhook POST took 18-21 ms cold and 2-5 ms after this warm-up (`make bench BENCH_ARGS=first_post`).
    A throwaway event loop in its own thread loads it through anyio's public API, whether or not the
    caller is already inside a running loop.
    """
    warm = threading.Thread(target=anyio.run, args=(anyio.sleep, 0), name="pantau-warm-anyio")
    warm.start()
    warm.join()


def tls_context() -> ssl.SSLContext:
    """The deliveries' TLS context (certificates as httpx takes them from the environment), one per process."""
    return _tls(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.cache
def _tls(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    # Loading a CA bundle costs ~50-70 ms: once, at start (httpx's client needs one), shared by every
    # destination's client and pool, not again at the first request of each (the first alert's CPU).
    return httpx.create_ssl_context(trust_env=True)


class DeliveryClient:
    """An HTTP client for deliveries: aiohttp's keep-alive connections, without httpx's layers.

    Around each request httpx.AsyncClient runs its cookie jar, auth and redirect loops, event hooks
    and header merging (a third of a webhook POST's CPU: 0.85 -> 0.65 ms a request on this machine's
    loopback), and its transport below crosses httpcore, anyio and h11 (most of the rest). Deliveries
    need none of it: redirects are not followed (a 3xx is a failure, see :func:`request`), nothing
    sets a cookie, credentials travel in the headers or URL the destination builds. So requests go
    over :class:`~pantau.streams.deliver.http_pool.HttpPool` (certificates from the environment as
    httpx takes them); only when the environment names a proxy (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY)
    do they go through httpx's client, which applies it and NO_PROXY exactly as before.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = httpx.Timeout(timeout)
        tls = tls_context()
        self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, headers=_HEADERS, verify=tls)
        proxied = any(urllib.request.getproxies().get(scheme) for scheme in ("http", "https", "all"))
        self._direct = None if proxied else HttpPool(timeout, _HEADERS, tls)
        _warm_anyio()

    async def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST ``content`` and read the whole answer (the connection goes back to the pool)."""
        if self._direct is None:
            return await self._client.post(url, content=content, headers=headers)
        return await self._direct.post(url, content=content, headers=headers)

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._client.aclose()
        if self._direct is not None:
            await self._direct.aclose()


def make_client(timeout: float) -> DeliveryClient:
    """An HTTP client for deliveries: ``timeout`` per request, redirects not followed."""
    return DeliveryClient(timeout)


async def post(client: DeliveryClient, destination: str, url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body``; return the 2xx status or raise Retryable/PermanentDelivery naming the destination."""
    return (await request(client, destination, url, body, headers)).status_code


def _plain(resp: httpx.Response) -> tuple[int, str, float | None]:
    return resp.status_code, " ".join(resp.text[:200].split()), parse_retry_after(resp.headers.get("retry-after"))


async def request(
    client: DeliveryClient,
    destination: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    shown: str | None = None,
    answer: Answer = _plain,
) -> httpx.Response:
    """POST ``body``; return the 2xx response or raise Retryable/PermanentDelivery (``shown`` names the receiver)."""
    shown = shown or mask_url(url)
    try:
        resp = await client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        raise RetryableDelivery(
            destination,
            f"no answer from {shown} within {client.timeout.read:g} s",
            hint="the receiver is slow or down; pantau retries with backoff",
        ) from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise PermanentDelivery(destination, f"unusable url {shown}: {exc}", hint="fix url: in pantau.yaml") from None
    except httpx.TransportError as exc:
        raise RetryableDelivery(
            destination,
            f"cannot reach {shown}: {exc or type(exc).__name__}",
            hint="check the url and that the receiver is up; pantau retries with backoff",
        ) from None
    status, excerpt, retry_after = answer(resp)
    if 200 <= status < 300:
        return resp
    what = f"{shown} answered {status}" + (f": {excerpt}" if excerpt else "")
    if 300 <= status < 400:
        raise RetryableDelivery(
            destination,
            f"{what} (redirect to {resp.headers.get('location', '?')} not followed)",
            hint="point url: at the final address",
        )
    if status == 410:
        raise PermanentDelivery(
            destination, f"{what} (gone)", hint="the receiver was removed; fix url: and replay", disable=True
        )
    if status in _THROTTLE or status >= 500 or status in _RETRY_4XX:
        raise RetryableDelivery(destination, what, retry_after=retry_after)
    raise PermanentDelivery(
        destination, what, hint="the receiver refused the alert; fix the destination, then `pantau alerts replay`"
    )
