"""SqliteOutbox: once per key, due times, retries, dead letters, replay, restarts."""

from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.streams.deliver.alert import decode_alert, encode_alert
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.route import Router


def _alerts(classified, n=1, dest="siem"):
    router = Router([RouteSpec(topics=["asean"], to=[dest])], [dest])
    return [router.alerts_for(classified(url=f"https://kabar.example/{i}"))[0] for i in range(n)]


def test_alert_round_trips_through_its_wire_form(classified):
    (alert,) = _alerts(classified)
    assert decode_alert(encode_alert(alert)) == alert


def test_enqueue_is_idempotent_on_the_key_even_after_sending(classified, tmp_path):
    box = SqliteOutbox(open_state(tmp_path / "s.db"))
    alerts = _alerts(classified, 2)
    assert box.enqueue(alerts, [10.0, 10.0]) == alerts
    assert box.enqueue(alerts, [10.0, 10.0]) == []
    box.mark_sent([alerts[0].key], 11.0)
    assert box.enqueue(alerts[:1], [20.0]) == []
    assert [e.alert.key for e in box.pending()] == [alerts[1].key]


def test_due_hands_out_only_what_is_due(classified, tmp_path):
    box = SqliteOutbox(open_state(tmp_path / "s.db"))
    a, b = _alerts(classified, 2)
    box.enqueue([a, b], [5.0, 50.0])
    assert [e.alert.key for e in box.due(10.0)] == [a.key]
    box.mark_retry([a.key], 100.0, "500 from receiver", batch=a.key)
    assert box.due(60.0)[0].alert.key == b.key and len(box.due(60.0)) == 1
    entry = box.due(100.0)[-1]
    assert entry.attempts == 1 and entry.error == "500 from receiver" and entry.batch == a.key


def test_dead_letters_and_replay(classified, tmp_path):
    box = SqliteOutbox(open_state(tmp_path / "s.db"))
    a, b = _alerts(classified, 2)
    box.enqueue([a, b], [0.0, 0.0])
    box.mark_retry([a.key], 1.0, "timeout")
    box.mark_dead([a.key], "gave up after 2 attempts", 2.0)
    (dead,) = box.dead()
    assert dead.alert == a and dead.attempts == 2 and dead.error.startswith("gave up")
    assert [e.alert.key for e in box.pending()] == [b.key]
    assert box.enqueue([a], [3.0]) == []  # a dead key is still "seen"
    assert box.replay(None, 5.0) == 1
    assert box.dead() == []
    replayed = [e for e in box.pending() if e.alert.key == a.key][0]
    assert replayed.attempts == 0 and replayed.due == 5.0 and replayed.batch is None


def test_state_survives_reopening_the_file(classified, tmp_path):
    path = tmp_path / "s.db"
    a, b = _alerts(classified, 2)
    first = SqliteOutbox(open_state(path))
    first.enqueue([a, b], [0.0, 0.0])
    first.mark_sent([a.key], 1.0)
    first.conn.close()
    again = SqliteOutbox(open_state(path))
    assert [e.alert.key for e in again.pending()] == [b.key]
    assert again.enqueue([a], [0.0]) == []
