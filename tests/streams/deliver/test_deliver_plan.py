"""Planner: Alertmanager grouping (group_wait, group_interval), storm summaries, retried batches."""

from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.outbox import Entry, waiting
from pantau.streams.deliver.plan import Planner
from pantau.streams.deliver.route import Router


def _setup(classified, n, **route):
    spec = RouteSpec(topics=["asean"], to=["d"], **route)
    router = Router([spec], ["d"])
    alerts = [router.alerts_for(classified(url=f"https://kabar.example/{i}"))[0] for i in range(n)]
    return Planner({spec.name: spec}), spec, alerts


def test_ungrouped_routes_send_each_alert_when_due(classified):
    planner, spec, alerts = _setup(classified, 3)
    entries = [Entry(alert=a, due=planner.due_time(spec.name, "d", 100.0)) for a in alerts]
    planned = planner.plan("d", entries, 100.0)
    assert [p.message.kind for p in planned] == ["alert"] * 3
    assert [p.message.id for p in planned] == [a.key for a in alerts]


def test_a_destination_taking_several_alerts_per_body_gets_them_in_batches(classified):
    planner, spec, alerts = _setup(classified, 5)
    entries = [Entry(alert=a, due=planner.due_time(spec.name, "d", 100.0)) for a in alerts]
    planned = planner.plan("d", entries, 100.0, batch=2)
    assert [(p.message.kind, p.message.alerts) for p in planned] == [
        ("digest", tuple(alerts[:2])),
        ("digest", tuple(alerts[2:4])),
        ("alert", (alerts[4],)),
    ]
    assert planned[2].message.id == alerts[4].key  # a lone alert keeps its key as the message id
    assert not planner.changed  # nothing waited: no timers to save


def test_ops_events_go_one_per_message_whatever_the_batch():
    from pantau.streams.deliver.events import destination_disabled

    spec = RouteSpec(events=["destination_disabled"], to=["d"])
    router = Router([RouteSpec(topics=["asean"], to=["d"]), spec], ["d"])
    events = [router.events_for(destination_disabled(f"hook-{i}", "gone", 10.0))[0] for i in range(3)]
    planned = Planner({spec.name: spec}).plan("d", [Entry(alert=a, due=10.0) for a in events], 10.0, batch=10)
    assert [(p.message.kind, len(p.message.alerts)) for p in planned] == [("ops_event", 1)] * 3


def test_group_wait_then_group_interval_make_digests(classified):
    planner, spec, alerts = _setup(classified, 4, group_wait="30s", group_interval="15m")
    first = Entry(alert=alerts[0], due=planner.due_time(spec.name, "d", 0.0))
    assert first.due == 30.0
    second = Entry(alert=alerts[1], due=planner.due_time(spec.name, "d", 10.0))
    assert planner.plan("d", [first, second], 29.0) == []
    (digest,) = planner.plan("d", [first, second], 30.0)
    assert digest.message.kind == "digest" and len(digest.message.alerts) == 2
    # after a flush, the next digest waits for group_interval
    third = Entry(alert=alerts[2], due=planner.due_time(spec.name, "d", 40.0))
    assert third.due == 30.0 + 900.0
    assert planner.plan("d", [third], 500.0) == []
    (later,) = planner.plan("d", [third], 930.0)
    assert later.message.kind == "alert" and later.message.alerts == (alerts[2],)


def test_flush_sends_open_groups_at_once(classified):
    planner, spec, alerts = _setup(classified, 2, group_wait="1h")
    entries = [Entry(alert=a, due=planner.due_time(spec.name, "d", 0.0)) for a in alerts]
    (digest,) = planner.plan("d", entries, 1.0, flush=True)
    assert len(digest.message.alerts) == 2


def test_a_storm_becomes_one_summary_when_the_window_ends(classified):
    planner, spec, alerts = _setup(classified, 10, storm={"max": 3, "window": "60s"})
    entries = [Entry(alert=a, due=0.0) for a in alerts]
    planned = planner.plan("d", entries, 0.0)
    assert [p.message.kind for p in planned] == ["alert"] * 3
    held = entries[3:]
    assert planner.plan("d", held, 30.0) == []
    assert planner.next_wake("d", waiting(held)) == 60.0
    (storm,) = planner.plan("d", held, 60.0)
    assert storm.message.kind == "storm" and len(storm.message.alerts) == 7


def test_a_retried_batch_keeps_its_message_id_and_members(classified):
    planner, spec, alerts = _setup(classified, 3, group_wait="10s")
    retry = [Entry(alert=a, due=50.0, attempts=1, batch="batch_abc") for a in alerts[:2]]
    fresh = Entry(alert=alerts[2], due=planner.due_time(spec.name, "d", 45.0))
    assert planner.plan("d", retry + [fresh], 49.0) == []
    planned = planner.plan("d", retry + [fresh], 55.0)
    assert planned[0].message.id == "batch_abc" and planned[0].message.alerts == tuple(alerts[:2])
    assert [p.message.alerts for p in planned[1:]] == [(alerts[2],)]
