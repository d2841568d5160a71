"""What pantau exports: the declared metrics, their labels, and how to give each family a sample."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info

import pantau.core.metrics as metrics

SAMPLE = "promtool_sample"

__all__ = ["SAMPLE", "declared_metrics", "labelnames", "exercise", "render_exercised"]


def declared_metrics() -> list[Counter | Gauge | Histogram | Info]:
    """Every metric object streams/metrics.py declares."""
    return [getattr(metrics, name) for name in metrics.__all__ if name.isupper()]


def labelnames(metric: object) -> tuple[str, ...]:
    """Declared label names (prometheus_client keeps them here; it has no public getter)."""
    return tuple(metric._labelnames)  # type: ignore[attr-defined]


def exercise(metric: object) -> None:
    """Give a labelled metric one child so its family renders a sample."""
    child = metric.labels(*[SAMPLE] * len(labelnames(metric)))  # type: ignore[attr-defined]
    if isinstance(metric, Histogram):
        child.observe(0.2)
    elif isinstance(metric, Info):
        child.info({"version": SAMPLE})
    elif isinstance(metric, Counter):
        child.inc()
    else:
        child.set(1)


def render_exercised() -> str:
    """The whole registry as /metrics serves it, after giving every labelled metric a sample."""
    from prometheus_client import REGISTRY, generate_latest

    for metric in declared_metrics():
        if labelnames(metric):
            exercise(metric)
    return generate_latest(REGISTRY).decode()
