"""The archive's cost in embedded mode: ``pantau run``'s processing with the archive on and off, side by side.

One case, ``embedded_archive_cost``: the same articles (as in bench_archive:
~2.5 KB of Indonesian-like text, one in ten carrying held-out items the
shipped rules match) go through ``EmbeddedRunner.process_pending`` (classify,
group, route, queue alerts, archive, mark done), 20 at a time as polls
bring them, in rounds of 1,000, once with
``archive: 0`` and once with ``archive: 14d``, each on its own state file,
and through ``RuleSet.classify`` alone. Per 1,000 articles:

- ``classify_cpu_ms``: classification alone;
- ``run_cpu_ms_*``: the whole processing (``archive_cpu_ms`` = on - off: what
  archiving costs, with ``archive_to_classify`` its ratio to classification);
- ``wall_ms_*``: the wall time of the same (the machine is shared: read with care).

The alerts are delivered (to the console, into /dev/null) between rounds,
outside the timings, as the running dispatcher keeps the outbox short.
Rounds alternate off/on so the machine's other load falls on both alike; the
figures are medians over rounds.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_archive import _articles  # noqa: E402  (the same synthetic articles)

from pantau.config import Config  # noqa: E402
from pantau.core.logs import configure_logging  # noqa: E402
from pantau.runtime.embedded import EmbeddedRunner  # noqa: E402
from pantau.streams.classify import default_rules_dir, load_ruleset  # noqa: E402

ROUND = 1000
POLL = 20
"""Articles a poll brings at a time (a busy feed list: a few new items per feed per poll)."""


def _runner(folder: Path, archive: str, rules) -> EmbeddedRunner:
    config = Config.model_validate(
        {
            "feeds": [],
            "state": str(folder / "state.db"),
            "archive": archive,
            "web": {"listen": None},
            "routes": [{"name": "all", "to": ["console"]}],
        }
    )
    return EmbeddedRunner(config, rules=rules, console_stream=open("/dev/null", "w"))  # noqa: SIM115


async def _round(runner: EmbeddedRunner, articles) -> tuple[float, float]:
    """(CPU, wall) of processing ``articles`` as polls bring them: ``POLL`` at a time, then the archive flushed."""
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(articles), POLL):
        runner.inbox.accept(articles[start : start + POLL])
        await runner.process_pending()
    flush = getattr(runner, "flush_archive", None)
    if flush is not None:
        flush()  # what is still buffered is part of this round's cost
    run_cpu, run_wall = time.process_time() - cpu, time.perf_counter() - wall
    await runner.dispatcher.drain(30)  # as the running dispatcher would, between polls (not timed)
    return run_cpu, run_wall


async def _measure(rounds: int) -> dict:
    rules = load_ruleset(default_rules_dir())
    start = datetime.now(timezone.utc) - timedelta(days=2)
    articles = list(_articles(ROUND * rounds, random.Random(5), start, 2.0))
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        runners = {}
        for name, archive in (("off", "0"), ("on", "14d")):
            (Path(tmp) / name).mkdir()
            runners[name] = _runner(Path(tmp) / name, archive, rules)
        try:
            for r in range(rounds):
                batch = articles[r * ROUND : (r + 1) * ROUND]
                t0 = time.process_time()
                for a in batch:
                    rules.classify(a)
                figures.setdefault("classify", []).append(time.process_time() - t0)
                for name, runner in runners.items():
                    run, wall = await _round(runner, batch)
                    figures.setdefault(f"run_{name}", []).append(run)
                    figures.setdefault(f"wall_{name}", []).append(wall)
        finally:
            for runner in runners.values():
                await runner.aclose()
    med = {k: statistics.median(v) * 1000 for k, v in figures.items()}  # ms per round of 1,000
    return {
        "case": "embedded_archive_cost",
        "articles_per_round": ROUND,
        "rounds": rounds,
        "classify_cpu_ms": round(med["classify"], 1),
        "run_cpu_ms_archive_off": round(med["run_off"], 1),
        "run_cpu_ms_archive_on": round(med["run_on"], 1),
        "archive_cpu_ms": round(med["run_on"] - med["run_off"], 1),
        "archive_to_classify": round((med["run_on"] - med["run_off"]) / med["classify"], 2),
        "wall_ms_archive_off": round(med["wall_off"], 1),
        "wall_ms_archive_on": round(med["wall_on"], 1),
    }


def cases(args):
    """The archive's share of embedded processing, per 1,000 articles."""
    configure_logging("json", "warning")
    yield asyncio.run(_measure(3 if args.quick else 9))
