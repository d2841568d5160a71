"""WebSub subscriber: feeds that advertise a hub are pushed to pantau within seconds; polling stays.

    poll finds <link rel="hub"> --> subscribe (POST hub) --> hub verifies intent (GET callback, echo)
    hub POSTs new content, signed with our hub.secret --> callback checks X-Hub-Signature
        --> Harvester.take_pushed (the poll's parse / normalise / publish / commit path)
    lease at 80 % --> renew;  lease over --> expired, the feed's own polling interval again, resubscribe
    feed removed --> unsubscribe;  a poll finds articles the hub never pushed --> the hub is quiet:
        the feed's own interval until the hub pushes again (and a fresh subscription)

While a subscription is live the feed is polled only every ``websub.poll_interval`` (the safety
net). Subscriptions outlive restarts in a store (:mod:`pantau.sources.subscription`). Hub
callbacks arrive on server threads, so records are written from the event loop. The HTTP side
(verification, signatures) is :mod:`pantau.sources.websub_callback`; the requests to the hub are
:mod:`pantau.sources.websub_request`.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import httpx

from pantau.core import metrics
from pantau.core.config import WebSubConfig
from pantau.core.logs import get_logger
from pantau.sources.outcome import FeedOutcome
from pantau.sources.subscription import (
    RENEW_AT,
    RETRY,
    STATES,
    VERIFY_WITHIN,
    Subscription,
    SubscriptionStore,
    callback_id,
)
from pantau.sources.websub_request import ask_hub

__all__ = ["Subscriber"]

log = get_logger(component="websub")

TakePushed = Callable[[str, bytes, str], Coroutine[Any, Any, FeedOutcome]]


class Subscriber:
    """Subscriptions of one process, keyed by feed; thread-safe for the callback server's threads."""

    def __init__(
        self,
        config: WebSubConfig,
        client: httpx.AsyncClient,
        take_pushed: TakePushed,
        *,
        clock: Callable[[], float] = time.time,
        poll_soon: Callable[[str], None] = lambda _feed: None,
        store: SubscriptionStore | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.poll_soon = poll_soon
        """Called when a feed's subscription lapses, so that polling takes over at once."""
        self.client = client
        self.take_pushed = take_pushed
        self.clock = clock
        self._subs: dict[str, Subscription] = {}
        self._by_callback: dict[str, str] = {}
        self._unsubscribing: dict[str, Subscription] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._tasks: set[asyncio.Task] = set()
        if store is not None:
            self._restore(store)

    def _restore(self, store: SubscriptionStore) -> None:
        """Take up the subscriptions a previous run kept: their leases are renewed as before."""
        restored = store.load_all()
        for sub in restored:
            self._subs[sub.feed] = sub
            self._by_callback[sub.callback] = sub.feed
        if restored:
            states = {state: sum(s.state == state for s in restored) for state in STATES}
            log.info("websub_restored", subscriptions=len(restored), **{k: v for k, v in states.items() if v})
            self._publish_gauges()

    def _persist(self, sub: Subscription, *, gone: bool = False) -> None:
        """Write ``sub``'s record (or delete it) from the event loop's thread."""
        if self.store is None:
            return
        if self._loop is not None and threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self._write, sub, gone)
        else:
            self._write(sub, gone)

    def _write(self, sub: Subscription, gone: bool) -> None:
        assert self.store is not None
        try:
            if gone:
                self.store.delete(sub.feed)
            elif self._subs.get(sub.feed) is sub:  # not a record replaced or forgotten meanwhile
                self.store.save(sub)
        except Exception as exc:  # a state file problem must not stop pushes; the next change retries
            log.warning("websub_state_not_saved", feed=sub.feed, error=str(exc))

    # --- what the poller tells us -------------------------------------------------------------------
    def observed(self, feed: str, outcome: FeedOutcome) -> None:
        """After a poll: subscribe to a newly advertised hub, notice a hub that went quiet."""
        sub = self._subs.get(feed)
        if outcome.hub and (sub is None or (sub.hub, sub.topic) != (outcome.hub, outcome.topic)):
            self._spawn(self._subscribe_new(feed, outcome.hub, outcome.topic))
            return
        if sub is not None and sub.state == "active" and outcome.published and not sub.quiet:
            # The safety net caught what the hub should have pushed: poll at the feed's pace again.
            sub.quiet = True
            metrics.WEBSUB_QUIET.inc()
            log.warning(
                "websub_hub_quiet",
                feed=feed,
                hub=sub.hub,
                missed=outcome.published,
                hint="polling runs at the feed's own interval until the hub pushes again; pantau subscribes afresh",
            )
            self._persist(sub)
            self._spawn(self._request(sub, "subscribe"))

    def poll_delay(self, feed: str) -> float | None:
        """Seconds between safety-net polls while a live subscription pushes; None: poll as usual."""
        sub = self._subs.get(feed)
        if sub is None or sub.state != "active" or sub.quiet:
            return None
        return self.config.poll_interval

    def forget(self, feed: str) -> None:
        """The feed left the list: unsubscribe at its hub."""
        with self._lock:
            sub = self._subs.pop(feed, None)
            if sub is None:
                return
            self._unsubscribing[sub.callback] = sub
        self._publish_gauges()
        self._persist(sub, gone=True)
        self._spawn(self._request(sub, "unsubscribe"))

    # --- what the callback server asks (any thread) ------------------------------------------------
    def lookup(self, callback: str) -> Subscription | None:
        """The subscription (or pending unsubscription) behind a callback id."""
        with self._lock:
            feed = self._by_callback.get(callback)
            sub = self._subs.get(feed) if feed else None
            return sub or self._unsubscribing.get(callback)

    def is_current(self, sub: Subscription) -> bool:
        """True while ``sub`` is its feed's subscription (not one being unsubscribed)."""
        return self._subs.get(sub.feed) is sub

    def verify(self, callback: str, mode: str, topic: str, lease: float | None) -> bool:
        """A hub asks whether we want ``mode`` of ``topic``: True (echo the challenge) only if we asked."""
        with self._lock:
            if mode == "unsubscribe":
                sub = self._unsubscribing.get(callback)
                if sub is None or sub.topic != topic:
                    return False
                self._unsubscribing.pop(callback, None)
                if self._by_callback.get(callback) not in self._subs:  # not re-used by the feed's new hub
                    self._by_callback.pop(callback, None)
                log.info("websub_unsubscribed", feed=sub.feed, hub=sub.hub)
                return True
            feed = self._by_callback.get(callback)
            sub = self._subs.get(feed) if feed else None
            if mode != "subscribe" or sub is None or sub.topic != topic:
                return False
            fresh = sub.state != "active"
            sub.state, sub.verified_at, sub.attempts, sub.retry_at = "active", self.clock(), 0, 0.0
            sub.lease = float(lease) if lease else self.config.lease
        self._publish_gauges()
        self._persist(sub)
        if fresh:
            log.info("websub_subscribed", feed=sub.feed, hub=sub.hub, lease_seconds=round(sub.lease))
        return True

    def denied(self, callback: str, topic: str, reason: str) -> None:
        """The hub refused the subscription: polling as usual; try again later."""
        with self._lock:
            feed = self._by_callback.get(callback)
            sub = self._subs.get(feed) if feed else None
            if sub is None or sub.topic != topic:
                return
            sub.state = "denied"
            sub.retry_at = self.clock() + RETRY[min(sub.attempts, len(RETRY) - 1)]
        self._publish_gauges()
        self._persist(sub)
        log.warning("websub_denied", feed=sub.feed, hub=sub.hub, reason=reason[:300])
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.poll_soon, sub.feed)

    def pushed(self, sub: Subscription, body: bytes, content_type: str, timeout: float = 30.0) -> FeedOutcome:
        """Hand verified pushed content to the loop and wait until it is published (from a server thread)."""
        assert self._loop is not None, "Subscriber.run() is not running"
        sub.last_push = self.clock()
        sub.quiet = False
        future = asyncio.run_coroutine_threadsafe(self.take_pushed(sub.feed, body, content_type), self._loop)
        return future.result(timeout=timeout)

    # --- the loop's side --------------------------------------------------------------------------
    async def run(self, tick: float = 1.0) -> None:
        """Renew leases, notice expired ones, retry failed requests; until cancelled."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        try:
            while True:
                self.maintain()
                await asyncio.sleep(tick)
        finally:
            for task in list(self._tasks):
                task.cancel()

    def maintain(self) -> None:
        """One round of lease keeping (the loop calls it every second)."""
        now = self.clock()
        for sub in list(self._subs.values()):
            if sub.state == "active" and now >= sub.expires_at:
                sub.state = "expired"
                sub.retry_at = now
                log.warning(
                    "websub_lease_expired",
                    feed=sub.feed,
                    hub=sub.hub,
                    hint="polling runs at the feed's own interval; pantau subscribes again",
                )
                self._publish_gauges()
                self._persist(sub)
                self.poll_soon(sub.feed)
            elif sub.state == "active" and now >= sub.verified_at + sub.lease * RENEW_AT and now >= sub.retry_at:
                # Renew; the hub's verification moves verified_at on. Until then, ask again only
                # after VERIFY_WITHIN (or the failure's backoff).
                sub.retry_at = now + VERIFY_WITHIN
                self._spawn(self._request(sub, "subscribe"))
                continue
            if sub.state == "requested" and now - sub.requested_at > VERIFY_WITHIN:
                sub.retry_at, sub.state = now, "failed"
            if sub.state in ("expired", "denied", "failed") and now >= sub.retry_at:
                sub.retry_at = now + VERIFY_WITHIN  # until the request below says otherwise
                self._spawn(self._request(sub, "subscribe"))

    async def _subscribe_new(self, feed: str, hub: str, topic: str) -> None:
        cid = callback_id(feed)
        sub = Subscription(feed=feed, hub=hub, topic=topic, callback=cid, secret=secrets.token_urlsafe(32))
        with self._lock:
            old = self._subs.get(feed)
            self._subs[feed] = sub
            self._by_callback[cid] = feed
        self._persist(sub)
        if old is not None and old.hub != hub:  # the feed moved to another hub: leave the old one
            with self._lock:
                self._unsubscribing[cid] = old
            await self._request(old, "unsubscribe")
        await self._request(sub, "subscribe")

    async def _request(self, sub: Subscription, mode: str) -> None:
        """POST a (un)subscription request to the hub; the hub verifies it with a GET to the callback."""
        await ask_hub(self.client, sub, mode, self.config, self.clock)
        self._publish_gauges()
        if mode == "subscribe":
            self._persist(sub)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _publish_gauges(self) -> None:
        counts = dict.fromkeys(STATES, 0)
        for sub in list(self._subs.values()):
            counts[sub.state] = counts.get(sub.state, 0) + 1
        for state, count in counts.items():
            metrics.WEBSUB_SUBSCRIPTIONS.labels(state).set(count)

    def subscriptions(self) -> list[Subscription]:
        """A snapshot of the subscriptions (for status pages and tests)."""
        return list(self._subs.values())
