"""DeliverySupervisor: exactly the owner of the matches partition delivers, and stops at once when it is not.

A stand-in for the Faust app exposes only what the supervisor reads
(rebalancing, in_recovery, the consumer's assignment); the dispatcher is a
real asyncio task that runs until cancelled. The real worker, on a real
broker, is exercised by tests/e2e/test_distributed*.py.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from types import SimpleNamespace

from faust.types import TP

from pantau.adapters.faust.delivery import DeliverySupervisor
from pantau.core.article import Article, article_id

MATCHES = TP("pantau.matches", 0)


class FakeApp:
    def __init__(self) -> None:
        self.rebalancing = False
        self.in_recovery = False
        self.assigned: set[TP] = set()
        self.consumer = SimpleNamespace(assignment=lambda: self.assigned)


class Dispatcher:
    retention = None

    def __init__(self) -> None:
        self.runs = 0
        self.restored = 0

    def restore_timers(self) -> None:
        self.restored += 1

    async def run_forever(self) -> None:
        self.runs += 1
        await asyncio.Event().wait()


class Outbox:
    def __init__(self) -> None:
        self.resets = 0

    def reset_cache(self) -> None:
        self.resets += 1


def test_delivers_only_while_owning_the_partition_with_tables_recovered():
    async def scenario():
        app, dispatcher, outbox = FakeApp(), Dispatcher(), Outbox()
        supervisor = DeliverySupervisor(app, dispatcher, outbox, {}, MATCHES)  # type: ignore[arg-type]
        seen = []

        async def tick():
            supervisor.tick()
            await asyncio.sleep(0)
            seen.append((supervisor.delivering, list(supervisor.not_ready)))

        await tick()  # nothing assigned yet
        app.assigned = {MATCHES}
        app.in_recovery = True
        await tick()  # owned, but the tables are still being recovered
        app.in_recovery = False
        await tick()  # now it delivers
        await tick()  # and keeps the one dispatcher running
        app.assigned = {TP("pantau.articles", 3)}
        await tick()  # the partition moved to another worker: stop
        return seen, dispatcher.runs, outbox.resets, dispatcher.restored

    seen, runs, resets, restored = asyncio.run(scenario())
    assert seen[0] == (False, ["kafka: not in the consumer group yet"])
    assert seen[1] == (False, ["kafka: rebalancing or recovering tables"])
    assert seen[2] == (True, []) and seen[3] == (True, [])
    assert seen[4] == (False, [])
    assert runs == 1
    assert resets == 2  # a fresh cache on start, and again on stop (another worker owns the tables)
    assert restored == 1  # the group and storm clocks the previous owner saved, read on takeover


def test_a_revoked_matches_partition_stops_delivery_at_once_and_others_do_not():
    async def scenario():
        app = FakeApp()
        app.assigned = {MATCHES}
        supervisor = DeliverySupervisor(app, Dispatcher(), Outbox(), {}, MATCHES)  # type: ignore[arg-type]
        supervisor.tick()
        await asyncio.sleep(0)
        supervisor.revoked({TP("pantau.articles", 1)})
        still = supervisor.delivering
        supervisor.revoked({MATCHES})
        await asyncio.sleep(0)
        return still, supervisor.delivering

    assert asyncio.run(scenario()) == (True, False)


def test_a_crashed_dispatcher_is_restarted_on_the_next_tick():
    class Crashing(Dispatcher):
        async def run_forever(self) -> None:
            self.runs += 1
            if self.runs == 1:
                raise RuntimeError("a bug in one destination")
            await asyncio.Event().wait()

    async def scenario():
        app = FakeApp()
        app.assigned = {MATCHES}
        dispatcher = Crashing()
        supervisor = DeliverySupervisor(app, dispatcher, Outbox(), {}, MATCHES)  # type: ignore[arg-type]
        supervisor.tick()
        await asyncio.sleep(0.01)
        crashed = supervisor.delivering
        supervisor.tick()
        await asyncio.sleep(0)
        return crashed, supervisor.delivering, dispatcher.runs

    assert asyncio.run(scenario()) == (False, True, 2)


def test_a_member_the_group_gave_nothing_is_ready_but_does_not_deliver():
    async def scenario():
        app = FakeApp()
        supervisor = DeliverySupervisor(app, Dispatcher(), Outbox(), {}, MATCHES)  # type: ignore[arg-type]
        supervisor.tick()
        before = list(supervisor.not_ready)
        supervisor.assigned(set())  # another worker holds the matches partition: a standby
        supervisor.tick()
        await asyncio.sleep(0)
        return before, list(supervisor.not_ready), supervisor.delivering

    assert asyncio.run(scenario()) == (["kafka: not in the consumer group yet"], [], False)


def test_a_closing_worker_stops_delivering_and_never_starts_again():
    async def scenario():
        app = FakeApp()
        app.assigned = {MATCHES}
        supervisor = DeliverySupervisor(app, Dispatcher(), Outbox(), {}, MATCHES)  # type: ignore[arg-type]
        supervisor.tick()
        await asyncio.sleep(0)
        before = supervisor.delivering
        supervisor.close()  # SIGTERM: the partition is still assigned until Faust leaves the group
        supervisor.tick()
        await asyncio.sleep(0)
        return before, supervisor.delivering

    assert asyncio.run(scenario()) == (True, False)


def test_a_dispatcher_that_keeps_sent_keys_forever_keeps_story_members_as_long():
    # Dispatcher.retention None means "never prune"; the story index used to be given None and
    # crashed (a time minus None) on the first new day of articles.
    table: dict[str, bytes] = {}
    supervisor = DeliverySupervisor(FakeApp(), Dispatcher(), Outbox(), table, MATCHES)  # type: ignore[arg-type]
    stories = supervisor.stories()

    def article(n: int, at: datetime) -> Article:
        url = f"https://a.example/{n}"
        text = f"Story {n}: a bank in city {n} reported a data breach affecting its customers. " * 3
        return Article(
            id=article_id(url), url=url, title=f"Breach {n}", content=text, published=at, fetched=at, feed="t"
        )

    first = article(1, datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc))
    stories.assign(first)
    stories.assign(article(2, datetime(2027, 4, 2, 8, 0, tzinfo=timezone.utc)))  # a new day: the store is pruned
    assert stories.store.get(first.id) is not None


def test_a_takeovers_first_match_finds_the_timers_restored_before_the_next_tick():
    async def scenario():
        app, dispatcher, outbox = FakeApp(), Dispatcher(), Outbox()
        supervisor = DeliverySupervisor(app, dispatcher, outbox, {}, MATCHES)  # type: ignore[arg-type]
        app.assigned = {MATCHES}  # recovered and handed to the agent; no tick since
        supervisor.catch_up()
        started = (supervisor.delivering, dispatcher.restored)
        supervisor.catch_up()  # delivering already: nothing more to do per match
        again = dispatcher.restored
        supervisor.stop("partition revoked")
        app.rebalancing = True  # Faust still flags the rebalance while the agent reads the partition
        supervisor.catch_up()
        flagged = (supervisor.delivering, dispatcher.restored)
        supervisor.close()
        return started, again, flagged

    started, again, flagged = asyncio.run(scenario())
    assert started == (True, 1) and again == 1
    assert flagged == (False, 2)  # not delivering, but planning against the saved clocks
