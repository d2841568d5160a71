"""Delivery state after months: 90 simulated days at 50,000 articles a day (tests/bench/retention_sim.py).

Prints the state size the embedded mode (SQLite pages in use by the outbox
and story tables) and the distributed mode (Faust table entries and bytes)
hold at day 30 and day 90. Target: day 90 within 15 % of day 30's bytes,
since everything older than the retention is pruned.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.bench.retention_sim import simulate


def cases(args) -> Iterator[dict]:
    days, per_day = (45, 5_000) if args.quick else (90, 50_000)  # quick: still past the 30-day retention
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = simulate(days=days, per_day=per_day, state_dir=Path(tmp))
        took = time.perf_counter() - started
    mid = result.days[min(29, days - 1)]
    last = result.last
    yield {
        "bench": "retention",
        "days": days,
        "articles_per_day": per_day,
        "matched": result.matched,
        "alerts_sent": result.alerts_sent,
        "retention_days": result.retention_days,
        "sqlite_bytes_day30": mid.sqlite_bytes,
        "sqlite_bytes_last": last.sqlite_bytes,
        "sqlite_rows_last": last.sqlite_rows,
        "table_entries_last": last.table_entries,
        "table_bytes_day30": mid.table_bytes,
        "table_bytes_last": last.table_bytes,
        "seconds": round(took, 1),
        "meets_target": last.sqlite_bytes <= 1.15 * mid.sqlite_bytes and last.table_bytes <= 1.15 * mid.table_bytes,
    }
