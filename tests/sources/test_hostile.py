"""Hostile and broken feeds: each ends with a clear outcome, memory and time stay bounded,
and the poller carries on with the other feeds."""

import asyncio
import json
import subprocess
import sys
import zlib
from pathlib import Path

import brotli
import pytest

from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.state import open_state
from pantau.sources.feeds import FeedSpec
from pantau.sources.poller import Poller
from tests.sources.conftest import rss, trickle

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """1 GiB of zeros as one gzip stream of about 1 MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * MB
    return b"".join([*(packer.compress(zeros) for _ in range(1024)), packer.flush()])


@pytest.fixture(scope="module")
def brotli_bomb() -> bytes:
    """256 MiB of zeros as a brotli stream of a few hundred bytes."""
    packer = brotli.Compressor(quality=4)
    zeros = b"\0" * MB
    return b"".join([*(packer.process(zeros) for _ in range(256)), packer.finish()])


def huge_body(req, size=100 * MB):
    """100 MB of a plausible feed, streamed in 1 MB writes."""
    req.send_response(200)
    req.send_header("Content-Type", "application/rss+xml")
    req.send_header("Content-Length", str(size))
    req.end_headers()
    chunk = b"<!-- padding -->" * (MB // 16)
    for _ in range(size // MB):
        req.wfile.write(chunk)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>lol</title>
<item><title>&lol9;</title><link>https://laughs.example/1</link></item></channel></rss>"""


def external_entity(target: str) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>
<rss version="2.0"><channel><title>x</title>
<item><title>leak &xxe;</title><link>https://xxe.example/1</link><description>&xxe;</description></item>
</channel></rss>"""


class Sink:
    def __init__(self):
        self.articles = []

    async def __call__(self, articles):
        self.articles.extend(articles)


def test_every_hostile_feed_ends_clearly_and_the_good_one_is_published(
    feed_server, local_network, tmp_path, gzip_bomb, brotli_bomb
):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER")
    s = feed_server
    feeds = {
        "good": s.feed("/good", rss([{"title": "Baik", "link": "https://good.example/1"}])),
        "gzip_bomb": s.feed("/bomb", gzip_bomb, headers={"Content-Encoding": "gzip"}),
        "br_bomb": s.feed("/brbomb", brotli_bomb, headers={"Content-Encoding": "br"}),
        "huge": s.route("/huge", huge_body),
        "trickle": s.route("/trickle", lambda req: trickle(req, every=0.5)),
        "loop": s.status("/loop", 302, {"Location": "/loop"}),
        "missing": s.status("/404", 404),
        "gone": s.status("/410", 410),
        "throttled": s.status("/429", 429, {"Retry-After": "600"}),
        "broken": s.status("/500", 500),
        "html": s.feed("/html", "<!doctype html><html><body><p>Beranda</p></body></html>", content_type="text/html"),
        "laughs": s.feed("/laughs", BILLION_LAUGHS),
        "xxe_file": s.feed("/xxe1", external_entity(secret.as_uri())),
        "xxe_http": s.feed("/xxe2", external_entity(s.url("/exfil"))),
        "wrong_charset": s.feed(
            "/cp1252",
            rss([{"title": "Café", "link": "https://cs.example/1"}]).encode("cp1252"),
            content_type="application/rss+xml; charset=utf-8",
        ),
        "no_charset": s.feed(
            "/latin1",
            rss([{"title": "Café", "link": "https://cs.example/2"}], encoding="iso-8859-1").encode("iso-8859-1"),
            content_type="text/xml",
        ),
        "nul": s.feed("/nul", rss([{"title": "Nu\x00l", "link": "https://nul.example/1\x00"}])),
        "author_50k": s.feed(
            "/author", rss([{"title": "Penulis", "link": "https://au.example/1", "author": "a" * 50_000}])
        ),
        "ten_thousand": s.feed(
            "/10k", rss([{"title": f"Item {i}", "link": f"https://big.example/{i}"} for i in range(10_000)])
        ),
    }
    network = local_network.model_copy(
        update={"total_timeout": 3.0, "read_timeout": 2.0, "concurrency": 32, "per_host": 32}
    )
    store = SqliteFeedStateStore(open_state(tmp_path / "state.db"))
    sink = Sink()

    async def go():
        specs = [FeedSpec(url=url, id=name) for name, url in feeds.items()]
        async with Poller(specs, store, sink, network=network) as poller:
            return await poller.poll_once()

    summary = asyncio.run(go())
    outcome = {o.feed: o for o in summary.outcomes}
    expected = {
        "good": "ok",
        "gzip_bomb": "too_large",
        "br_bomb": "too_large",
        "huge": "too_large",
        "trickle": "timeout",
        "loop": "error",
        "missing": "error",
        "gone": "gone",
        "throttled": "throttled",
        "broken": "error",
        "html": "parse_error",
        "wrong_charset": "ok",
        "no_charset": "ok",
        "nul": "ok",
        "author_50k": "ok",
        "ten_thousand": "ok",
    }
    assert {k: outcome[k].outcome for k in expected} == expected
    assert all(outcome[k].error for k, v in expected.items() if v not in {"ok"})
    # Entity tricks: whatever the parser made of them, nothing was expanded or fetched.
    for name in ("laughs", "xxe_file", "xxe_http"):
        assert outcome[name].outcome in {"ok", "parse_error"}
    assert feed_server.hits("/exfil") == 0
    by_feed = {}
    for article in sink.articles:
        by_feed.setdefault(article.feed, []).append(article)
    text = " ".join(a.title + a.summary + a.content for a in sink.articles)
    assert "SECRET-MARKER" not in text and "lollollol" not in text
    assert len(by_feed["ten_thousand"]) == 10_000
    assert len(by_feed["author_50k"][0].authors[0]) <= 1024
    assert by_feed["nul"][0].title == "Nul" and "\x00" not in by_feed["nul"][0].url
    assert by_feed["no_charset"][0].title == "Café"
    assert by_feed["wrong_charset"][0].title.startswith("Caf")
    assert [a.title for a in by_feed["good"]] == ["Baik"]
    throttled = store.load("throttled")
    assert store.load("gone").disabled and throttled.next_due >= throttled.last_attempt + 600


def test_private_addresses_are_refused_unless_allowed(feed_server, local_network, tmp_path):
    url = feed_server.feed("/f", rss(1))
    store = SqliteFeedStateStore(open_state(tmp_path / "state.db"))

    async def go(allow):
        network = local_network.model_copy(update={"allow_private": allow})
        async with Poller([FeedSpec(url=url)], store, Sink(), network=network) as poller:
            return await poller.poll_once()

    refused = asyncio.run(go(False)).outcomes[0]
    assert refused.outcome == "blocked" and "allow_private" in refused.error
    assert feed_server.requests == []
    assert asyncio.run(go(True)).outcomes[0].outcome == "ok"


MEMORY_PROBE = """
import asyncio, json, sys
from pantau.sources.feeds import FeedSpec
from pantau.sources.poller import Poller
from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.core.config import NetworkConfig
from pantau.adapters.sqlite.state import open_state

