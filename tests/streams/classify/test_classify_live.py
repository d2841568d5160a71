"""LiveRules on real files: a valid edit swaps, a broken edit is refused and logged."""

from __future__ import annotations

from prometheus_client import REGISTRY

from pantau.core.logs import configure_logging
from pantau.streams.classify import LiveRules
from tests.waiting import wait_for

V1 = "rules:\n  - id: r\n    any: [alpha]\n"
V2 = "rules:\n  - id: r\n    any: [beta]\n"
BROKEN = "rules:\n  - id: r\n    any: [beta]\n    severity: hgih\n"


def reloads(result: str) -> float:
    return REGISTRY.get_sample_value("pantau_rules_reload_total", {"result": result}) or 0.0


def test_valid_edit_swaps_and_broken_edit_keeps_the_last_good_set(rules_dir, article):
    configure_logging("json")  # log to this test's stderr, not to one an earlier test closed
    directory = rules_dir(t=V1)
    live = LiveRules(directory, debounce_ms=100).start()
    try:
        first = live.current
        assert [m.rule for m in first.classify(article("alpha")).matches] == ["r"]
        assert (
            REGISTRY.get_sample_value("pantau_rules_info", {"version": first.version, "directory": str(directory)})
            == 1.0
        )
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


def test_an_idle_watch_compares_stat_signatures_and_still_sees_every_edit(rules_dir, monkeypatch):
    import os

    from pantau.streams.classify import live as live_module

    directory = rules_dir(t=V1)
    path = directory / "t.yaml"
    os.utime(path, ns=(10**18, 10**18))  # saved long before the load (not racily clean)
    live = LiveRules(directory)
    hashed = []
    real = live_module.fingerprint
    monkeypatch.setattr(live_module, "fingerprint", lambda d: hashed.append(d) or real(d))
    assert all(live.unchanged() for _ in range(50)) and len(hashed) <= 1  # a stat per check, no content hash

    rules_dir(directory, t=V1.replace("alpha", "gamma"))  # the same size, a new mtime
    os.utime(path, ns=(10**18 + 1, 10**18 + 1))
    assert not live.unchanged()
    assert live.reload() and all(live.unchanged() for _ in range(5))

    # An edit that keeps size and mtime (a copy with -p) hides from the stamp: the periodic hash finds it.
    rules_dir(directory, t=V1.replace("alpha", "delta"))
    os.utime(path, ns=(10**18 + 1, 10**18 + 1))
    assert live.unchanged()
    monkeypatch.setattr(live_module, "_HASH_EVERY", 0.0)
    assert not live.unchanged()


def test_a_stamp_of_files_saved_a_moment_before_it_is_not_trusted(rules_dir, monkeypatch):
    from pantau.streams.classify import live as live_module

    directory = rules_dir(t=V1)  # written just now: an edit within the same timestamp tick could hide
    live = LiveRules(directory)
    hashed = []
    real = live_module.fingerprint
    monkeypatch.setattr(live_module, "fingerprint", lambda d: hashed.append(d) or real(d))
    assert live.unchanged() and live.unchanged() and len(hashed) == 2


def gauge(directory) -> float | None:
    return REGISTRY.get_sample_value("pantau_rules_last_reload_successful", {"directory": str(directory)})


TYPO = "terms:\n  sport: [bola]\nrules:\n  - id: r\n    any: [beta]\n    none: ['@sprot']\n"
FIXED = "terms:\n  sport: [bola]\nrules:\n  - id: r\n    any: [gamma]\n    none: ['@sport']\n"


def test_a_typo_never_freezes_the_watcher_and_every_refusal_is_counted_and_located(rules_dir, article, capsys):
    configure_logging("json")
    directory = rules_dir(t=V1)
    live = LiveRules(directory, debounce_ms=100).start()
    try:
        good = live.current
        assert gauge(directory) == 1.0 and live.problem is None
        for attempt in range(2):  # each failed edit is one more refusal
            before = reloads("error")
            rules_dir(directory, t=TYPO + f"# attempt {attempt}\n")
            assert wait_for(lambda before=before: reloads("error") > before and "@sprot" in (live.problem or ""))
            assert live.current is good and live.watching
        assert gauge(directory) == 0.0
        assert "t.yaml:9:12: rule 'r': unknown list '@sprot' (did you mean '@sport'?)" in live.problem
        assert live.degraded() == [live.problem] and f"still running version {good.version}" in live.problem
        logged = capsys.readouterr().err
        assert '"event": "rules_reload_refused"' in logged and "t.yaml:9:12" in logged

        rules_dir(directory, t=FIXED)  # the next edit is read
        assert wait_for(lambda: live.current is not good)
        assert live.current.classify(article("gamma")).topics == ("t",)
        assert live.problem is None and gauge(directory) == 1.0
    finally:
        live.stop()


def test_a_fix_that_restores_the_running_version_is_logged(rules_dir, capsys):
    configure_logging("json")
    directory = rules_dir(t=V1)
    live = LiveRules(directory)
    running = live.current
    rules_dir(directory, t=TYPO)
    assert live.reload() is False and live.problem is not None
    rules_dir(directory, t=V1)
    assert live.reload() is True and live.current is running and live.problem is None
    assert "rules on disk match the running set again" in capsys.readouterr().err


def test_whatever_the_loader_raises_is_a_refused_reload(rules_dir, monkeypatch, article):
    import pantau.streams.classify.live as live_module

    directory = rules_dir(t=V1)
    live = LiveRules(directory, debounce_ms=100).start()
    try:
        real = live_module.load_ruleset

        def crash(path):
            raise KeyError("something nobody foresaw")

        before = reloads("error")
        monkeypatch.setattr(live_module, "load_ruleset", crash)
        rules_dir(directory, t=V2)
        assert wait_for(lambda: reloads("error") > before)
        assert "KeyError" in live.problem and str(directory) in live.problem and live.watching
        monkeypatch.setattr(live_module, "load_ruleset", real)
        rules_dir(directory, t=V2 + "# touched\n")
        assert wait_for(lambda: live.current.classify(article("beta")).topics == ("t",))
        assert live.problem is None
    finally:
        live.stop()


def test_the_watcher_outlives_its_directory(rules_dir, tmp_path, article):
    import shutil

    directory = rules_dir(t=V1)
    live = LiveRules(directory, debounce_ms=100).start()
    try:
        shutil.rmtree(directory)
        assert wait_for(lambda: live.problem is not None and "does not exist" in live.problem)
        rules_dir(directory, t=V2)
        assert wait_for(lambda: live.current.classify(article("beta")).topics == ("t",))
        assert live.watching and live.problem is None
    finally:
        live.stop()
