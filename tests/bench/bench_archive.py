"""Archive and backtest: disk per 100,000 articles, intake cost beside classification, search, prune, backtest.

Articles are ~2.5 KB of Indonesian-like filler words (as in bench_classify);
one in ten also carries two items of the held-out fixtures (tests/fixtures/
heldout, four languages), so the shipped rules match a realistic share.

Cases (one JSON line each):
- ``archive_intake``: per batch of 500, side by side (CPU time of this
  process), classifying with the shipped rules vs archiving the batch (one transaction, FTS5 index included);
  ``overhead_ratio`` = (classify + archive) / classify, the embedded runner's
  extra cost per article. The classification itself is not touched.
- ``archive_disk``: bytes in use per 100,000 articles (the archive tables,
  FTS index included), and the same text in a trigram FTS5 index for comparison.
- ``archive_search``: worst of 5 runs per query over the whole archive (target 300 ms).
- ``archive_prune``: dropping the older half (rows and index entries).
- ``backtest``: every archived article replayed under the running rules (reused
  from the archive, with the stories the pipeline assigned at intake) and a
  proposed edit of cybercrime.yaml (one term added): only the edited topic is
  classified again (its scope; north-korea's rules are loaded beside it, as
  cybercrime names them), the other topics' matches are the running side's;
  stories grouped again, lending the stored signatures of articles matched
  before; routes included. Target: 30 s of wall clock for 100,000 articles
  (``meets_target``; ``cpu_s`` is this process's CPU time, and ``load_avg_1m``
  the machine's load when it started: the machine is shared; ``cpu_wait_s``:
  time the replaying thread was ready to run but waited for a CPU, so with one
  process wall ~ cpu + wait + I/O). ``cpu_s`` includes the workers' CPU.
  ``read_s``: reading and decoding the rows alone.
- ``backtest_new_topic``: the edit adds a small topic (the scope is that topic).
- ``backtest_all``: as ``backtest_new_topic`` with the scope off: every topic classified again
  (the cost of an edit that touches every file); ``backtest_all_serial``: the same in one
  process, as backtests ran before (``workers``: processes classifying; the replay is one).
"""

from __future__ import annotations

import gc
import os
import random
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ruamel.yaml import YAML

from pantau.adapters.sqlite.archive import ArchiveStore, Intake
from pantau.adapters.sqlite.state import open_state
from pantau.adapters.sqlite.stories import SqliteStoryStore
from pantau.core.article import Article
from pantau.core.logs import configure_logging
from pantau.streams.backtest import backtest, proposal
from pantau.streams.backtest_pool import default_workers
from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.stories import StoryIndex

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "heldout"
_SYL = "ba be bi bo bu da de di do du ga gi gu ha ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu wa ya ng an en in un ar er ir".split()  # noqa: E501
QUERIES = ["kelapa", "peretas", '"kebocoran data"', "tin tặc", "북한", "ransomware OR peretas -polisi", "zzzqqq"]
EXTRA_TOPIC = """\
topic: bench-extra
title: Bench extra
owner: bench
rules:
  - id: extra-words
    any: [{words}]
"""


def _heldout() -> list[tuple[str, str, str]]:
    items = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        for item in YAML(typ="safe").load(path.read_text(encoding="utf-8")) or []:
            items.append((item.get("title") or "", item.get("content") or "", item.get("language") or "id"))
    return items


