"""Fetching one feed with httpx: conditional, bounded, redirect-checked.

Every request carries the feed's ETag / Last-Modified, a User-Agent naming
pantau, explicit connect and read timeouts and one deadline for the whole
exchange (redirects included), so a server trickling one byte a second
cannot hold a worker for longer than ``network.total_timeout``. Redirects are
followed by hand (at most :data:`MAX_REDIRECTS`) so that each hop is checked,
credentials never leave the feed's host, and a chain of permanent moves can
update the stored feed URL.
"""

from __future__ import annotations

import asyncio
import base64
import re
import ssl
import time
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

import httpx
import msgspec

from pantau.core.config import NetworkConfig
from pantau.core.errors import BlockedAddressError, FetchError
from pantau.sources.feeds import FeedAuth
from pantau.sources.guard import GuardedTransport
from pantau.sources.limits.decompress import read_bounded
from pantau.sources.politeness import host_of, parse_retry_after

__all__ = ["FetchResult", "fetch_feed", "make_client", "USER_AGENT", "MAX_REDIRECTS"]

MAX_REDIRECTS = 5
PERMANENT = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}


def _version() -> str:
    try:
        return version("pantau")
    except PackageNotFoundError:  # running from a source tree without install
        return "0.1.0"


USER_AGENT = f"pantau/{_version()} (+https://github.com/pantau-news/pantau)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class FetchResult(msgspec.Struct, frozen=True, kw_only=True):
    """What one fetch brought back: 200 with a body, or 304 without."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None
    """Set when every hop was a permanent redirect: the feed's new address."""
    elapsed: float = 0.0
    hub: str = ""
    """The WebSub hub of an HTTP ``Link: <...>; rel="hub"`` header (empty when none)."""
    self_url: str = ""
    """The topic of a ``Link: <...>; rel="self"`` header."""

    @property
    def not_modified(self) -> bool:
        """True for 304: nothing new since the stored ETag / Last-Modified."""
        return self.status == 304


def make_client(network: NetworkConfig, *, ssl_context: ssl.SSLContext | None = None) -> httpx.AsyncClient:
    """An httpx client with pantau's timeouts, pool limits and the address guard.

    ``ssl_context`` replaces the system trust store (a private CA, or a test CA).
    """
    limits = httpx.Limits(
        max_connections=network.concurrency, max_keepalive_connections=network.concurrency, keepalive_expiry=30
    )
    transport = GuardedTransport(
        allow_private=network.allow_private,
        limits=limits,
        retries=0,
        verify=ssl_context if ssl_context is not None else True,
    )
    timeout = httpx.Timeout(
        connect=network.connect_timeout,
        read=network.read_timeout,
        write=network.read_timeout,
        pool=network.total_timeout,
    )
    # trust_env=False: proxies from the environment would bypass the address guard.
    return httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


