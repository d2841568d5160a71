"""The web forms read durations with pantau.yaml's parser, but insist on a unit and a bound."""

from __future__ import annotations

import pytest

from pantau.core.config import parse_duration as config_duration
from pantau.web.views_archive import parse_since
from pantau.web.views_ops import parse_duration


@pytest.mark.parametrize("text", ["30m", "2h", "1d", "1w", "1.5h", " 45 m ", "90s"])
def test_form_durations_agree_with_the_config_parser(text: str) -> None:
    assert parse_duration(text) == config_duration(text)


@pytest.mark.parametrize("text", ["", "30", "soon", "-2h", "0h", "h", "11000d", "2 weeks"])
def test_unitless_unreadable_or_unbounded_durations_are_refused(text: str) -> None:
    assert parse_duration(text) is None


def test_since_reads_a_duration_back_from_now_and_all_as_no_bound() -> None:
    import time

    before = time.time()
    since = parse_since("2h")
    assert since is not None and before - 7200 - 1 <= since <= time.time() - 7200
    assert parse_since("all") is None
    unreadable = parse_since("soon", default=86400)
    assert unreadable is not None and abs(unreadable - (time.time() - 86400)) < 5
