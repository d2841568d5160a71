"""TableOutbox and TableStoryStore: the Faust-table state of `pantau worker`, over plain dicts.

Faust tables are mutable mappings whose changes are replayed from their
changelog on recovery; a fresh instance over the same dicts is what a worker
taking over the deliver partition sees. The real tables on a real broker are
exercised by tests/e2e/test_distributed.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import msgspec
import pytest

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.faust.stories_table import TableStoryStore
from pantau.core.article import Article, article_id
from pantau.streams.classify import Classified, Match
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.outbox import DeadLetter
from pantau.streams.deliver.route import Router
from pantau.streams.stories import StoryIndex

T0 = datetime(2026, 11, 20, 7, 30, tzinfo=timezone.utc)


def make_alerts(n: int, dest: str = "siem"):
    router = Router([RouteSpec(name="asean", topics=["asean"], to=[dest])], [dest])
    alerts = []
    for i in range(n):
        url = f"https://kabar.example/asean/{i}"
        article = Article(
            id=article_id(url),
            url=url,
            title=f"Pertemuan menteri ASEAN ke-{i}",
            fetched=T0,
            feed="kabar",
            language="id",
        )
        match = Match(
            rule="asean-name",
            topic="asean",
            score=1.0,
            severity="low",
            tags=(),
            hits=(),
            snippet="",
            ruleset_version="v1",
        )
        (alert,) = router.alerts_for(
            Classified(article=article, matches=(match,), ruleset_version="v1"), story=article.id
        )
        alerts.append(alert)
    return alerts


@pytest.fixture
def tables():
    return {"outbox": {}, "done": {}, "dead": {}}


def outbox(tables, on_dead=None) -> TableOutbox:
    return TableOutbox(tables["outbox"], tables["done"], tables["dead"], on_dead=on_dead)


def test_a_key_is_stored_once_and_never_again_after_it_was_sent(tables):
    box = outbox(tables)
    a, b = make_alerts(2)
    assert box.enqueue([a, b], [10.0, 10.0]) == [a, b]
    assert box.enqueue([a, b], [10.0, 10.0]) == []
    box.mark_sent([a.key], 11.0)
    assert box.enqueue([a], [20.0]) == []
    assert [e.alert.key for e in box.pending()] == [b.key]


def test_due_retry_and_batch_bookkeeping(tables):
    box = outbox(tables)
    a, b = make_alerts(2)
    box.enqueue([a, b], [5.0, 50.0])
    assert [e.alert.key for e in box.due(10.0)] == [a.key]
    box.mark_retry([a.key], 100.0, "500 from receiver", batch="batch-1")
    assert [e.alert.key for e in box.due(60.0)] == [b.key]
    entry = box.due(100.0)[-1]
    assert (entry.alert.key, entry.attempts, entry.error, entry.batch) == (a.key, 1, "500 from receiver", "batch-1")


def test_a_worker_taking_over_sees_the_same_state(tables):
    first = outbox(tables)
    a, b, c = make_alerts(3)
    first.enqueue([a, b, c], [0.0, 0.0, 0.0])
    first.mark_sent([a.key], 1.0)
    first.mark_retry([b.key], 9.0, "timeout")
    # Another worker recovers the tables from the changelog: same mappings, fresh object.
    second = outbox({k: dict(v) for k, v in tables.items()})
    assert [(e.alert.key, e.attempts) for e in second.pending()] == [(c.key, 0), (b.key, 1)]
    assert second.enqueue([a], [0.0]) == []


def test_dead_letters_are_copied_out_and_can_be_replayed(tables):
    copied: list[tuple[str, bytes]] = []
    box = outbox(tables, on_dead=lambda key, raw: copied.append((key, raw)))
    a, b = make_alerts(2)
    box.enqueue([a, b], [0.0, 0.0])
    box.mark_retry([a.key], 1.0, "timeout")
    box.mark_dead([a.key], "gave up after 2 attempts", 2.0)
    (dead,) = box.dead()
    assert (dead.alert, dead.attempts, dead.error) == (a, 2, "gave up after 2 attempts")
    assert [(k, msgspec.json.decode(raw, type=DeadLetter)) for k, raw in copied] == [(a.key, dead)]
    assert box.enqueue([a], [3.0]) == []  # a dead key still counts as seen
    assert box.replay(None, 5.0) == 1
    assert box.dead() == [] and a.key not in tables["dead"]
    replayed = [e for e in box.pending() if e.alert.key == a.key][0]
    assert (replayed.attempts, replayed.due, replayed.batch) == (0, 5.0, None)


class Recorded(dict):
    """A table that counts its writes and deletes, as Faust sends each to the changelog."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = 0

    def __setitem__(self, key, value):
        self.records += 1
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self.records += 1
        super().__delitem__(key)


