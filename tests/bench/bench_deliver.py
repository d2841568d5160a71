"""Delivery costs: outbox under a burst, rendering per alert, webhook throughput, storms.

Targets follow the field facts (bursts of ~10k articles in 15 minutes): a
burst of alerts is queued and handed out in well under a second; rendering is
far below the ~1 s per message Slack allows anyway; a local webhook receiver
gets at least 100 alerts a second; a storm of thousands becomes a handful of
messages; taking one alert in costs the same with thousands waiting in a
digest as with none (``submit_with_pending``: the embedded runner submits
each match on its own while the dispatcher loop runs beside it).
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.core.article import Article, article_id
from pantau.streams.classify import Classified, Hit, Match
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination
from pantau.streams.deliver.destinations.console import ConsoleSettings
from pantau.streams.deliver.destinations.slack_blocks import slack_payload
from pantau.streams.deliver.destinations.webhook import WebhookSettings
from pantau.streams.deliver.destinations.webhook_body import webhook_body
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.route import Router

SUMMARY = (
    "Kepolisian mengungkap jaringan penipuan daring lintas negara ASEAN yang memakai "
    "aplikasi palsu untuk menguras rekening korban di beberapa kota. "
) * 4


def _classified(n: int) -> Classified:
    url = f"https://bench.example/berita/{n}"
    article = Article(
        id=article_id(url),
        url=url,
        title=f"Penipuan daring lintas negara nomor {n}",
        summary=SUMMARY,
        fetched=datetime.now(timezone.utc),
        feed="https://bench.example/rss",
        feed_name="Bench",
        language="id",
    )
    hit = Hit(term="penipuan daring", field="summary", start=22, end=37, text="penipuan daring")
    match = Match(
        rule="online-fraud",
        topic="cybercrime",
        score=2.0,
        severity="medium",
        hits=(hit,),
        snippet=SUMMARY[:180],
        ruleset_version="bench",
    )
    return Classified(article=article, matches=(match,), ruleset_version="bench")


def _receiver():
    count = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length") or 0))
            count[0] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, count


def cases(args):
    """Outbox burst, render cost, webhook throughput, storm collapse."""
    import tempfile
    from pathlib import Path

    from pantau.core.logs import configure_logging

    configure_logging("json", "warning")  # one log line per delivery would swamp stdout's JSON lines
    burst = 500 if args.quick else 2_000
    router = Router([RouteSpec(topics=["cybercrime"], to=["siem"])], ["siem"])
    alerts = [router.alerts_for(_classified(n))[0] for n in range(burst)]

    with tempfile.TemporaryDirectory() as tmp:
        box = SqliteOutbox(open_state(Path(tmp) / "bench.db"))
        started = time.perf_counter()
        box.enqueue(alerts, [0.0] * len(alerts))
        enqueue = time.perf_counter() - started
        started = time.perf_counter()
        due = box.due(1.0)
        handout = time.perf_counter() - started
        box.conn.close()
    yield {
        "bench": "outbox_burst",
        "alerts": burst,
        "enqueue_seconds": round(enqueue, 4),
        "due_seconds": round(handout, 4),
        "handed_out": len(due),
        "meets_target": enqueue + handout < 1.0 and len(due) == burst,
    }

    one = Message(id=alerts[0].key, destination="siem", route=alerts[0].route, kind="alert", alerts=(alerts[0],))
    runs = 200 if args.quick else 1_000
    started = time.perf_counter()
    for _ in range(runs):
        slack_payload(one)
    slack_us = (time.perf_counter() - started) / runs * 1e6
    started = time.perf_counter()
    for _ in range(runs):
        webhook_body(one)
    hook_us = (time.perf_counter() - started) / runs * 1e6
    yield {
        "bench": "render_alert",
        "slack_us": round(slack_us, 1),
        "webhook_us": round(hook_us, 1),
        "meets_target": slack_us < 5_000 and hook_us < 5_000,
    }

    server, count = _receiver()
    sends = alerts[: 200 if args.quick else 1_000]
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            spec = WebhookSettings(url=url, secret="bench-secret")
            dispatcher = Dispatcher(
                {"siem": build_destination("siem", spec)},
                SqliteOutbox(open_state(Path(tmp) / "d.db")),
                routes=router.routes,
            )

            async def go():
                await dispatcher.submit(sends)
                started = time.perf_counter()
                summary = await dispatcher.drain(60)
                await dispatcher.aclose()
                return summary, time.perf_counter() - started

            summary, seconds = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    rate = summary.sent / seconds if seconds else 0.0
    yield {
        "bench": "webhook_throughput",
        "alerts": len(sends),
        "received": count[0],
        "alerts_per_second": round(rate, 1),
        "meets_target": count[0] == len(sends) and rate >= 100,
    }

    yield _submit_with_pending(_classified, 500 if args.quick else 2_000)

    storm_route = RouteSpec(topics=["cybercrime"], to=["console"], storm={"max": 5, "window": "15m"})
    storm_router = Router([storm_route], ["console"])
    storm_alerts = [storm_router.alerts_for(_classified(n))[0] for n in range(burst)]
    with tempfile.TemporaryDirectory() as tmp:
        sent_messages = []

        class Counting:
            name, kind, rate = "console", "console", None
            spec = ConsoleSettings()

            async def send(self, message):
                sent_messages.append(message.kind)

            async def aclose(self):
                pass

        dispatcher = Dispatcher(
            {"console": Counting()}, SqliteOutbox(open_state(Path(tmp) / "s.db")), routes=[storm_route]
        )

        async def storm():
            await dispatcher.submit(storm_alerts)
            return await dispatcher.drain(5)

        asyncio.run(storm())
    yield {
        "bench": "storm_collapse",
        "alerts": burst,
        "messages": len(sent_messages),
        "storm_summaries": sent_messages.count("storm"),
        "meets_target": len(sent_messages) <= 6,
    }


class _Counting:
    """A console destination that only counts what it is given."""

    name, kind, rate = "console", "console", None
    spec = ConsoleSettings()

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, message):
        self.sent += len(message.alerts)

    async def aclose(self):
        pass


def _submit_with_pending(classified, total: int) -> dict:
    """CPU per submitted alert while a digest route keeps every alert waiting: first block vs last block."""
    import tempfile
    from pathlib import Path

    route = RouteSpec(topics=["cybercrime"], to=["console"], group_wait="1h")
    router = Router([route], ["console"])
    alerts = [router.alerts_for(classified(n))[0] for n in range(total)]
    block = total // 10
    with tempfile.TemporaryDirectory() as tmp:
        dest = _Counting()
        dispatcher = Dispatcher({"console": dest}, SqliteOutbox(open_state(Path(tmp) / "p.db")), routes=[route])

        async def go() -> list[float]:
            loop = asyncio.create_task(dispatcher.run_forever())
            await asyncio.sleep(0)
            per_block = []
            for start in range(0, total, block):
                cpu = time.process_time()
                for alert in alerts[start : start + block]:
                    await dispatcher.submit([alert])
                    await asyncio.sleep(0)  # the dispatcher's pass runs, as between the runner's articles
                    await asyncio.sleep(0)
                per_block.append((time.process_time() - cpu) / block)
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)
            return per_block

        per_block = asyncio.run(go())
        pending = len(dispatcher.outbox.pending())
    first, last = per_block[0] * 1e3, per_block[-1] * 1e3
    return {
        "bench": "submit_with_pending",
        "alerts": total,
        "pending_at_end": pending,
        "cpu_ms_per_submit_first_block": round(first, 3),
        "cpu_ms_per_submit_last_block": round(last, 3),
        "last_to_first": round(last / first, 2),
        # Proportional to the work: the last alerts cost about what the first did.
        "meets_target": pending == total and last / first < 2.0,
    }