def high_water_kb():
    # VmHWM belongs to this process image; ru_maxrss would include the parent's before exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

async def main():
    async def publish(articles):
        pass
    feeds = [FeedSpec(url=u) for u in sys.argv[1:]]
    store = SqliteFeedStateStore(open_state(":memory:"))
    async with Poller(feeds, store, publish, network=NetworkConfig(allow_private=True)) as poller:
        before = high_water_kb()
        summary = await poller.poll_once()
    peak = high_water_kb()
    print(json.dumps({"before_kb": before, "peak_kb": peak,
                      "outcomes": {o.feed: o.outcome for o in summary.outcomes}}))

asyncio.run(main())
"""


def test_bombs_and_huge_bodies_keep_process_memory_bounded(feed_server, gzip_bomb, brotli_bomb):
    urls = [
        feed_server.feed("/bomb", gzip_bomb, headers={"Content-Encoding": "gzip"}),
        feed_server.feed("/brbomb", brotli_bomb, headers={"Content-Encoding": "br"}),
        feed_server.route("/huge", huge_body),
    ]
    proc = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, *urls], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(report["outcomes"].values()) == {"too_large"}
    peak_mb = report["peak_kb"] / 1024
    growth_mb = (report["peak_kb"] - report["before_kb"]) / 1024
    print(f"memory probe: peak {peak_mb:.0f} MB, growth {growth_mb:.0f} MB")
    assert peak_mb < 300 and growth_mb < 100
