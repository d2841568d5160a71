"""Times and long text as every command writes them on a terminal (pantau.cli.terminal)."""

from __future__ import annotations

import pytest

from pantau.cli.terminal import ago, one_line, span, stamp


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (59.9, "59s"),  # whole units, never rounded up: 59.9 s is not yet a minute
        (60, "1m"),
        (90 * 60, "1h"),  # an hour and a half is "1h" in both `pantau status` and `pantau feeds status`
        (2 * 86400 + 5, "2d"),
        (-5, "0s"),  # a next poll already due
    ],
)
def test_a_span_is_its_largest_whole_unit(seconds: float, shown: str) -> None:
    assert span(seconds) == shown


def test_ago_counts_back_from_now_and_says_never_for_nothing() -> None:
    assert ago(1000.0, now=1000.0 + 7200) == "2h ago"
    assert ago(None, now=1000.0) == "never"


def test_one_line_folds_white_space_and_cuts_with_an_ellipsis() -> None:
    assert one_line("HTTP 503\n  from   kabar", 40) == "HTTP 503 from kabar"
    assert one_line("x" * 12, 10) == "x" * 9 + "…"
    assert len(one_line("y" * 500, 120)) == 120


def test_stamp_is_utc_to_the_minute_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Jakarta")  # UTC+7: a local-time stamp would read 00:30 the next day
    time.tzset()
    try:
        assert stamp(1795887000.0) == "2026-11-28 17:30"
        assert stamp(1795887059.9) == "2026-11-28 17:30"  # seconds cut, not rounded
    finally:
        monkeypatch.undo()
        time.tzset()