def test_an_alert_costs_two_outbox_records_queued_then_sent():
    tables = {"outbox": Recorded(), "done": Recorded(), "dead": Recorded()}
    box = outbox(tables)
    a, b = make_alerts(2)
    box.enqueue([a, b], [0.0, 0.0])
    box.mark_sent([a.key, b.key], 1.0)
    # The Done takes the Entry's place under the same key: no tombstone, no second table.
    assert (tables["outbox"].records, tables["done"].records) == (4, 0)
    assert box.pending() == [] and box.enqueue([a, b], [2.0, 2.0]) == []
    # A worker taking over finds nothing pending and both keys seen.
    second = outbox({k: dict(v) for k, v in tables.items()})
    assert second.pending() == [] and second.enqueue([a, b], [2.0, 2.0]) == []


def test_a_held_alert_sent_before_the_commit_costs_one_outbox_record():
    from pantau.streams.deliver.ledgers import StoryLedgers
    from pantau.streams.deliver.plan import _message

    tables = {"outbox": Recorded(), "done": Recorded(), "dead": Recorded(), "ledger": Recorded()}
    box = TableOutbox(tables["outbox"], tables["done"], tables["dead"], ledger=tables["ledger"], hold_new=True)
    a, b, c = make_alerts(3)
    assert box.enqueue([a, b, c], [0.0, 0.0, 50.0]) == [a, b, c]
    # Held: nothing written yet, but pending, due and known as the worker's dispatcher and intake see them.
    assert tables["outbox"].records == 0
    assert [e.alert.key for e in box.due(1.0)] == [a.key, b.key] and box.enqueue([a, b, c], [0.0] * 3) == []
    ledgers = StoryLedgers(box, {"asean": RouteSpec(name="asean", topics=["asean"], to=["siem"])}, lambda n: None)
    ledgers.record_sent(_message("siem", "asean", "digest", box.due(1.0)), "msg-1", 1.0)
    box.mark_sent([a.key, b.key], 1.0)
    # Sent before the commit: the Done (with its ledger) is the only record of a and b.
    assert (tables["outbox"].records, tables["ledger"].records) == (2, 0)
    assert box.ledger(a.key) is not None
    # The commit writes what is still held (c, not sent yet): a worker taking over after it sees c pending.
    assert box.write_held() == 1 and box.write_held() == 0
    assert tables["outbox"].records == 3
    second = outbox({k: dict(v) for k, v in tables.items()})
    assert [e.alert.key for e in second.pending()] == [c.key]
    assert second.enqueue([a, b, c], [0.0] * 3) == []


def test_a_held_entry_is_written_by_a_retry_or_a_reset_and_never_twice():
    tables = {"outbox": Recorded(), "done": Recorded(), "dead": Recorded()}
    box = TableOutbox(tables["outbox"], tables["done"], tables["dead"], hold_new=True)
    a, b = make_alerts(2)
    box.enqueue([a, b], [0.0, 0.0])
    box.mark_retry([a.key], 5.0, "503")  # its state changed: written now, no longer held
    assert tables["outbox"].records == 1 and box.entry(a.key).attempts == 1
    box.reset_cache()  # delivery stops (partition revoked): what is held is written, not dropped
    assert tables["outbox"].records == 2 and box.write_held() == 0
    assert sorted(e.alert.key for e in box.pending()) == sorted([a.key, b.key])


def test_sent_keys_of_the_previous_layout_still_count_and_are_pruned(tables):
    old = outbox(tables)
    a, b, c = make_alerts(3)
    # What a worker before Done moved into alert_outbox left behind: a's Done in alert_done.
    tables["done"][a.key] = msgspec.json.encode({"status": "sent", "at": 1.0, "attempts": 1})
    assert old.enqueue([a, b, c], [0.0, 0.0, 0.0]) == [b, c]
    old.mark_sent([b.key], 5.0)
    old.mark_retry([c.key], 9.0, "timeout")
    assert old.prune(3.0) == 1 and a.key not in tables["done"]  # sent before 3.0: a only
    assert old.prune(6.0) == 1 and b.key not in tables["outbox"]
    assert [e.alert.key for e in old.pending()] == [c.key]  # pending entries are never pruned


