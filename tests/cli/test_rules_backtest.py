"""``pantau rules backtest`` as an editor reads it (pantau/cli/rules_backtest.py: print_backtest)."""

from __future__ import annotations

import io
from datetime import timedelta

from pantau.cli.rules_backtest import print_backtest
from pantau.streams.backtest import backtest
from pantau.streams.classify import load_ruleset
from tests.streams.test_backtest import DESTS, ROUTES, T0, archive, rules_dirs  # noqa: F401  (fixtures)


def test_the_report_has_the_headline_topics_rules_with_marked_samples_and_deliveries(archive, rules_dirs) -> None:  # noqa: F811
    store, running = archive
    since, until = T0.timestamp(), (T0 + timedelta(days=2)).timestamp()
    result = backtest(
        store.scan(since, until),
        running,
        load_ruleset(rules_dirs[1]),
        routes=ROUTES,
        destinations=DESTS,
        since=since,
        until=until,
    )
    out = io.StringIO()
    print_backtest(result, out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("6 archived articles, 2026-11-20 06:00 .. 2026-11-22 06:00 UTC (2.0 days): rules ")
    assert lines[1] == "  " + result.headline()[0]
    topics = lines.index(f"{'topic':<20}{'before':>8}{'after':>8}{'gained':>8}{'lost':>8}")
    assert lines[topics + 1].split() == ["cybercrime", "2", "4", "+2", "-0"]
    gained = [line for line in lines if line.startswith("    + ")]
    assert gained[0].startswith("    + Situs judi online diblokir  [judi online]  https://a.example/3")
    assert any(line.startswith("    - Delegasi tiba di Pyongyang  [Pyongyang]") for line in lines)
    desk = next(line for line in lines if line.startswith("cyber-desk -> slack-desk"))
    assert desk.split()[-3:] == ["0.5", "1.5", "+1.0"]
    assert lines[-1].startswith("(") and "articles reused their archived classification)" in lines[-1]


def test_a_change_that_moves_nothing_says_so(archive, rules_dirs) -> None:  # noqa: F811
    store, running = archive
    result = backtest(store.scan(), running, load_ruleset(rules_dirs[0]), routes=ROUTES, destinations=DESTS)
    out = io.StringIO()
    print_backtest(result, out)
    text = out.getvalue()
    assert "  no route or destination would have sent a different number of alerts" in text
    assert "no article gains or loses a rule" in text
