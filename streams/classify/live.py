"""LiveRules: the rule set in force, swapped when editors change the directory.

A watcher thread reloads on every change; a valid set replaces the current one
with a single reference assignment, so each article is classified by exactly
one rule set (callers read ``.current`` once per article). An invalid edit is
logged with the same located errors as ``pantau rules check`` and the last
good set keeps running.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import watchfiles

from pantau.core import metrics
from pantau.streams.classify.engine import RuleSet
from pantau.streams.classify.loader import load_ruleset
from pantau.core.errors import RulesError
from pantau.core.logs import get_logger

__all__ = ["LiveRules"]


class LiveRules:
    """Watches a rules directory and keeps the last valid rule set in ``current``."""

    def __init__(self, directory: Path, *, debounce_ms: int = 300, force_polling: bool | None = None) -> None:
        self.directory = Path(directory)
        self._debounce = debounce_ms
        self._polling = force_polling
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._log = get_logger(rules=str(self.directory))
        self._current = self._load_first()
        self.last_error: RulesError | None = None

    @property
    def current(self) -> RuleSet:
        """The rule set in force; read it once per article."""
        return self._current

    def start(self) -> "LiveRules":
        """Start watching in a daemon thread (idempotent)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._watch, name="pantau-rules-watch", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching and wait for the thread to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def reload(self) -> bool:
        """Load the directory now; swap on success, keep the last good set on failure."""
        began = time.perf_counter()
        try:
            fresh = load_ruleset(self.directory)
        except RulesError as exc:
            self.last_error = exc
            metrics.RULES_RELOADS.labels(result="error").inc()
            self._log.error("rules_reload_refused", version=self._current.version, problems=[str(p) for p in exc.problems])
            return False
        self.last_error = None
        metrics.RULES_RELOADS.labels(result="ok").inc()
        if fresh.version != self._current.version:
            self._publish(fresh)
            self._current = fresh  # the swap: one reference assignment, after the metrics say so
            self._log.info("rules_reloaded", version=fresh.version, rules=fresh.active, seconds=round(time.perf_counter() - began, 3))
        return True

    def _load_first(self) -> RuleSet:
        ruleset = load_ruleset(self.directory)
        self._publish(ruleset)
        return ruleset

    @staticmethod
    def _publish(ruleset: RuleSet) -> None:
        metrics.RULES_INFO.info({"version": ruleset.version, "directory": ruleset.directory})
        metrics.RULES_ACTIVE.set(ruleset.active)

    def _watch(self) -> None:
        try:
            for _changes in watchfiles.watch(
                self.directory,
                stop_event=self._stop,
                debounce=self._debounce,
                step=50,
                rust_timeout=1000,
                yield_on_timeout=False,
                force_polling=self._polling,
                raise_interrupt=False,
            ):
                self.reload()
        except Exception as exc:  # the watcher must never take the worker down
            self._log.error("rules_watch_failed", error=repr(exc))
