"""Asking a WebSub hub: the (un)subscription request and what its answer does to the subscription record.

The hub answers 202 (or 204) when it accepted the request; it then verifies
our intent with a GET to the callback (:mod:`pantau.sources.websub_callback`).
Any other answer, or no answer, is a failed attempt: the record waits out the
next step of the retry schedule (``RETRY``), and polling stays the feed's way in.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from pantau.core import metrics
from pantau.core.config import WebSubConfig
from pantau.core.logs import get_logger
from pantau.sources.subscription import RETRY, Subscription

__all__ = ["ask_hub"]

log = get_logger(component="websub")


async def ask_hub(
    client: httpx.AsyncClient, sub: Subscription, mode: str, config: WebSubConfig, clock: Callable[[], float]
) -> bool:
    """POST a (un)subscription request for ``sub`` to its hub; True when the hub accepted it."""
    form = {"hub.mode": mode, "hub.topic": sub.topic, "hub.callback": f"{config.callback_url}/{sub.callback}"}
    if mode == "subscribe":
        form |= {"hub.secret": sub.secret, "hub.lease_seconds": str(int(config.lease))}
        sub.requested_at = clock()
        if sub.state != "active":
            sub.state = "requested"
    try:
        response = await client.post(sub.hub, data=form)
        ok = response.status_code in (202, 204)
        why = f"HTTP {response.status_code}: {response.text[:200]}"
    except httpx.HTTPError as exc:
        ok, why = False, str(exc) or type(exc).__name__
    metrics.WEBSUB_REQUESTS.labels(mode, "accepted" if ok else "failed").inc()
    if not ok:
        sub.attempts += 1
        if mode == "subscribe" and sub.state != "active":
            sub.state = "failed"
        sub.retry_at = clock() + RETRY[min(sub.attempts - 1, len(RETRY) - 1)]
        log.warning(
            "websub_request_failed",
            feed=sub.feed,
            hub=sub.hub,
            mode=mode,
            error=why,
            retry_in=round(sub.retry_at - clock()),
        )
    return ok