def test_story_members_in_a_table_rebuild_the_same_index():
    wire = (
        "Para menteri luar negeri ASEAN bertemu di Kuala Lumpur untuk membahas kode etik Laut "
        "China Selatan, krisis di Myanmar dan kerja sama melawan pusat penipuan daring di kawasan "
        "perbatasan, yang menurut para diplomat kini menjerat ribuan pekerja dari berbagai negara."
    )
    table: dict[str, bytes] = {}

    def article(url: str, title: str, text: str, hours: int) -> Article:
        at = T0 + timedelta(hours=hours)
        return Article(
            id=article_id(url), url=url, title=title, content=text, published=at, fetched=at, feed="f", language="id"
        )

    first = StoryIndex(TableStoryStore(table)).assign(article("https://a.example/1", "Menlu ASEAN bertemu", wire, 0))
    assert first.is_new and len(table) == 1
    # A new worker builds its index from the table and recognises a second outlet's copy.
    index = StoryIndex(TableStoryStore(dict(table)))
    copy = index.assign(article("https://b.example/2", "ASEAN bahas Laut China Selatan", "KUALA LUMPUR - " + wire, 3))
    assert not copy.is_new and copy.story_id == first.story_id
    store = TableStoryStore(table)
    assert store.latest() == T0.timestamp()
    assert store.prune(T0.timestamp() + 1) == 1 and store.get(first.article_id) is None


def test_a_sent_first_alert_keeps_its_story_ledger_in_its_sent_record():
    from pantau.core.logs import get_logger
    from pantau.streams.deliver import updates
    from pantau.streams.deliver.ledgers import StoryLedgers
    from pantau.streams.deliver.plan import _message

    tables = {"outbox": Recorded(), "done": Recorded(), "dead": Recorded(), "ledger": Recorded()}
    box = TableOutbox(tables["outbox"], tables["done"], tables["dead"], ledger=tables["ledger"])
    routes = {"asean": RouteSpec(name="asean", topics=["asean"], to=["siem"])}
    ledgers = StoryLedgers(box, routes, lambda name: get_logger(destination=name))
    a, b = make_alerts(2)
    box.enqueue([a, b], [0.0, 0.0])
    ledgers.record_sent(_message("siem", "asean", "digest", box.pending()), "msg-7", 1.0)
    box.mark_sent([a.key, b.key], 1.0)
    # Queued, then sent with the ledger inside: two records per alert, none in story_ledger.
    assert (tables["outbox"].records, tables["ledger"].records) == (4, 0)
    # A worker taking over reads the same ledgers: sent, with the destination's message id.
    second = TableOutbox(dict(tables["outbox"]), {}, {}, ledger=dict(tables["ledger"]))
    for key in (a.key, b.key):
        ledger = updates.decode_ledger(second.ledger(key))
        assert ledger is not None and ledger.sent and ledger.ref == "msg-7"
    # A later write (a copy folded in, an update sent) goes to story_ledger and is read first from then on.
    second.save_ledger(a.key, b'{"later":1}', 2.0, sending=True)
    assert second.ledger(a.key) == b'{"later":1}'
    # A ledger handed over for an alert that is not pending is stored at once; a dead alert's Done keeps none.
    box.enqueue(make_alerts(3)[2:], [0.0])
    c = make_alerts(3)[2]
    box.save_ledger(c.key, b'{"x":1}', 0.0, sending=False)
    assert tables["ledger"][c.key] == b'{"x":1}'
    box.mark_dead([c.key], "gone", 3.0)
    assert b"ledger" not in tables["outbox"][c.key]


def test_a_ledger_kept_in_a_sent_record_is_pruned_by_its_own_time():
    from pantau.streams.deliver import updates

    tables = {"outbox": {}, "done": {}, "dead": {}, "ledger": {}}
    box = TableOutbox(tables["outbox"], tables["done"], tables["dead"], ledger=tables["ledger"])
    (a,) = make_alerts(1)
    box.enqueue([a], [0.0])
    first = updates.first_ledger(a)
    box.save_ledger(a.key, updates.encode_ledger(first), first.at, sending=True)
    box.mark_sent([a.key], first.at + 100.0)
    assert box.ledger(a.key) is not None
    # Past the ledger's time but not the key's: the key is still known, the ledger is gone, as a stored one would be.
    assert box.prune(first.at + 50.0) == 0
    assert box.ledger(a.key) is None and box.enqueue([a], [0.0]) == []
    assert box.prune(first.at + 101.0) == 1 and tables["outbox"] == {}
