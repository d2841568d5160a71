"""The cost of /metrics at 10,000 feeds: series, payload size, time to serve one scrape.

Per-feed gauges carry only the feed id, so the series count grows by four per
feed and nothing else grows with the feed list. The target: one scrape of
10,000 feeds served in under a second (Prometheus's default scrape timeout is
10 s) and under 5 MB uncompressed.
"""

from __future__ import annotations

import time

import httpx
from prometheus_client import REGISTRY, generate_latest

from pantau.core import metrics
from pantau.runtime.observe import start_observer

PER_FEED = (metrics.FEED_LAST_SUCCESS, metrics.FEED_LAST_ITEM, metrics.FEED_FAILURES, metrics.FEED_SILENT_THRESHOLD)


def _series() -> int:
    return sum(len(family.samples) for family in REGISTRY.collect())


def cases(args):
    """One case per feed count: series, bytes and seconds per scrape over real HTTP."""
    sizes = (1_000,) if args.quick else (1_000, 10_000)
    for feeds in sizes:
        ids = [f"https://outlet-{n}.example/rss" for n in range(feeds)]
        before = _series()
        for n, feed in enumerate(ids):
            for gauge in PER_FEED:
                gauge.labels(feed).set(1_700_000_000 + n)
        try:
            with start_observer("127.0.0.1:0") as obs, httpx.Client() as client:
                client.get(f"{obs.url}/metrics")  # warm up
                runs, started = 5, time.perf_counter()
                for _ in range(runs):
                    page = client.get(f"{obs.url}/metrics", headers={"Accept-Encoding": "identity"})
                seconds = (time.perf_counter() - started) / runs
                gzipped = client.get(f"{obs.url}/metrics", headers={"Accept-Encoding": "gzip"})
            render_started = time.perf_counter()
            generate_latest(REGISTRY)
            render = time.perf_counter() - render_started
            yield {
                "bench": "metrics_scrape",
                "feeds": feeds,
                "series_added": _series() - before,
                "bytes": len(page.content),
                "gzip_bytes": int(gzipped.headers.get("content-length") or 0),
                "scrape_seconds": round(seconds, 4),
                "render_seconds": round(render, 4),
                "meets_target": seconds < 1.0 and len(page.content) < 5_000_000,
            }
        finally:
            for feed in ids:
                for gauge in PER_FEED:
                    gauge.remove(feed)
