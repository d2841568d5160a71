"""Sources benchmark: one worker polls N feeds from a local server for one full cycle.

The server (a separate process, so its CPU is not counted) serves a realistic
mix: two thirds of the feeds answer 304 to the stored ETag, one third answer
200 with 20-50 items of which two are new since the last cycle. The worker
(another process, for a clean peak-RSS figure) starts from a warm state file
(ETags and seen ids of the previous cycle), runs ``Poller.poll_once()`` over
all feeds and reports feeds/s, CPU seconds per 1,000 feeds and peak RSS.

Targets (issue 4): 10,000 feeds per 5-minute cycle using under half of one
core (< 15 CPU-s per 1,000 feeds), peak RSS < 300 MB. A second case times
feedparser on a 50-item feed with its default settings and with pantau's
(sanitising and relative-URI resolution off), side by side.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CYCLE = 300.0


def _item(n: int, k: int) -> str:
    return (
        f"<item><title>Berita {k} dari sumber {n}: pemerintah membahas keamanan siber kawasan</title>"
        f"<link>https://bench{n % 500}.example/{n}/{k}?utm_source=rss</link>"
        f'<guid isPermaLink="false">bench-{n}-{k}</guid>'
        f"<description>&lt;p&gt;Ringkasan berita {k}: pejabat menyampaikan langkah baru untuk "
        f"menangani serangan peretas terhadap layanan publik dan kerja sama dengan negara ASEAN.&lt;/p&gt;"
        f"&lt;p&gt;Baca juga: berita lain {k}&lt;/p&gt;</description>"
        f"<pubDate>Thu, 14 Nov 2024 {k % 24:02d}:15:00 +0700</pubDate>"
        f"<category>Nasional</category><dc:creator>Penulis {k % 7}</dc:creator></item>"
    )


def feed_body(n: int, cycle: int) -> bytes:
    """The feed ``n`` as served in ``cycle``: 20-50 items, two new per cycle."""
    count = 20 + n % 31
    lang = "<language>id</language>" if n % 2 == 0 else ""
    items = "".join(_item(n, k) for k in range(2 * cycle, 2 * cycle + count))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench {n}</title>'
        f"<link>https://bench{n % 500}.example/</link>{lang}{items}</channel></rss>"
    ).encode()


def is_static(n: int) -> bool:
    """Two thirds of feeds have not changed since the last cycle (answer 304)."""
    return n % 3 != 0


def etag(n: int, cycle: int) -> str:
    return f'"s-{n}"' if is_static(n) else f'"c{cycle}-{n}"'


# --- server process -------------------------------------------------------------------------


def serve(port: int) -> None:
    from aiohttp import web

    cache: dict[int, bytes] = {}

    async def handle(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        tag = etag(n, 1)
        if request.headers.get("If-None-Match") == tag:
            return web.Response(status=304, headers={"ETag": tag})
        body = cache.get(n)
        if body is None:
            body = cache[n] = feed_body(n, 1)
        return web.Response(body=body, headers={"ETag": tag, "Content-Type": "application/rss+xml"})

    app = web.Application()
    app.router.add_get("/feed/{n}", handle)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# --- worker process -------------------------------------------------------------------------


def _high_water_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def work(port: int, feeds: int, state_path: str) -> dict:
    from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.core.article import article_id
    from pantau.core.config import NetworkConfig
    from pantau.core.logs import configure_logging
    from pantau.sources.canonical import canonical_url
    from pantau.sources.feed_state import FeedState
    from pantau.sources.feeds import FeedSpec
    from pantau.sources.poller import Poller

    configure_logging("json", "info")  # as in production: per-feed debug events filtered out
    specs = [FeedSpec(url=f"http://127.0.0.1:{port}/feed/{n}", id=f"bench-{n}") for n in range(feeds)]
    store = SqliteFeedStateStore(open_state(state_path))
    # Warm state: the previous cycle's ETags and seen ids, as a running worker would have.
    with store.conn:
        store.conn.execute("BEGIN")
        for n, spec in enumerate(specs):
            seen = [article_id(canonical_url(f"https://bench{n % 500}.example/{n}/{k}")) for k in range(0, 20 + n % 31)]
            state = FeedState(
                feed=spec.key,
                url=spec.url,
                spec_url=spec.url,
                etag=etag(n, 0),
                last_success=time.time() - 300,
                interval=300,
            )
            store.save(state)
            store.conn.executemany(
                "INSERT OR IGNORE INTO sources_seen VALUES (?, ?, ?)", [(i, time.time(), time.time()) for i in seen]
            )
    published = 0

    async def publish(articles) -> None:
        nonlocal published
        published += len(articles)

    # One local host stands in for thousands of publishers: per-host = global limit here.
    network = NetworkConfig(allow_private=True, concurrency=64, per_host=64, total_timeout=60)

    async def cycle():
        async with Poller(specs, store, publish, network=network) as poller:
            return await poller.poll_once()

    cpu0, wall0 = time.process_time(), time.perf_counter()
    summary = asyncio.run(cycle())
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {
        "feeds": summary.feeds,
        "ok": summary.ok,
        "not_modified": summary.not_modified,
        "failed": summary.failed,
        "published": published,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": _high_water_mb(),
    }


# --- cases ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_listening(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"bench server did not listen on {port}")


def poll_cycle(feeds: int, tmp: Path) -> dict:
    """Run the server and one worker cycle in separate processes; return the figures."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PANTAU_LOG_FORMAT": "json"}
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env=env, cwd=ROOT)
    try:
        _wait_listening(port)
        proc = subprocess.run(
            [sys.executable, __file__, "--work", str(port), str(feeds), str(tmp / "bench-state.db")],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-3000:])
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=10)
    feeds_per_s = report["feeds"] / report["wall_s"]
    cpu_per_1000 = report["cpu_s"] / report["feeds"] * 1000
    core_share = cpu_per_1000 * 10 / CYCLE  # CPU share for 10,000 feeds every 5 minutes
    return {
        "case": "sources_poll_cycle",
        "feeds": report["feeds"],
        "ok_200": report["ok"],
        "not_modified_304": report["not_modified"],
        "failed": report["failed"],
        "articles_published": report["published"],
        "wall_s": round(report["wall_s"], 2),
        "feeds_per_s": round(feeds_per_s, 1),
        "cpu_s_per_1000_feeds": round(cpu_per_1000, 2),
        "core_share_at_10k_per_5min": round(core_share, 3),
        "peak_rss_mb": round(report["peak_rss_mb"], 1),
        "meets_target": feeds_per_s >= 10_000 / CYCLE
        and core_share < 0.5
        and report["peak_rss_mb"] < 300
        and report["failed"] == 0,
    }


