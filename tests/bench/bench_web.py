"""The web page: answer times with 100,000 archived articles, and its cost to classification.

Cases (one JSON line each):
- ``web_page``: one line per page, served by the real server (uvicorn in a
  child process, as ``pantau run`` runs it) over loopback HTTP to a logged-in client,
  over an archive of 100,000 classified articles: median, 90th percentile and
  worst of 20 answers. Target (on the 90th percentile: the machine is shared):
  under 200 ms for pages, under 300 ms for archive search.
- ``web_classify_cost``: the monitor's classification (shipped rules, the
  same articles) timed side by side, interleaved, in five states: no page;
  the page served from a child process (as ``pantau run`` does), idle, then
  answering a person browsing (a page a second from another process); the
  same from a thread of the classifying process (as it was served before),
  back to back in each of 9 rounds.
  ``ratio`` = median over rounds of per-article wall time over the no-page
  time (``cpu_ratio``: the classifying thread's CPU time); target: the child
  process page, idle and browsed, within 5% or within the rounds' own spread
  ("no measurable latency"). A page in a thread shares the interpreter lock
  while it renders; a child process shares only the machine's cores.
  In distributed mode ``pantau web`` is its own process too.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_archive import _articles  # noqa: E402  (the same synthetic articles as the archive bench)

from pantau.adapters.sqlite.archive import ArchiveStore, Intake  # noqa: E402
from pantau.adapters.sqlite.state import open_state  # noqa: E402
from pantau.config import Config  # noqa: E402
from pantau.core.logs import configure_logging  # noqa: E402
from pantau.streams.classify import default_rules_dir, load_ruleset  # noqa: E402
from pantau.web.app import build_app, make_context  # noqa: E402
from pantau.web.process import start_in_process  # noqa: E402
from pantau.web.server import start_in_thread  # noqa: E402

TOKEN = "bench-token-0123456789"
ROUNDS = 9
BROWSE_PERIOD = 1.0
"""An editor clicking a page a second, served while the monitor classifies."""
PAGES = [
    ("recent", "/", 0.2),
    ("recent_all", "/?all=1", 0.2),
    ("search_rare", "/search?q=peretas&since=all", 0.3),
    ("search_prefix", "/search?q=ba*&since=all", 0.3),
    ("search_topic_7d", "/search?q=data&topic=cybercrime&since=7d", 0.3),
    ("search_phrase", "/search?q=%22kebocoran+data%22&since=all", 0.3),
    ("article", "/articles/bench-500", 0.2),
    ("why_not", "/try?article=bench-11", 0.2),
    ("rules", "/rules", 0.2),
    ("rule_editor", "/rules/cybercrime.yaml", 0.2),
    ("feeds", "/feeds", 0.2),
    ("silences", "/silences", 0.2),
]


def _fill(state: Path, count: int) -> None:
    rules = load_ruleset(default_rules_dir())
    store = ArchiveStore(open_state(state))
    start = datetime.now(timezone.utc) - timedelta(days=13)
    batch = []
    for article in _articles(count, random.Random(7), start, 13.0):
        batch.append(Intake(classified=rules.classify(article), story_id=article.id))
        if len(batch) == 2000:
            store.record(batch)
            batch = []
    if batch:
        store.record(batch)
    store.conn.close()


_BROWSER = """
import sys, time, httpx
url, cookie, period, paths = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
with httpx.Client(base_url=url, cookies={"pantau_session": cookie}, timeout=30) as client:
    i = 0
    while True:
        client.get(paths[i % len(paths)])
        i += 1
        time.sleep(period)
