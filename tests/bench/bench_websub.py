"""Publish-to-alert for a pushed feed: a WebSub hub POSTs new content, how soon does the webhook fire?

End to end through the real `pantau run` (embedded mode) in a subprocess: the local test hub
(tests/e2e/websub_hub.py) distributes one new matching article at a time at a steady rate, signed;
the clock runs from the hub's POST to the signed webhook arriving at a local receiver. Target:
p99 under 2 s. The safety-net poll is an hour away and the feed server never changes, so every
alert measured came by push.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from processes import PantauProcess, free_port  # noqa: E402
from servers import FeedServer, Item, WebhookReceiver, rss  # noqa: E402
from websub_hub import LocalHub, with_hub  # noqa: E402

RULES = "topic: cybercrime\ntitle: Cybercrime\nowner: bench\nrules:\n  - id: cyber\n    any: [peretas]\n"
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
WORDS = (
    "kota desa pasar sekolah rumah bank kantor pabrik pelabuhan bandara stasiun terminal gudang toko hotel "
    "kampus museum taman jalan jembatan sungai gunung pantai hutan sawah kebun danau pulau rumah sakit "
    "polisi jaksa hakim menteri bupati camat warga petani nelayan guru murid"
).split()


def arrivals(receiver: WebhookReceiver) -> dict[str, float]:
    """When each alert first arrived, by article title (the clock of ``started``: time.monotonic)."""
    return receiver.arrivals(lambda alert: alert["article"]["title"])


def _wait(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def cases(args):
    pushes, rate = (10, 2.0) if args.quick else (60, 2.0)
    hub, feeds, receiver = LocalHub(), FeedServer(), WebhookReceiver()
    work = Path(tempfile.mkdtemp(prefix="pantau-bench-websub-"))
    (work / "rules").mkdir()
    (work / "rules" / "cybercrime.yaml").write_text(RULES, encoding="utf-8")
    topic = feeds.url("/feed.xml")
    feeds.put("/feed.xml", with_hub(rss("Kabar", []), hub.url, topic))
    metrics = f"127.0.0.1:{free_port()}"
    config = {
        "feeds": [{"url": topic, "name": "Kabar", "interval": 60}],
        "rules": "rules",
        "state": "state.db",
        "network": {"allow_private": True},
        "metrics": metrics,
        "websub": {"callback_url": f"http://{metrics}/websub", "poll_interval": "1h"},
        "destinations": {"siem": {"type": "webhook", "url": receiver.url}},
        "routes": [{"topics": ["cybercrime"], "to": ["siem"]}],
    }
    (work / "pantau.yaml").write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    proc = PantauProcess(["run", "--config", "pantau.yaml"], cwd=work, name="pantau")
    try:
        if not _wait(lambda: hub.live(topic), 60):
            yield {
                "bench": "websub_publish_to_alert",
                "error": "no subscription within 60 s",
                "meets_target": False,
                "log": proc.output()[-2000:],
            }
            return
        rng = random.Random(20261127)
        latencies: list[float] = []
        items: list[Item] = []
        for n in range(pushes):
            # Words drawn at random per article: no two alerts look like copies of one story.
            words = " ".join(rng.choice(WORDS) for _ in range(30))
            item = Item(
                f"Peretas Serang {rng.choice(WORDS).title()} {n}",
                f"https://kabar.example/{n}",
                f"Peretas menyerang {words}.",
                T0,
            )
            items.insert(0, item)
            body = with_hub(rss("Kabar", items[:20]), hub.url, topic)
            started = time.monotonic()
            statuses = hub.publish(topic, body)
            if statuses != [204] or not _wait(lambda item=item: item.title in arrivals(receiver), 30):
                yield {
                    "bench": "websub_publish_to_alert",
                    "error": f"push {n} not delivered (hub got {statuses})",
                    "meets_target": False,
                }
                return
            latencies.append(arrivals(receiver)[item.title] - started)
            time.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(round(0.99 * len(latencies))) - 1)]
        yield {
            "bench": "websub_publish_to_alert",
            "mode": "embedded",
            "pushes": pushes,
            "rate_per_s": rate,
            "p50_s": round(statistics.median(latencies), 3),
            "p99_s": round(p99, 3),
            "max_s": round(latencies[-1], 3),
            "target_p99_s": 2.0,
            "meets_target": p99 < 2.0,
        }
    finally:
        proc.stop()
        hub.stop()
        feeds.stop()
        receiver.stop()
