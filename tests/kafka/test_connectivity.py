"""Broker connectivity: the silent probe against the real broker, and the watch's and log gate's rules."""

from __future__ import annotations

import logging
import socket

import pytest

from pantau.adapters.kafka.connectivity import BrokerWatch, probe_broker
from pantau.adapters.kafka.log_gate import LibraryLogGate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.kafka
def test_the_probe_gets_an_answer_from_the_real_broker_and_a_reason_from_a_closed_port(kafka_bootstrap):
    assert probe_broker(kafka_bootstrap) is None
    assert "refused" in (probe_broker(closed_port()) or "").lower()


def test_a_non_kafka_server_that_closes_the_connection_is_not_a_broker():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"127.0.0.1:{server.getsockname()[1]}"
        # The server accepts (backlog) but never answers: the probe times out instead of hanging.
        assert probe_broker(address, timeout=0.3) is not None


def make_watch(answers: list[str | None], clock: Clock) -> BrokerWatch:
    replies = iter(answers)
    return BrokerWatch("127.0.0.1:1", probe=lambda _address: next(replies), clock=clock)


def test_one_outage_is_one_lost_and_one_restored_warning_with_its_duration(caplog):
    clock = Clock()
    watch = make_watch([None, "refused", "refused", "refused", "refused", None, None], clock)
    with caplog.at_level(logging.DEBUG):
        watch.check()
        assert watch.connected and watch.reasons() == []
        clock.now += 1
        watch.check()  # one failed probe may be a slow answer: still connected
        assert watch.connected
        for _ in range(3):
            clock.now += 1
            watch.check()
        assert watch.connected is False
        assert "kafka unreachable at 127.0.0.1:1 for 3 s (refused)" in watch.reasons()[0]
        assert watch.quiet_period()
        clock.now += 10
        watch.check()
        watch.check()
    assert watch.connected and watch.reasons() == []
    assert watch._outages._value.get() == 1  # noqa: SLF001 (the counter child of this bootstrap)
    assert watch._outage_seconds._value.get() == pytest.approx(13)  # noqa: SLF001


def test_the_watch_logs_transitions_only(capsys):
    from pantau.core.logs import configure_logging

    configure_logging("json")
    clock = Clock()
    watch = make_watch([None] + ["refused"] * 50 + [None] * 50, clock)
    for _ in range(101):
        clock.now += 1
        watch.check()
    events = [line for line in capsys.readouterr().err.splitlines() if '"level": "warning"' in line]
    assert len(events) == 2
    assert "kafka_connection_lost" in events[0] and "kafka_connection_restored" in events[1]
    assert '"outage_seconds": 50.0' in events[1]


def record(name: str, message: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


def test_the_gate_holds_connection_noise_lines_during_outages_and_repeats():
    clock = Clock()
    watch = make_watch([None, "refused", "refused"], clock)
    gate = LibraryLogGate(watch, clock=clock)
    watch.check()
    # Connection noise from the clients is always held; pantau's own lines always pass.
    assert not gate.filter(record("aiokafka", "Unable connect to node with id 1: [Errno 111] Connect call failed"))
    assert not gate.filter(
        record(
            "aiokafka.consumer.group_coordinator",
            "Group Coordinator Request failed: [Error 15] CoordinatorNotAvailableError",
        )
    )
    assert gate.filter(record("pantau", "kafka_connection_lost"))
    # Another library line passes once a minute, then says how many were held.
    assert gate.filter(record("mode.timers", "Timer measure_lag is overlapping (interval=2.0 runtime=3.1)", 30))
    assert not gate.filter(record("mode.timers", "Timer measure_lag is overlapping (interval=2.0 runtime=4.7)", 30))
    clock.now += 61
    repeat = record("mode.timers", "Timer measure_lag is overlapping (interval=2.0 runtime=5.0)", 30)
    assert gate.filter(repeat) and "and 1 more like it" in repeat.getMessage()
    # During an outage every library line is held.
    watch.check(), watch.check()
    assert watch.connected is False
    assert not gate.filter(record("faust.transport", "Something else entirely"))
    assert gate.filter(record("kafka", "debug chatter", logging.INFO))  # below warning: the root level decides


def test_client_errors_that_persist_while_the_broker_answers_are_summarised(capsys):
    from pantau.core.logs import configure_logging

    configure_logging("json")
    clock = Clock()
    watch = BrokerWatch("127.0.0.1:1", probe=lambda _a: None, clock=clock, persist=30)
    gate = LibraryLogGate(watch, clock=clock)
    watch.check()
    for _ in range(120):  # two minutes of a coordinator that never comes
        clock.now += 1
        gate.filter(record("aiokafka.consumer.group_coordinator", "Group Coordinator Request failed: NodeNotReady"))
    warnings = [line for line in capsys.readouterr().err.splitlines() if "kafka_client_errors" in line]
    assert 1 <= len(warnings) <= 2
    assert "Group Coordinator Request failed" in warnings[0] and "advertised.listeners" in warnings[0]


def test_start_up_conditions_of_a_fresh_broker_stay_below_warning(capsys):
    from pantau.core.logs import configure_logging

    configure_logging("json")
    clock = Clock()
    watch = BrokerWatch("127.0.0.1:1", probe=lambda _a: None, clock=clock, persist=30)
    gate = LibraryLogGate(watch, clock=clock)
    watch.check()
    for _ in range(10):  # a few seconds of GroupCoordinatorNotAvailable, then it is there
        clock.now += 0.5
        assert not gate.filter(
            record(
                "aiokafka.consumer.group_coordinator",
                "Group Coordinator Request failed: [Error 15] GroupCoordinatorNotAvailableError",
            )
        )
    assert "kafka_client_errors" not in capsys.readouterr().err


def test_rebalances_minutes_apart_are_not_a_fault_that_persists(capsys):
    from pantau.core.logs import configure_logging

    configure_logging("json")
    clock = Clock()
    watch = BrokerWatch("127.0.0.1:1", probe=lambda _a: None, clock=clock, persist=30)
    gate = LibraryLogGate(watch, clock=clock)
    watch.check()
    rebalancing = "Heartbeat failed for group pantau-classify because it is rebalancing"
    for _ in range(3):  # start-up, then partitions added (tests/e2e/test_articles_alter.py), then a member leaves
        for _ in range(2):
            gate.filter(record("aiokafka.consumer.group_coordinator", rebalancing))
            clock.now += 0.5
        clock.now += 300
    assert "kafka_client_errors" not in capsys.readouterr().err
    for _ in range(40):  # the same line every second for 40 s: that persists
        clock.now += 1
        gate.filter(record("aiokafka.consumer.group_coordinator", rebalancing))
    assert "kafka_client_errors" in capsys.readouterr().err
