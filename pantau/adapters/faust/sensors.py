"""Faust's own Prometheus sensors and consumer lag, on pantau's /metrics.

Faust's sensors (messages in and out, commits, rebalances, table operations)
are registered in the same prometheus_client registry as pantau's metrics, so
one /metrics serves both. One of them, an event-runtime histogram named in
milliseconds, is replaced by ``pantau_faust_events_runtime_seconds`` (base
units, as promtool insists). Consumer lag is measured per topic from the
worker's own partitions.
"""

from __future__ import annotations

from typing import cast

import faust
from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor
from prometheus_client import REGISTRY, CollectorRegistry, Histogram
from prometheus_client.registry import Collector

from pantau.core import metrics

__all__ = ["install_sensors", "measure_lag"]


class _FaustRegistry:
    """Takes Faust's sensors into our registry, except its millisecond histogram (replaced)."""

    def __init__(self, target: CollectorRegistry) -> None:
        self._target = target

    def register(self, collector: Collector) -> None:
        if any(m.name.endswith("_events_runtime_ms") for m in collector.describe()):  # type: ignore[attr-defined]
            return
        self._target.register(collector)


class _MillisToSeconds:
    """What Faust observes event runtimes into: milliseconds in, seconds recorded."""

    def __init__(self, histogram: Histogram) -> None:
        self._histogram = histogram

    def observe(self, millis: float) -> None:
        self._histogram.observe(millis / 1000.0)


def install_sensors(app: faust.App, registry: CollectorRegistry = REGISTRY) -> None:
    """Faust's Prometheus sensors (messages, events, commits, rebalances) on our /metrics."""
    # Duck-typed stand-ins for what Faust expects (a registry, a histogram): hence the casts.
    sensors = FaustMetrics.create(cast(CollectorRegistry, _FaustRegistry(registry)), "pantau_faust")
    runtime = cast(Histogram, _MillisToSeconds(metrics.FAUST_EVENT_RUNTIME))
    app.monitor = PrometheusMonitor(metrics=sensors._replace(events_runtime_latency=runtime))


async def measure_lag(app: faust.App, topics: set[str]) -> None:
    """Consumer lag per topic: end offset minus this worker's position, summed over partitions."""
    consumer = app.consumer
    tps = [tp for tp in consumer.assignment() if tp.topic in topics]
    ends = await consumer.highwaters(*tps) if tps else {}
    # A topic this worker holds no partition of is reported as 0: nothing waits for it here.
    lag: dict[str, int] = {topic: 0 for topic in topics}
    for tp in tps:
        position = await consumer.position(tp)
        if position is not None and ends.get(tp) is not None:
            lag[tp.topic] += max(0, ends[tp] - position)
    for topic, value in lag.items():
        metrics.KAFKA_CONSUMER_LAG.labels(topic=topic).set(value)
