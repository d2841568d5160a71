"""One HTTP POST to a receiver, with its answer sorted into sent / retry / give up.

Shared by Slack, the signed webhook, Telegram and Teams. Receivers that say
more than their status (Telegram's ``retry_after`` in the JSON body, a Teams
connector's "200 with an error inside") pass ``answer`` to read it. Redirects are not followed (a 3xx is
a failure: a receiver that moved must be reconfigured, not silently chased);
410 Gone disables the destination; 429 and 502-504 honour Retry-After; other
4xx answers will not get better by retrying and go to the dead letters.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.sources.politeness import parse_retry_after
from pantau.streams.deliver.config import mask_url

__all__ = ["post", "request", "make_client", "Answer"]

Answer = Callable[[httpx.Response], tuple[int, str, float | None]]
"""Reads a response as (effective status, excerpt, retry-after seconds) for receivers that say more."""

_THROTTLE = {429, 502, 503, 504}
_RETRY_4XX = {408, 409, 425}


def make_client(timeout: float) -> httpx.AsyncClient:
    """An HTTP client for deliveries: ``timeout`` per request, redirects not followed."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        headers={"User-Agent": "pantau-alerts/1"},
    )


async def post(client: httpx.AsyncClient, destination: str, url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body``; return the 2xx status or raise Retryable/PermanentDelivery naming the destination."""
    return (await request(client, destination, url, body, headers)).status_code


def _plain(resp: httpx.Response) -> tuple[int, str, float | None]:
    return resp.status_code, " ".join(resp.text[:200].split()), parse_retry_after(resp.headers.get("retry-after"))


async def request(
    client: httpx.AsyncClient,
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