def _request_headers(
    url: str,
    origin_host: str,
    *,
    etag: str | None,
    last_modified: str | None,
    headers: dict[str, str] | None,
    auth: FeedAuth | None,
) -> dict[str, str]:
    out = {"Accept": ACCEPT, "Accept-Encoding": "gzip, deflate, br"}
    if etag:
        out["If-None-Match"] = etag
    if last_modified:
        out["If-Modified-Since"] = last_modified
    if host_of(url) == origin_host:  # never hand a feed's secrets to another host
        out.update(headers or {})
        if auth and auth.token:
            out["Authorization"] = f"Bearer {auth.token}"
        elif auth and auth.username:
            pair = f"{auth.username}:{auth.password or ''}".encode()
            out["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    return out


def _status_error(url: str, response: httpx.Response) -> FetchError:
    status = response.status_code
    if status == 410:
        return FetchError(
            url,
            "410 Gone: the publisher removed this feed; pantau stops polling it",
            hint="remove it from the feed list or replace its URL",
            status=status,
            outcome="gone",
        )
    if status in {429, 503}:
        wait = parse_retry_after(response.headers.get("retry-after"))
        shown = f", Retry-After {wait:.0f}s" if wait is not None else ""
        return FetchError(
            url,
            f"HTTP {status} (server asks us to slow down{shown})",
            status=status,
            retry_after=wait,
            outcome="throttled",
            hint="pantau backs off and retries; nothing to do unless it persists",
        )
    hint = "check the URL in a browser" if status < 500 else "server error; pantau retries with backoff"
    return FetchError(
        url, f"HTTP {status} {response.reason_phrase}".rstrip(), status=status, hint=hint, outcome="error"
    )


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    network: NetworkConfig,
    etag: str | None = None,
    last_modified: str | None = None,
    headers: dict[str, str] | None = None,
    auth: FeedAuth | None = None,
    max_bytes: int | None = None,
) -> FetchResult:
    """GET a feed (or article page) within every limit; raise FetchError with an outcome on failure."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(network.total_timeout):
            return await _follow(
                client,
                url,
                etag=etag,
                last_modified=last_modified,
                headers=headers,
                auth=auth,
                max_bytes=max_bytes or network.max_bytes,
                started=started,
            )
    except TimeoutError:
        raise FetchError(
            url,
            f"no complete answer within {network.total_timeout:g}s",
            hint="the server is too slow; pantau retries later",
            outcome="timeout",
        ) from None
    except BlockedAddressError as exc:
        raise BlockedAddressError(url, exc.message.split(": ", 1)[-1], hint=exc.hint, outcome="blocked") from None
    except httpx.TimeoutException as exc:
        raise FetchError(
            url,
            f"timed out ({type(exc).__name__})",
            outcome="timeout",
            hint="the server is too slow; pantau retries later",
        ) from None
    except httpx.InvalidURL as exc:
        raise FetchError(
            url,
            f"unusable address: {exc}",
            outcome="error",
            hint="the feed or one of its redirects names a malformed URL",
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(
            url,
            f"network error: {exc or type(exc).__name__}",
            outcome="error",
            hint="check the host name and that the site is up",
        ) from None


def _websub_links(response: httpx.Response, base: str) -> dict[str, str]:
    """``hub`` and ``self_url`` from the response's Link headers (WebSub discovery), absolute."""
    found: dict[str, str] = {}
    for value in response.headers.get_list("link")[:20]:
        for part in value.split(","):
            url, _, params = part.partition(";")
            rels = re.findall(r'rel\s*=\s*"?([^";]+)"?', params, re.IGNORECASE)
            for rel in " ".join(rels).lower().split():
                if rel in {"hub", "self"} and url.strip().startswith("<"):
                    key = "hub" if rel == "hub" else "self_url"
                    found.setdefault(key, urljoin(base, url.strip().strip("<>"))[:2048])
    return found


async def _follow(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    headers: dict[str, str] | None,
    auth: FeedAuth | None,
    max_bytes: int,
    started: float,
) -> FetchResult:
    origin_host = host_of(url)
    current, moved_to, permanent = url, None, True
    for _hop in range(MAX_REDIRECTS + 1):
        if urlsplit(current).scheme not in {"http", "https"}:
            raise FetchError(url, f"redirect to unsupported address {current!r}", outcome="error")
        request_headers = _request_headers(
            current, origin_host, etag=etag, last_modified=last_modified, headers=headers, auth=auth
        )
        async with client.stream("GET", current, headers=request_headers) as response:
            status = response.status_code
            if status in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(url, f"HTTP {status} without a Location header", status=status)
                try:
                    target = urljoin(current, location.strip())
                    urlsplit(target).port  # noqa: B018 - raises on malformed hosts and ports
                except ValueError:
                    raise FetchError(
                        url,
                        f"redirect to a malformed address {location[:200]!r}",
                        status=status,
                        hint="the server's redirect is broken",
                    ) from None
                permanent = permanent and status in PERMANENT
                moved_to = target if permanent else moved_to
                current = target
                continue
            if status == 304:
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=304,
                    etag=etag,
                    last_modified=last_modified,
                    moved_to=moved_to,
                    elapsed=time.monotonic() - started,
                )
            if not 200 <= status < 300 or status == 204:
                raise _status_error(url, response)
            body = await read_bounded(response, max_bytes, url=url)
            return FetchResult(
                url=url,
                final_url=current,
                status=status,
                body=body,
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                moved_to=moved_to,
                elapsed=time.monotonic() - started,
                **_websub_links(response, current),
            )
    raise FetchError(
        url,
        f"more than {MAX_REDIRECTS} redirects (last to {current})",
        hint="the feed's server redirects in a loop; check the URL",
        outcome="error",
    )
