"""One poll of one feed: fetch -> parse -> normalise -> drop seen -> publish -> commit.

The order is the durability contract: the feed's new state (ETag, seen ids,
schedule, health) is committed only after ``publish`` returned, i.e. after
Kafka acknowledged or SQLite committed the articles. A failure anywhere before
that leaves the stored state as it was, so the next poll offers the same
articles again and nothing is lost.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

import httpx
import msgspec

from pantau.core import metrics
from pantau.core.article import Article
from pantau.core.config import NetworkConfig
from pantau.core.errors import FeedError, FetchError, ParseError
from pantau.core.logs import get_logger
from pantau.sources.feed_state import FeedState, FeedStateStore
from pantau.sources.feeds import FeedSpec
from pantau.sources.fetch import FetchResult, fetch_feed
from pantau.sources.fulltext import with_full_text
from pantau.sources.health import FeedHealth, health_event, record_metrics
from pantau.sources.items import Keyed, normalise_items, parse_items
from pantau.sources.outcome import FeedOutcome
from pantau.sources.politeness import HostLimiter
from pantau.sources.schedule import adapt_interval, jittered, next_delay

__all__ = ["Harvester", "Publish", "OnHealth"]

Publish = Callable[[list[Article]], Awaitable[None]]
OnHealth = Callable[[FeedHealth], Awaitable[None]]

PUBLISH_RETRY = 60.0
"""Seconds before a feed whose articles the publisher refused is polled again."""


class Harvester:
    """Polls single feeds against a store, a publisher and shared network limits."""

    def __init__(
        self,
        *,
        store: FeedStateStore,
        publish: Publish,
        network: NetworkConfig,
        client: httpx.AsyncClient,
        limiter: HostLimiter,
        on_health: OnHealth | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.store, self.publish, self.network = store, publish, network
        self.client, self.limiter, self.on_health = client, limiter, on_health
        self.clock, self.rng = clock, rng or random.Random()
        # Ids being published right now by some feed: the same story in two feeds
        # polled at the same moment must still go out once.
        self._claimed: set[str] = set()

    def state_for(self, spec: FeedSpec) -> FeedState:
        """The feed's stored state, reset when the user edited the feed's URL."""
        state = self.store.load(spec.key)
        if state is None or state.spec_url != spec.url:
            fresh = FeedState(feed=spec.key, url=spec.url, spec_url=spec.url)
            if state is not None:  # keep history, forget the old address's validators
                fresh = msgspec.structs.replace(
                    state, url=spec.url, spec_url=spec.url, etag=None, last_modified=None, disabled=None, failures=0
                )
            state = fresh
        return state

    async def poll(self, spec: FeedSpec) -> FeedOutcome:
        """Poll one feed once; never raises for feed problems, returns the outcome."""
        log = get_logger(feed=spec.key)
        state = self.state_for(spec)
        if state.disabled:
            return FeedOutcome(feed=spec.key, outcome="disabled", error=state.disabled)
        if state.failures and state.last_status in {429, 503} and state.next_due > self.clock():
            # The server asked us to wait (Retry-After): even `--once` runs from cron honour it.
            wait = state.next_due - self.clock()
            return FeedOutcome(
                feed=spec.key,
                outcome="deferred",
                status=state.last_status,
                error=f"server asked to wait; next try in {wait:.0f}s",
                next_due=state.next_due,
            )
        started = time.monotonic()
        state.last_attempt = self.clock()
        try:
            async with self.limiter.slot(state.url):
                result = await fetch_feed(
                    self.client,
                    state.url,
                    network=self.network,
                    etag=state.etag,
                    last_modified=state.last_modified,
                    headers=spec.headers,
                    auth=spec.auth,
                )
            if result.moved_to and result.moved_to != state.url:
                log.info("feed_moved", old=state.url, new=result.moved_to)
                state.url = result.moved_to
            keyed: Keyed = []
            hub = topic = ""
            if not result.not_modified:
                keyed, hub, topic = await parse_items(result, spec)
        except FeedError as exc:
            return await self._failed(spec, state, exc, time.monotonic() - started, log)
        outcome = await self._succeeded(spec, state, result, keyed, started, log)
        return msgspec.structs.replace(outcome, hub=hub, topic=topic) if hub else outcome

    async def take_pushed(self, spec: FeedSpec, body: bytes, content_type: str) -> FeedOutcome:
        """Content a WebSub hub pushed for ``spec``: the poll's parse/normalise/publish/commit path.

        The feed's validators (ETag, Last-Modified) stay as the last poll left them; unreadable
        content is refused (ParseError) without counting as a failure of the feed.
        """
        log = get_logger(feed=spec.key)
        state = self.state_for(spec)
        started = time.monotonic()
        result = FetchResult(
            url=state.url,
            final_url=state.url,
            status=200,
            body=body,
            content_type=content_type,
            etag=state.etag,
            last_modified=state.last_modified,
        )
        keyed, _hub, _topic = await parse_items(result, spec)
        return await self._succeeded(spec, state, result, keyed, started, log)

    async def _succeeded(
        self, spec: FeedSpec, state: FeedState, result: FetchResult, keyed: Keyed, started: float, log
    ) -> FeedOutcome:
        ids = [key for key, _item in keyed]
        unseen = self.store.unseen(ids) if ids else set()
        # Ids another feed is publishing right now are its to commit: if its publish
        # fails they must still count as unseen next time.
        others = unseen & self._claimed
        unseen -= others
        self._claimed.update(unseen)  # before any await, so no other feed claims them too
        new: list[Article] = []
        try:
            # Only new items are cleaned and language-detected: most of a feed was seen before.
            fresh = [(key, item) for key, item in keyed if key in unseen]
            new = await normalise_items(fresh, spec, datetime.now(timezone.utc), result.final_url)
            if new and spec.full_text:
                new = list(await asyncio.gather(*(self._full_text(a, log) for a in new)))
            if new:
                await self.publish(new)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the publisher's failure is not the feed's: retry soon
            log.error("publish_failed", error=str(exc), articles=len(new))
            metrics.FETCHES.labels("publish_error").inc()
            # Validators and seen ids stay as they were; only the retry time is stored.
            state.next_due = self.clock() + jittered(PUBLISH_RETRY, self.rng)
            self.store.save(state)
            return FeedOutcome(
                feed=spec.key,
                outcome="publish_error",
                status=result.status,
                items=len(keyed),
                error=f"publish failed: {exc}",
                next_due=state.next_due,
            )
        finally:
            self._claimed.difference_update(unseen)
        elapsed = time.monotonic() - started
        now = self.clock()
        state.etag, state.last_modified = result.etag, result.last_modified
        state.failures, state.last_error, state.last_status = 0, None, result.status
        state.last_success, state.fetch_time = now, elapsed
        state.first_success = state.first_success or now
        if not result.not_modified:
            state.last_items = len(keyed)
        state.items_seen += len(new)
        if new:
            state.last_new_item = now
        state.interval = adapt_interval(state.interval, spec.interval, new_items=len(new))
        state.next_due = now + next_delay(
            interval=state.interval, declared=spec.interval, failures=0, retry_after=None, rng=self.rng
        )
        await self._announce_then_keep(state, spec, now)
        self.store.commit(state, [i for i in ids if i not in others])
        outcome = "not_modified" if result.not_modified else "ok"
        metrics.FETCHES.labels(outcome).inc()
        metrics.FETCH_DURATION.observe(elapsed)
        metrics.FETCHED_BYTES.inc(len(result.body))
        metrics.ARTICLES_PUBLISHED.inc(len(new))
        metrics.ARTICLES_DUPLICATE.inc(len(keyed) - len(new))
        record_metrics(state, spec)
        log.debug("feed_polled", outcome=outcome, items=len(keyed), new=len(new), seconds=round(elapsed, 3))
        return FeedOutcome(
            feed=spec.key,
            outcome=outcome,
            status=result.status,
            items=len(keyed),
            published=len(new),
            duplicates=len(keyed) - len(new),
            bytes=len(result.body),
            elapsed=elapsed,
            next_due=state.next_due,
        )

    async def _full_text(self, article: Article, log) -> Article:
        try:
            async with self.limiter.slot(article.url):
                return await with_full_text(self.client, article, network=self.network)
        except FeedError as exc:  # keep the feed's own text rather than lose the article
            log.warning("full_text_failed", article=article.id, error=str(exc))
            return article

    async def _failed(self, spec: FeedSpec, state: FeedState, exc: FeedError, elapsed: float, log) -> FeedOutcome:
        outcome = "parse_error" if isinstance(exc, ParseError) else getattr(exc, "outcome", "error")
        status = exc.status if isinstance(exc, FetchError) else None
        retry_after = exc.retry_after if isinstance(exc, FetchError) else None
        now = self.clock()
        state.failures += 1
        state.last_error, state.last_error_at, state.last_status = str(exc), now, status
        state.fetch_time = elapsed
        if outcome == "gone":
            stamp = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds")
            state.disabled = f"410 Gone since {stamp}; remove it from the feed list or change its URL"
        state.next_due = now + next_delay(
            interval=state.interval or spec.interval,
            declared=spec.interval,
            failures=state.failures,
            retry_after=retry_after,
            rng=self.rng,
        )
        await self._announce_then_keep(state, spec, now)
        self.store.save(state)
        metrics.FETCHES.labels(outcome).inc()
        metrics.FETCH_DURATION.observe(elapsed)
        record_metrics(state, spec)
        log.warning(
            "feed_failed",
            outcome=outcome,
            status=status,
            error=exc.message,
            failures=state.failures,
            retry_in=round(state.next_due - now),
        )
        return FeedOutcome(
            feed=spec.key, outcome=outcome, status=status, elapsed=elapsed, error=str(exc), next_due=state.next_due
        )

    async def _announce_then_keep(self, state: FeedState, spec: FeedSpec, now: float) -> None:
        """Announce a change of verdict *before* the state that records it is committed.

        A crash in between announces it again on restart (ops routes deliver it
        at least once) instead of never; a failed announcement leaves the old
        verdict in the state so that the next poll tries again.
        """
        previous = state.health
        event = health_event(state, spec, now=now)
        if event is None:
            return
        get_logger(feed=event.feed).warning("feed_health", kind=event.verdict, message=event.message)
        if self.on_health is not None:
            try:
                await self.on_health(event)
            except Exception as exc:  # a broken health route must not stop polling
                get_logger(feed=event.feed).error("health_route_failed", error=str(exc))
                state.health = previous