"""


def _browse(url: str, cookie: str, period: float) -> subprocess.Popen:
    """A person browsing in another process: one page every ``period`` seconds until killed."""
    return subprocess.Popen(
        [sys.executable, "-c", _BROWSER, url, cookie, str(period), *(p for _n, p, _t in PAGES)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _classify_seconds(rules, articles) -> tuple[float, float]:
    """Per-article (wall, this thread's CPU) seconds of classifying ``articles``."""
    wall, cpu = time.perf_counter(), time.thread_time()
    for article in articles:
        rules.classify(article)
    return (time.perf_counter() - wall) / len(articles), (time.thread_time() - cpu) / len(articles)


def cases(args):
    """Page answer times over a 100,000-article archive, then classification cost side by side."""
    configure_logging("json", "warning")
    count = 10_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state.db"
        began = time.perf_counter()
        _fill(state, count)
        filled = time.perf_counter() - began
        rules = load_ruleset(default_rules_dir())
        config = Config.model_validate(
            {"state": str(state), "rules": str(default_rules_dir()), "web": {"token": TOKEN}}
        )
        app = build_app(make_context(config, lambda: rules))
        server = start_in_process(config, "127.0.0.1:0")  # as `pantau run` serves it
        assert server is not None
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                client.get(f"/login?token={TOKEN}")
                for name, path, target in PAGES:
                    assert client.get(path).status_code == 200, path  # warm: templates compiled, SQLite pages cached
                    times = []
                    for _ in range(20):
                        t0 = time.perf_counter()
                        reply = client.get(path)
                        times.append(time.perf_counter() - t0)
                        assert reply.status_code == 200
                    p90 = sorted(times)[int(len(times) * 0.9) - 1]
                    yield {
                        "bench": "web_page",
                        "page": name,
                        "path": path,
                        "archived": count,
                        "median_ms": round(statistics.median(times) * 1000, 1),
                        "p90_ms": round(p90 * 1000, 1),
                        "worst_ms": round(max(times) * 1000, 1),
                        "bytes": len(reply.content),
                        "target_ms": target * 1000,
                        "meets_target": p90 < target,
                        "archive_fill_s": round(filled, 1),
                    }
        finally:
            server.stop()
        articles = list(_articles(600 if args.quick else 1500, random.Random(11), datetime.now(timezone.utc), 1.0))
        yield _classify_cost(rules, articles, app, config)


def _classify_cost(rules, articles, app, config) -> dict:
    """Classification with no page, the page idle, the page browsed: back to back in each of many rounds.

    Each round measures every state within seconds of each other and the
    figures are the medians of the per-round ratios, so the machine's other load
    (other processes come and go) cancels out instead of landing on one state.
    The page is served the way ``pantau run`` serves it (``process``: a child
    process) and, for comparison, from a thread of the classifying process
    (``thread``: how it was served before).
    """
    starts = {
        "thread": lambda: start_in_thread(app, "127.0.0.1:0"),
        "process": lambda: start_in_process(config, "127.0.0.1:0"),
    }
    states = [f"{how}_{what}" for how in starts for what in ("idle", "browsed")]
    ratios: dict[str, list[float]] = {k: [] for s in states for k in (s, s + "_cpu")}
    absolute: dict[str, list[float]] = {"none": [], **{s: [] for s in states}}
    for _ in range(ROUNDS):
        none = _classify_seconds(rules, articles)
        absolute["none"].append(none[0])
        for how, start in starts.items():
            server = start()
            assert server is not None
            try:
                with httpx.Client(base_url=server.url, timeout=30) as client:
                    client.get(f"/login?token={TOKEN}")  # the child process is up once this answers
                    cookie = client.cookies["pantau_session"]
                idle = _classify_seconds(rules, articles)
                browser = _browse(server.url, cookie, BROWSE_PERIOD)
                try:
                    time.sleep(1.5)  # the client imports httpx first; measure while it browses
                    browsed = _classify_seconds(rules, articles)
                finally:
                    browser.kill()
                    browser.wait(10)
            finally:
                server.stop()
            for what, value in (("idle", idle), ("browsed", browsed)):
                absolute[f"{how}_{what}"].append(value[0])
                ratios[f"{how}_{what}"].append(value[0] / none[0])
                ratios[f"{how}_{what}_cpu"].append(value[1] / none[1])
    med = {k: statistics.median(v) for k, v in ratios.items()}
    # "Not measurable": the page's effect on latency is within the spread of the rounds themselves.
    spread = statistics.pstdev(ratios["process_idle"])
    browsed_spread = statistics.pstdev(ratios["process_browsed"])
    return {
        "bench": "web_classify_cost",
        "articles_per_state": len(articles),
        "rounds": ROUNDS,
        "browse_period_s": BROWSE_PERIOD,
        "us_per_article": {k: round(statistics.median(v) * 1e6, 1) for k, v in absolute.items()},
        "ratio": {s: round(med[s], 3) for s in states},
        "cpu_ratio": {s: round(med[s + "_cpu"], 3) for s in states},
        "ratio_stdev": {s: round(statistics.pstdev(ratios[s]), 3) for s in states},
        "meets_target": abs(med["process_idle"] - 1) <= max(0.05, spread)
        and abs(med["process_browsed"] - 1) <= max(0.05, browsed_spread),
    }
