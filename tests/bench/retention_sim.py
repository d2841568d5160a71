"""Months of delivery state in seconds: a fast-forwarded clock over synthetic articles.

Shared by tests/streams/deliver/test_retention.py (asserts the state stays
bounded) and tests/bench/bench_retention.py (prints the figures). Each
simulated day brings ``per_day`` articles; the share the rules match
(``match_share``) goes the way a match goes in both modes: a third are other
outlets' copies of a story of the last hours; its story member (id, story,
time, size, a 512-byte MinHash signature, as ``StoryIndex.assign`` writes it)
goes to the real story stores, pruned once a day as the index prunes them
(signatures are random: computing 180,000 MinHashes would take the test's
whole budget and is measured in bench_stories); the real :class:`Router`
makes one alert per destination, the real :class:`Dispatcher` stores them in
the outbox and sends them to an in-process destination, and its housekeeping
prunes sent keys. Unmatched articles never reach delivery state (they pass the inbox,
which has its own retention), so only their count is simulated.

State is measured after every day: SQLite pages in use by the delivery and
story tables (embedded mode), and the entries and bytes of the Faust tables
(distributed mode, same classes over dicts).
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import structlog

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.faust.stories_table import TableStoryStore
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.adapters.sqlite.stories import SqliteStoryStore
from pantau.core.article import Article, article_id
from pantau.streams.classify import Classified, Match
from pantau.streams.crosslang import Fingerprint, encode_fingerprint
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.retention import delivery_retention
from pantau.streams.deliver.route import Router
from pantau.streams.signature import NUM_PERM
from pantau.streams.stories import StoryMember

DAY = 86400.0
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()
_WORDS = [f"kata{i}" for i in range(5000)]


class Clock:
    """The simulation's time, moved forward by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Sink:
    """An in-process destination that accepts everything and counts it."""

    rate = None

    def __init__(self, name: str) -> None:
        self.name = name
        self.kind = "sink"
        self.sent = 0

        class _Spec:
            schedule = (0.0,)

        self.spec = _Spec()

    async def send(self, message: Message) -> None:
        self.sent += len(message.alerts)

    async def aclose(self) -> None:
        pass


@dataclass
class Day:
    """State after one simulated day."""

    day: int
    sqlite_bytes: int
    sqlite_rows: int
    table_entries: int
    table_bytes: int


@dataclass
class Result:
    days: list[Day] = field(default_factory=list)
    articles: int = 0
    matched: int = 0
    alerts_sent: int = 0
    """Alerts the embedded (SQLite) side delivered; ``alerts_sent_tables`` the Faust-table side."""
    alerts_sent_tables: int = 0
    retention_days: float = 0.0

    @property
    def last(self) -> Day:
        return self.days[-1]

    def peak(self, attr: str) -> int:
        return max(getattr(d, attr) for d in self.days)


def _article(rng: random.Random, n: int, at: float, copy_of: str | None) -> Article:
    words = copy_of.split() if copy_of else rng.choices(_WORDS, k=40)
    if copy_of:  # another outlet's copy: its own headline words, the body a little cut
        words = rng.choices(_WORDS, k=4) + words[: int(len(words) * 0.85)]
    url = f"https://outlet{n % 17}.example/{n}"
    when = datetime.fromtimestamp(at, timezone.utc)
    return Article(
        id=article_id(url),
        url=url,
        title=" ".join(words[:8]),
        content=" ".join(words),
        published=when,
        fetched=when,
        feed=f"https://outlet{n % 17}.example/rss",
        language="id",
    )


def _classified(article: Article, rng: random.Random) -> Classified:
    topic = rng.choice(("cybercrime", "north-korea", "asean"))
    match = Match(
        rule=f"{topic}-rule",
        topic=topic,
        score=2.0,
        severity="medium",
        tags=(),
        hits=(),
        snippet=article.content[:200],
        ruleset_version="sim",
    )
    return Classified(article=article, matches=(match,), ruleset_version="sim")


def _sqlite_usage(conn: sqlite3.Connection) -> tuple[int, int]:
    """Bytes of pages in use (file size less free pages) and rows of the delivery and story tables."""
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0] - conn.execute("PRAGMA freelist_count").fetchone()[0]
    rows = sum(
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("alert_outbox", "alert_dead_letters", "story_members")
    )
    return pages * page, rows


