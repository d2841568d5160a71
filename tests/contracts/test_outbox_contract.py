"""The Outbox protocol (streams/deliver/outbox.py) against SQLite and the Faust-table implementation.

The Faust tables are mutable mappings replayed from their changelogs on
recovery; plain dicts stand in for them here (a new TableOutbox over the same
dicts is what a worker taking the partition over sees). The tables on a real
broker run in tests/e2e/test_distributed*.py.
"""

from __future__ import annotations

import pytest

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.streams.deliver.outbox import Counts, waiting
from tests.contracts.conftest import Backend, closing, sqlite
from tests.streams.test_table_outbox import make_alerts


@pytest.fixture(params=["sqlite", "faust-table", "faust-table-held"])
def outbox(request, tmp_path):
    if request.param == "sqlite":
        yield from closing(sqlite(tmp_path, SqliteOutbox))
    elif request.param == "faust-table":
        tables: tuple[dict, dict, dict] = ({}, {}, {})
        yield from closing(Backend("faust-table", lambda: TableOutbox(*tables)))
    else:
        # The worker's way: new entries held until Faust's next commit, which comes before any takeover.
        held: tuple[dict, dict, dict] = ({}, {}, {})

        def after_a_commit() -> TableOutbox:
            for earlier in backend.opened:
                earlier.write_held()
            return TableOutbox(*held, hold_new=True)

        backend = Backend("faust-table-held", after_a_commit)
        yield from closing(backend)


def test_a_key_is_enqueued_once_ever(outbox):
    box = outbox.open()
    alerts = make_alerts(3)
    assert box.enqueue(alerts, [0.0, 0.0, 0.0]) == alerts
    assert box.enqueue(alerts, [0.0, 0.0, 0.0]) == []
    box.mark_sent([alerts[0].key], at=1.0)
    box.mark_dead([alerts[1].key], "410 Gone", at=1.0)
    # Sent or dead keys stay known: enqueuing them again does nothing.
    assert outbox.open().enqueue(alerts, [0.0, 0.0, 0.0]) == []


def test_due_hands_out_what_is_due_oldest_first(outbox):
    box = outbox.open()
    early, late = make_alerts(2)
    box.enqueue([late, early], [20.0, 10.0])
    assert [e.alert.key for e in box.due(15.0)] == [early.key]
    assert [e.alert.key for e in box.due(25.0)] == [early.key, late.key]
    assert sorted(e.alert.key for e in box.pending()) == sorted([early.key, late.key])


def test_a_retry_counts_the_attempt_and_waits(outbox):
    box = outbox.open()
    (alert,) = make_alerts(1)
    box.enqueue([alert], [0.0])
    box.mark_retry([alert.key], at=60.0, error="HTTP 503", batch="b1")
    assert box.due(30.0) == []
    (entry,) = outbox.open().due(60.0)
    assert (entry.attempts, entry.error, entry.batch) == (1, "HTTP 503", "b1")


def test_sent_alerts_are_never_handed_out_again(outbox):
    box = outbox.open()
    alerts = make_alerts(2)
    box.enqueue(alerts, [0.0, 0.0])
    box.mark_sent([alerts[0].key], at=1.0)
    assert [e.alert.key for e in outbox.open().due(100.0)] == [alerts[1].key]


def test_dead_letters_are_kept_and_replayed_with_a_fresh_budget(outbox):
    box = outbox.open()
    alerts = make_alerts(2)
    box.enqueue(alerts, [0.0, 0.0])
    box.mark_retry([alerts[0].key], at=1.0, error="HTTP 503")
    box.mark_dead([alerts[0].key], "gave up after 8 attempts", at=2.0)
    assert [e.alert.key for e in box.pending()] == [alerts[1].key]
    (letter,) = outbox.open().dead()
    assert (letter.alert.key, letter.attempts, letter.error, letter.died) == (
        alerts[0].key,
        2,
        "gave up after 8 attempts",
        2.0,
    )
    again = outbox.open()
    assert again.replay(["no-such-key"], now=3.0) == 0
    assert again.replay(None, now=3.0) == 1
    assert again.dead() == []
    (entry,) = [e for e in again.due(3.0) if e.alert.key == alerts[0].key]
    assert entry.attempts == 0
    # A replayed alert that was not dead (here: pending) is refused.
    assert again.replay([alerts[1].key], now=4.0) == 0


def test_the_summaries_agree_with_the_entries_they_stand_for(outbox):
    box = outbox.open()
    siem, chat = make_alerts(3, "siem"), make_alerts(2, "chat")
    box.enqueue(siem + chat, [30.0, 10.0, 20.0, 5.0, 7.0])
    box.mark_retry([siem[1].key], at=50.0, error="HTTP 503", batch="b1")  # a retry: waits apart from new alerts
    box.mark_dead([chat[0].key], "410 Gone", at=6.0)
    again = outbox.open()
    assert [e.alert.key for e in again.pending("siem")] == [siem[2].key, siem[0].key, siem[1].key]
    assert [e.alert.key for e in again.pending("chat")] == [chat[1].key]
    assert again.pending("nowhere") == []
    assert sorted((w.destination, w.route, w.fresh, w.due) for w in again.waiting()) == [
        ("chat", "asean", True, 7.0),
        ("siem", "asean", False, 50.0),
        ("siem", "asean", True, 20.0),
    ]
    assert sorted(again.waiting()) == sorted(waiting(again.pending()))  # the in-memory summary says the same
    assert again.counts() == Counts(pending={"siem": 3, "chat": 1}, dead={"chat": 1})
    entry = again.entry(siem[1].key)
    assert entry is not None and (entry.alert, entry.attempts, entry.batch, entry.due) == (siem[1], 1, "b1", 50.0)
    again.mark_sent([siem[2].key], at=40.0)
    assert again.entry(siem[2].key) is None and again.entry(chat[0].key) is None  # sent, dead: not pending
    assert again.entry("no-such-key") is None
