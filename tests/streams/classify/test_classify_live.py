"""LiveRules on real files: a valid edit swaps, a broken edit is refused and logged."""

from __future__ import annotations

import time

from prometheus_client import REGISTRY

from pantau.streams.classify import LiveRules
from pantau.core.logs import configure_logging

V1 = "rules:\n  - id: r\n    any: [alpha]\n"
V2 = "rules:\n  - id: r\n    any: [beta]\n"
BROKEN = "rules:\n  - id: r\n    any: [beta]\n    severity: hgih\n"


def wait_for(predicate, timeout: float = 30.0) -> bool:
    """Poll until ``predicate()`` holds; generous bound, not a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def reloads(result: str) -> float:
    return REGISTRY.get_sample_value("pantau_rules_reload_total", {"result": result}) or 0.0


def test_valid_edit_swaps_and_broken_edit_keeps_the_last_good_set(rules_dir, article):
    configure_logging("json")  # log to this test's stderr, not to one an earlier test closed
    directory = rules_dir(t=V1)
    live = LiveRules(directory, debounce_ms=100).start()
    try:
        first = live.current
        assert [m.rule for m in first.classify(article("alpha")).matches] == ["r"]
        assert REGISTRY.get_sample_value("pantau_rules_info", {"version": first.version, "directory": str(directory)}) == 1.0
        ok_before = reloads("ok")

        rules_dir(directory, t=V2)
        assert wait_for(lambda: live.current.version != first.version)
        second = live.current
        assert second.classify(article("beta")).topics == ("t",)
        assert second.classify(article("alpha")).topics == ()
        assert reloads("ok") > ok_before
        assert first.classify(article("alpha")).topics == ("t",)  # a held reference keeps working

        errors_before = reloads("error")
        rules_dir(directory, t=BROKEN)
        # (a half-written file may be refused first: wait for the complete edit's refusal)
        assert wait_for(lambda: live.last_error is not None and "hgih" in str(live.last_error.problems[0]))
        assert reloads("error") > errors_before
        assert live.current is second
        assert "t.yaml:7:15: severity 'hgih'" in str(live.last_error.problems[0])
        assert REGISTRY.get_sample_value("pantau_rules_active") == 1.0
    finally:
        live.stop()


def test_reload_without_changes_keeps_the_same_object(rules_dir):
    live = LiveRules(rules_dir(t=V1))
    before = live.current
    assert live.reload() is True and live.current is before
