"""The first round's one line (sources/reachability.py): said once, when every enabled feed was tried."""

from __future__ import annotations

from typing import Any

from pantau.sources.outcome import FeedOutcome
from pantau.sources.reachability import FirstRound, reachability_line


class _Log:
    """Records (level, event, fields) as the poller's structlog logger would log them."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.events.append(("info", event, fields))

    def warning(self, event: str, **fields: Any) -> None:
        self.events.append(("warning", event, fields))


def _outcome(feed: str, outcome: str) -> FeedOutcome:
    return FeedOutcome(feed=feed, outcome=outcome)


def test_the_line_is_said_once_all_enabled_feeds_were_tried_and_counts_the_reached() -> None:
    log = _Log()
    first = FirstRound(log)  # a recorder standing in for structlog
    enabled = {"a", "b", "c"}
    first.count("a", _outcome("a", "ok"), lambda: enabled)
    first.count("b", _outcome("b", "deferred"), lambda: enabled)  # not asked this round: not tried
    first.count("b", _outcome("b", "timeout"), lambda: enabled)
    assert log.events == [] and not first.told
    first.count("c", _outcome("c", "not_modified"), lambda: enabled)
    assert log.events == [("info", "feeds_reachable", {"reached": 2, "feeds": 3, "message": "2 of 3 feeds reachable"})]
    first.count("b", _outcome("b", "ok"), lambda: enabled)  # later rounds say nothing more
    assert len(log.events) == 1 and first.told


def test_a_round_with_no_feed_reached_is_a_warning_with_what_to_try() -> None:
    log = _Log()
    first = FirstRound(log)
    for feed in ("a", "b"):
        first.count(feed, _outcome(feed, "error"), lambda: {"a", "b"})
    [(level, event, fields)] = log.events
    assert (level, event, fields["reached"]) == ("warning", "feeds_unreachable", 0)
    assert fields["message"] == reachability_line(0, 2)
    assert reachability_line(0, 2).startswith("0 of 2 feeds reachable; offline? try `make demo`")
    assert reachability_line(3, 24) == "3 of 24 feeds reachable"