def simulate(
    days: int = 90, per_day: int = 50_000, match_share: float = 0.02, *, state_dir: Path, seed: int = 13
) -> Result:
    """Run ``days`` days of ``per_day`` articles through both modes' delivery state; the daily sizes."""
    # Hundreds of thousands of "alert_delivered" lines would cost more than the simulation itself.
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    try:
        return _simulate(days, per_day, match_share, state_dir=state_dir, seed=seed)
    finally:
        structlog.configure(**saved)


def _simulate(
    days: int = 90, per_day: int = 50_000, match_share: float = 0.02, *, state_dir: Path, seed: int = 13
) -> Result:
    """Run ``days`` days of ``per_day`` articles through both modes' delivery state; the daily sizes."""
    rng = random.Random(seed)
    routes = [
        RouteSpec(topics=["north-korea"], to=["desk", "siem"], continue_=True),
        RouteSpec(topics=["cybercrime", "asean"], to=["desk"], repeat_interval=7 * DAY),
    ]
    router_clock = Clock(T0)
    router = Router(routes, ["desk", "siem"], clock=router_clock)
    retention = delivery_retention(routes, story_window=3 * DAY)
    conn = open_state(state_dir / "sim.db")
    sqlite_side = (SqliteOutbox(conn), None)
    tables: dict[str, dict] = {name: {} for name in ("outbox", "done", "dead", "stories", "timers")}
    table_side = (TableOutbox(tables["outbox"], tables["done"], tables["dead"], timers=tables["timers"]), None)
    sinks = [{"desk": Sink("desk"), "siem": Sink("siem")} for _ in range(2)]  # one pair per mode
    dispatchers = [
        Dispatcher(mode_sinks, outbox, routes=routes, clock=router_clock, retention=retention)
        for mode_sinks, (outbox, _) in zip(sinks, (sqlite_side, table_side), strict=True)
    ]
    result = Result(retention_days=retention / DAY)
    matched_per_day = int(per_day * match_share)
    recent_bodies: list[str] = []
    n = 0

    stores = [SqliteStoryStore(conn), TableStoryStore(tables["stories"])]
    story_of: dict[str, str] = {}  # body -> story id: which story a copy belongs to

    async def day(d: int) -> None:
        nonlocal n
        start = T0 + d * DAY
        batch: list = []
        for i in range(matched_per_day):
            now = start + i * (DAY / matched_per_day)
            router_clock.now = now
            copy_of = rng.choice(recent_bodies) if recent_bodies and rng.random() < 0.33 else None
            article = _article(rng, n, now, copy_of)
            n += 1
            story = story_of[copy_of] if copy_of else article.id
            if copy_of is None:
                recent_bodies.append(article.content)
                story_of[article.content] = article.id
                for gone in recent_bodies[:-200]:
                    story_of.pop(gone, None)
                del recent_bodies[:-200]
            # What StoryIndex.assign stores for a matched article: its story, time, size, signature and
            # cross-language fingerprint (a typical one: ~15 names, ~4 numbers).
            fp = Fingerprint(
                frozenset(f"entity{rng.randrange(5000)}" for _ in range(15)),
                frozenset(str(rng.randrange(10, 10**6)) for _ in range(4)),
                now,
                "id",
            )
            member = StoryMember(article.id, story, now, 40, rng.randbytes(4 * NUM_PERM), encode_fingerprint(fp))
            for store in stores:
                store.add(member)
            batch += router.alerts_for(_classified(article, rng), story=story)
            if i % 50 == 49 or i == matched_per_day - 1:
                for dispatcher in dispatchers:
                    await dispatcher.submit(batch)
                    await dispatcher.step()
                batch = []
        for dispatcher in dispatchers:
            await dispatcher.step(flush=True)
            dispatcher.housekeep(force=True)
        for store in stores:  # StoryIndex prunes its store once a day of article time, like this
            store.prune(router_clock.now - retention)

    for d in range(days):
        asyncio.run(day(d))
        result.articles += per_day
        result.matched += matched_per_day
        used, rows = _sqlite_usage(conn)
        entries = sum(len(t) for t in tables.values())
        size = sum(len(k) + len(v) for t in tables.values() for k, v in t.items())
        result.days.append(Day(d + 1, used, rows, entries, size))
    result.alerts_sent = sinks[0]["desk"].sent + sinks[0]["siem"].sent
    result.alerts_sent_tables = sinks[1]["desk"].sent + sinks[1]["siem"].sent
    conn.close()
    return result
