"""Ninety days at 50,000 articles a day: delivery state stays bounded in both modes (and its size is printed)."""

import json

from pantau.streams.deliver.retention import MIN_RETENTION
from tests.bench.retention_sim import simulate


def test_ninety_days_of_state_stay_bounded(tmp_path, capsys):
    result = simulate(days=90, per_day=50_000, match_share=0.02, state_dir=tmp_path)
    days = result.days
    assert result.articles == 4_500_000 and result.alerts_sent > 0
    assert result.alerts_sent == result.alerts_sent_tables  # both modes delivered the same alerts
    retention_days = int(MIN_RETENTION // 86400)
    at_retention, last = days[retention_days + 1], days[-1]
    # After the first retention period the state stops growing: day 90 holds no more than
    # day 32 plus a day's worth of slack (rows), and SQLite reuses the pages it freed.
    per_day = days[1].sqlite_rows - days[0].sqlite_rows
    assert last.sqlite_rows <= at_retention.sqlite_rows + per_day, (at_retention, last)
    assert last.table_entries <= at_retention.table_entries + per_day, (at_retention, last)
    assert last.sqlite_bytes <= at_retention.sqlite_bytes * 1.15, (at_retention, last)
    assert last.table_bytes <= at_retention.table_bytes * 1.15, (at_retention, last)
    # ...while without pruning day 90 would hold about three times day 30's rows.
    assert last.sqlite_rows < 1.2 * days[29].sqlite_rows and last.table_entries < 1.2 * days[29].table_entries
    with capsys.disabled():
        print(
            "\nretention after 90 days:",
            json.dumps(
                {
                    "articles": result.articles,
                    "matched": result.matched,
                    "alerts_sent": result.alerts_sent,
                    "retention_days": result.retention_days,
                    "sqlite_bytes": last.sqlite_bytes,
                    "sqlite_rows": last.sqlite_rows,
                    "table_entries": last.table_entries,
                    "table_bytes": last.table_bytes,
                    "sqlite_bytes_day30": days[29].sqlite_bytes,
                }
            ),
        )
