"""Group, storm and flush timers survive a restart (SQLite and the Faust tables' outbox); sent keys are pruned."""

import asyncio

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.retention import MIN_RETENTION, delivery_retention
from pantau.streams.deliver.route import Router
from tests.bench.retention_sim import Clock, Sink

DAY = 86400.0


class World:
    """A clock, sinks, a router and a way to make a dispatcher over one durable outbox (a restart each time)."""

    def __init__(self, outbox_factory, routes):
        self.clock = Clock(1_800_000_000.0)
        self.routes = routes
        self.router = Router(routes, ["desk"], clock=self.clock)
        self.sink = Sink("desk")
        self.outbox_factory = outbox_factory

    def dispatcher(self):
        return Dispatcher(
            {"desk": self.sink},
            self.outbox_factory(),
            routes=self.routes,
            clock=self.clock,
            jitter=0.0,
            retention=delivery_retention(self.routes),
        )

    def feed(self, d, classified):
        return asyncio.run(d.submit(self.router.alerts_for(classified)))

    def step(self, d):
        asyncio.run(d.step())


def _sqlite(tmp_path):
    conn = open_state(tmp_path / "state.db")
    return lambda: SqliteOutbox(conn)


def _tables():
    tables = {n: {} for n in ("outbox", "done", "dead", "timers")}
    return lambda: TableOutbox(tables["outbox"], tables["done"], tables["dead"], timers=tables["timers"])


def _both(tmp_path):
    return [("sqlite", _sqlite(tmp_path)), ("tables", _tables())]


def test_a_restart_mid_group_does_not_send_the_next_digest_early(classified, tmp_path):
    route = RouteSpec(topics=["asean"], to=["desk"], group_wait=60, group_interval=3600)
    for mode, factory in _both(tmp_path):
        w = World(factory, [route])
        d = w.dispatcher()
        w.feed(d, classified(title=f"ASEAN satu {mode}", url=f"https://k.example/{mode}/1"))
        w.clock.now += 61
        w.step(d)
        assert w.sink.sent == 1, mode  # the first digest after group_wait
        w.clock.now += 120
        w.feed(d, classified(title=f"ASEAN dua {mode}", url=f"https://k.example/{mode}/2"))
        # the process dies mid-group; a new one starts over the same state
        d2 = w.dispatcher()
        w.feed(d2, classified(title=f"ASEAN tiga {mode}", url=f"https://k.example/{mode}/3"))
        w.clock.now += 600  # group_wait long past, group_interval not yet
        w.step(d2)
        assert w.sink.sent == 1, f"{mode}: a digest went out before group_interval after a restart"
        due = {e.due for e in d2.outbox.pending()}
        assert min(due) >= 1_800_000_000.0 + 61 + 3600 - 1, mode
        w.clock.now = 1_800_000_000.0 + 61 + 3600 + 1
        w.step(d2)
        assert w.sink.sent == 3, mode  # both waiting alerts in one digest, on time


def test_a_storm_in_progress_is_remembered_across_a_restart(classified, tmp_path):
    route = RouteSpec(topics=["asean"], to=["desk"], storm={"max": 2, "window": 600})
    for mode, factory in _both(tmp_path):
        w = World(factory, [route])
        d = w.dispatcher()
        for i in range(2):
            w.feed(d, classified(title=f"ASEAN {mode} {i}", url=f"https://k.example/{mode}/s{i}"))
        w.step(d)
        assert w.sink.sent == 2, mode
        d2 = w.dispatcher()  # restart within the storm window
        w.clock.now += 10
        w.feed(d2, classified(title=f"ASEAN {mode} lagi", url=f"https://k.example/{mode}/s9"))
        w.step(d2)
        assert w.sink.sent == 2, f"{mode}: the restart forgot the storm and sent a third alert at once"


def test_sent_keys_are_pruned_after_the_retention_and_dead_letters_stay(classified, tmp_path):
    route = RouteSpec(topics=["asean"], to=["desk"])
    for mode, factory in _both(tmp_path):
        w = World(factory, [route])
        d = w.dispatcher()
        old = classified(title=f"ASEAN lama {mode}", url=f"https://k.example/{mode}/old")
        w.feed(d, old)
        w.step(d)
        dead_alert = w.router.alerts_for(classified(title=f"ASEAN mati {mode}", url=f"https://k.example/{mode}/d"))
        asyncio.run(d.submit(dead_alert))
        d.outbox.mark_dead([dead_alert[0].key], "refused", w.clock())
        assert d.housekeep() == 0  # nothing is old yet
        w.clock.now += MIN_RETENTION - 60
        assert d.housekeep(force=True) == 0
        assert not w.feed(d, old), mode  # still known: a late copy does not alert again
        w.clock.now += 120
        assert d.housekeep(force=True) == 1, mode
        assert len(d.outbox.dead()) == 1, mode  # dead letters wait for an operator


def test_retention_outlives_the_story_window_and_the_longest_repeat():
    assert delivery_retention([]) == MIN_RETENTION
    long = RouteSpec(topics=["asean"], to=["desk"], repeat_interval=40 * DAY)
    assert delivery_retention([long]) == 80 * DAY
    assert delivery_retention([], story_window=20 * DAY) == 40 * DAY