def parse_timing(rounds: int) -> dict:
    """feedparser on a 50-item feed: its defaults vs pantau's settings, same run."""
    import feedparser

    from pantau.sources.parse import parse_feed

    body = feed_body(30, 0)  # 50 items

    def timed(fn) -> float:
        fn()
        start = time.perf_counter()
        for _ in range(rounds):
            fn()
        return (time.perf_counter() - start) / rounds * 1000

    default_ms = timed(lambda: feedparser.parse(body))
    pantau_ms = timed(lambda: parse_feed(body, url="bench"))
    return {
        "case": "sources_parse_50_items",
        "bytes": len(body),
        "feedparser_default_ms": round(default_ms, 2),
        "pantau_parse_feed_ms": round(pantau_ms, 2),
        "speedup": round(default_ms / pantau_ms, 2),
    }


def author_timing(size: int) -> dict:
    """An item with a ``size``-byte author: raw feedparser vs parse_feed (which clamps it first)."""
    import feedparser

    from pantau.sources.parse import parse_feed

    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>'
        f"<link>https://a.example/1</link><author>{'a' * size}</author></item></channel></rss>"
    ).encode()
    start = time.perf_counter()
    feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    raw = time.perf_counter() - start
    start = time.perf_counter()
    parse_feed(body, url="bench")
    clamped = time.perf_counter() - start
    return {
        "case": "sources_parse_long_author",
        "author_bytes": size,
        "feedparser_raw_s": round(raw, 3),
        "pantau_parse_feed_s": round(clamped, 4),
        "speedup": round(raw / clamped, 1),
    }


def nested_html_timing(depth: int) -> dict:
    """Deeply nested escaped HTML in a description: feedparser's defaults vs parse_feed."""
    import feedparser

    from pantau.sources.parse import parse_feed

    nested = "&lt;div&gt;" * depth + "x" + "&lt;/div&gt;" * depth
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title>'
        f"<link>https://a.example/1</link><description>{nested}</description></item></channel></rss>"
    ).encode()
    start = time.perf_counter()
    feedparser.parse(body)
    default = time.perf_counter() - start
    start = time.perf_counter()
    parse_feed(body, url="bench")
    ours = time.perf_counter() - start
    return {
        "case": "sources_parse_nested_html",
        "bytes": len(body),
        "feedparser_default_s": round(default, 3),
        "pantau_parse_feed_s": round(ours, 3),
        "speedup": round(default / ours, 1),
    }


def cases(args):
    """Benchmark cases for tests/bench/run.py (``args.quick``: 1,000 feeds)."""
    import tempfile

    feeds = 1_000 if getattr(args, "quick", False) else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        yield poll_cycle(feeds, Path(tmp))
    yield parse_timing(20 if getattr(args, "quick", False) else 100)
    yield author_timing(20_000 if getattr(args, "quick", False) else 50_000)
    yield nested_html_timing(20_000 if getattr(args, "quick", False) else 100_000)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
    elif sys.argv[1] == "--work":
        print(json.dumps(work(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
