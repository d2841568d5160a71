"""streams/faust_sensors.py: Faust's sensors land on pantau's registry, runtimes in seconds."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import faust
from faust.types import TP
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

from pantau.adapters.faust.sensors import install_sensors


def _app_with_sensors(name: str, datadir: Path) -> tuple[faust.App, CollectorRegistry]:
    """A Faust app that never connects (no broker needed), with pantau's sensors on a fresh registry."""
    app = faust.App(
        name, broker="kafka://127.0.0.1:1", store="memory://", web_enabled=False, autodiscover=False, datadir=datadir
    )
    registry = CollectorRegistry()
    install_sensors(app, registry=registry)
    return app, registry


def test_faust_sensors_join_the_registry_and_event_runtimes_are_recorded_in_seconds(tmp_path):
    app, registry = _app_with_sensors("sensors-test", tmp_path)

    app.monitor.on_message_in(TP("pantau.articles", 0), 7, message=SimpleNamespace())
    before = REGISTRY.get_sample_value("pantau_faust_events_runtime_seconds_sum") or 0.0
    # An event that took 1.5 s: Faust reports it in milliseconds, the histogram holds seconds.
    app.monitor.on_stream_event_out(
        TP("pantau.articles", 0), 7, stream=None, event=None, state={"time_in": app.monitor.time() - 1.5}
    )
    after = REGISTRY.get_sample_value("pantau_faust_events_runtime_seconds_sum")
    assert 1.4 < after - before < 2.0

    text = generate_latest(registry).decode()
    assert "pantau_faust_messages_received_total 1.0" in text
    assert "_events_runtime_ms" not in text


def test_table_operations_are_counted_per_table_and_operation_as_faust_counts_them(tmp_path):
    app, registry = _app_with_sensors("sensors-tables-test", tmp_path)
    outbox, done = SimpleNamespace(name="alert_outbox"), SimpleNamespace(name="alert_done")

    for _ in range(3):
        app.monitor.on_table_set(outbox, "k", b"v")
    app.monitor.on_table_get(outbox, "k")
    app.monitor.on_table_del(outbox, "k")
    app.monitor.on_table_set(done, "k", b"v")

    def ops(table: str, operation: str) -> float | None:
        labels = {"table": f"table.{table}", "operation": operation}
        return registry.get_sample_value("pantau_faust_table_operations_total", labels)

    assert ops("alert_outbox", "keys_updated") == 3
    assert ops("alert_outbox", "keys_retrieved") == 1
    assert ops("alert_outbox", "keys_deleted") == 1
    assert ops("alert_done", "keys_updated") == 1
    # Faust's own per-table tallies (its monitor's state) keep counting too.
    state = app.monitor.tables["alert_outbox"]
    assert (state.keys_updated, state.keys_retrieved, state.keys_deleted) == (3, 1, 1)