def _articles(count: int, rng: random.Random, start: datetime, span_days: float):
    vocab = list(dict.fromkeys("".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4))) for _ in range(8000)))
    weights = [1 / (i + 1) for i in range(len(vocab))]
    held = _heldout()
    step = span_days * 86400 / count
    for i in range(count):
        words = rng.choices(vocab, weights, k=380)
        title = " ".join(words[:8]).capitalize()
        content = ". ".join(" ".join(words[j : j + 19]).capitalize() for j in range(8, len(words), 19))
        language = "id"
        if i % 10 == 0:
            (t1, c1, language), (_, c2, _) = rng.choice(held), rng.choice(held)
            title, content = t1, f"{c1} {content} {c2}"
        at = start + timedelta(seconds=i * step)
        yield Article(
            id=f"bench-{i}",
            url=f"https://bench.example/{i}",
            title=title,
            content=content,
            fetched=at,
            published=at,
            feed=f"feed-{i % 50}",
            language=language,
        )


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (the backtest's workers end with it)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _waited() -> float:
    """Seconds this thread has spent runnable but waiting for a CPU (Linux schedstat; 0 elsewhere)."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _file_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def _trigram_ratio(db: Path, sample: int) -> dict:
    """FTS bytes per article, unicode61 (as shipped) vs trigram, over the same ``sample`` articles."""
    sizes = {}
    src = sqlite3.connect(db)
    rows = src.execute(
        "SELECT json_extract(article, '$.title'), json_extract(article, '$.summary'),"
        " json_extract(article, '$.content') FROM archive_articles LIMIT ?",
        (sample,),
    ).fetchall()
    src.close()
    for tokenizer in ("unicode61 remove_diacritics 2", "trigram"):
        with tempfile.TemporaryDirectory() as tmp:
            conn = sqlite3.connect(Path(tmp) / "fts.db")
            conn.execute(
                f"CREATE VIRTUAL TABLE f USING fts5(title, summary, content, content='', tokenize='{tokenizer}')"
            )
            conn.executemany("INSERT INTO f (title, summary, content) VALUES (?,?,?)", rows)
            conn.commit()
            conn.execute("INSERT INTO f(f) VALUES ('optimize')")
            conn.commit()
            conn.execute("VACUUM")
            pages = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
            conn.close()
            sizes[tokenizer.split()[0]] = pages / len(rows)
    return sizes


def cases(args):
    """Archive intake, disk, search, prune and backtest figures."""
    configure_logging("json", "warning")
    count = 10_000 if getattr(args, "quick", False) else 100_000
    rng = random.Random(11)
    running = load_ruleset(default_rules_dir())
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=14)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "state.db"
        conn = open_state(db)
        store = ArchiveStore(conn)
        classify_s = archive_s = 0.0  # CPU time of this process: the machine is shared
        members = SqliteStoryStore(conn)
        stories = StoryIndex(members)
        batch: list[Article] = []
        matched = 0
        gc.collect()

        def flush() -> None:
            nonlocal classify_s, archive_s, matched
            t0 = time.process_time()
            classified = [running.classify(a) for a in batch]
            t1 = time.process_time()
            # Stories as the pipeline assigns them (matched articles only), outside both timings.
            intakes = [
                Intake(classified=c, story_id=stories.assign(c.article).story_id if c.matches else None)
                for c in classified
            ]
            t2 = time.process_time()
            store.record(intakes)
            t3 = time.process_time()
            classify_s += t1 - t0
            archive_s += t3 - t2
            matched += sum(1 for i in intakes if i.classified.matches)
            batch.clear()

        for article in _articles(count, rng, start, 14):
            batch.append(article)
            if len(batch) == 500:
                flush()
        if batch:
            flush()
        yield {
            "case": "archive_intake",
            "articles": count,
            "matched": matched,
            "classify_per_s": round(count / classify_s),
            "archive_per_s": round(count / archive_s),
            "archive_ms_per_article": round(archive_s / count * 1000, 3),
            "overhead_ratio": round((classify_s + archive_s) / classify_s, 2),
        }

        usage = store.usage()
        per_100k = usage.file_bytes / count * 100_000
        tri = _trigram_ratio(db, min(count, 5000))
        yield {
            "case": "archive_disk",
            "articles": count,
            "mb_per_100k_articles": round(per_100k / 1e6, 1),
            "file_mb": round(_file_mb(db), 1),
            "fts_bytes_per_article_unicode61": round(tri["unicode61"]),
            "fts_bytes_per_article_trigram": round(tri["trigram"]),
            "trigram_to_unicode61": round(tri["trigram"] / tri["unicode61"], 2),
        }

        worst = {}
        week = time.time() - 7 * 86400
        for q in QUERIES:
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                store.search(q, limit=20)
                store.search(q, limit=20, since=week, topic="cybercrime")
                times.append((time.perf_counter() - t0) / 2)
            worst[q] = round(max(times) * 1000, 1)
        slowest = max(worst.values())
        yield {
            "case": "archive_search",
            "articles": count,
            "worst_ms_by_query": worst,
            "worst_ms": slowest,
            "target_ms": 300,
            "meets_target": slowest < 300,
        }

        words = ", ".join(sorted({w for t, _, _ in _heldout()[:40] for w in t.split()[:1] if w.isalpha()})[:5])
        routes = [
            RouteSpec(name="cyber", topics=["cybercrime"], to=["desk"]),
            RouteSpec(name="rest", default=True, to=["console"]),
        ]
        t0, c0 = time.perf_counter(), time.process_time()
        read = sum(1 for _ in store.scan())
        read_s, read_cpu = time.perf_counter() - t0, time.process_time() - c0
        cyber = (default_rules_dir() / "cybercrime.yaml").read_text(encoding="utf-8")
        edits = {
            # The heaviest one-file edit: the biggest topic, which names another (its rules are loaded too).
            "backtest": {
                "cybercrime.yaml": cyber.replace("      - forum gelap\n", "      - forum gelap\n      - pasar\n", 1)
            },
            "backtest_new_topic": {"bench-extra.yaml": EXTRA_TOPIC.format(words=words)},
            "backtest_all": {"bench-extra.yaml": EXTRA_TOPIC.format(words=words)},  # scope off: every topic again
            "backtest_all_serial": {"bench-extra.yaml": EXTRA_TOPIC.format(words=words)},  # and one process
        }
        for case, edit in edits.items():
            proposed, scope = proposal(default_rules_dir(), edit)
            if case.startswith("backtest_all"):
                scope = None
            workers = 1 if case.endswith("_serial") else default_workers()
            gc.collect()
            load = os.getloadavg()[0]
            t0, c0, w0 = time.perf_counter(), _cpu(), _waited()
            result = backtest(
                store.scan(),
                running,
                proposed,
                routes=routes,
                destinations={"desk": "slack"},
                members=members,
                scope=scope,
                workers=workers,
            )
            seconds, cpu, waited = time.perf_counter() - t0, _cpu() - c0, _waited() - w0
            scale = 100_000 / count
            yield {
                "case": case,
                "articles": result.articles,
                "scope": sorted(scope.topics) if scope is not None else "all",
                "workers": workers,
                "seconds": round(seconds, 2),
                "cpu_s": round(cpu, 2),
                "cpu_wait_s": round(waited, 2),
                "read_s": round(read_s, 2),
                "read_cpu_s": round(read_cpu, 2),
                "load_avg_1m": round(load, 2),
                "cores": os.cpu_count(),
                "seconds_per_100k": round(seconds * scale, 1),
                "cpu_s_per_100k": round(cpu * scale, 1),
                "reused": result.reused,
                "narrowed": result.narrowed,
                "gained": sum(r.gained for r in result.rules),
                "lost": sum(r.lost for r in result.rules),
                "alerts_before": sum(d.before for d in result.deliveries),
                "alerts_after": sum(d.after for d in result.deliveries),
                "target_s_per_100k": 30,
                "meets_target": seconds * scale < 30,
                "cpu_meets_target": cpu * scale < 30,
            }
            assert read == result.articles

        t0 = time.perf_counter()
        gone = store.prune(7 * 86400)
        prune_s = time.perf_counter() - t0
        after = store.usage()
        yield {
            "case": "archive_prune",
            "pruned": gone,
            "seconds": round(prune_s, 2),
            "left": after.articles,
            "in_use_mb_after": round(after.file_bytes / 1e6, 1),
            "file_mb_after": round(_file_mb(db), 1),
        }
        conn.close()
