"""LiveRules: the rule set in force, swapped when editors change the directory.

A watcher thread reloads on every change; a valid set replaces the current one
with a single reference assignment, so each article is classified by exactly
one rule set (callers read ``.current`` once per article). An invalid edit --
whatever it makes the loader raise -- is a refused reload: counted in
``pantau_rules_reload_total{result="error"}``, ``pantau_rules_last_reload_successful``
drops to 0, the located errors are logged (``rules_reload_refused``) and kept
in ``problem`` for /readyz and ``pantau status``, and the last good set keeps
running. The watcher itself never stops: the next edit is read, and a fix that
brings back the running version is logged ("rules on disk match the running set again").
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import watchfiles

from pantau.core import heap, metrics
from pantau.core.errors import RulesError
from pantau.core.logs import get_logger
from pantau.streams.classify.engine import RuleSet
from pantau.streams.classify.loader import fingerprint, judge_files, load_ruleset, rule_files
from pantau.streams.classify.problems import Problem

__all__ = ["LiveRules", "stat_stamp"]

_RETRY_SECONDS = 1.0
"""Pause before watching again when the watch itself fails (directory removed, too many files)."""
_HASH_EVERY = 60.0
"""Seconds between content hashes of files whose stat signature did not change (a safety net)."""
_RACY_NS = 2_000_000_000
"""A file modified this close to its stamp may change again within the same timestamp tick: hash it."""

Stamp = tuple[tuple[str, int, int, int], ...]


def stat_stamp(directory: Path) -> Stamp | None:
    """The rule and judge files' (name, mtime ns, size, inode), or None when unreadable: cheap to compare.

    The content hash (``fingerprint``) reads and hashes every file, the judge's 5 MB model included:
    once a second, that was most of an idle worker's CPU (~10 ms a second).
    """
    try:
        files = [*rule_files(directory), *judge_files(directory)]
        return tuple((p.name, st.st_mtime_ns, st.st_size, st.st_ino) for p in files for st in (p.stat(),))
    except OSError:
        return None


class LiveRules:
    """Watches a rules directory and keeps the last valid rule set in ``current``."""

    def __init__(self, directory: Path, *, debounce_ms: int = 300, force_polling: bool | None = None) -> None:
        self.directory = Path(directory)
        self._debounce = debounce_ms
        self._polling = force_polling
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._log = get_logger(rules=str(self.directory))
        self.last_error: RulesError | None = None
        """The refusal of the rules now on disk; None while they are the running set."""
        self.refused_at: float | None = None
        self._seen: str | None = None
        """The files' fingerprint at the last load: an edit made before the watch began is caught up."""
        self._stamp: Stamp | None = None
        """The files' stat signature when ``_seen`` was last confirmed (taken before reading them)."""
        self._stamped_ns = 0
        self._hashed_at = time.monotonic()
        self._current = self._load_first()

    @property
    def current(self) -> RuleSet:
        """The rule set in force; read it once per article."""
        return self._current

    @property
    def problem(self) -> str | None:
        """One line for /readyz and ``pantau status`` while the rules on disk are refused, else None."""
        error = self.last_error
        if error is None:
            return None
        first = str(error.problems[0]) if error.problems else error.message
        more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
        return f"rules on disk refused, still running version {self._current.version}: {first}{more}"

    @property
    def in_sync(self) -> bool:
        """True when the files on disk are the ones last loaded, accepted or refused (no edit waiting)."""
        return fingerprint(self.directory) == self._seen

    def degraded(self) -> list[str]:
        """The ``problem`` as a list of reasons (empty when the rules on disk are in force)."""
        problem = self.problem
        return [problem] if problem else []

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
        try:  # nothing watches this folder any more: its gauge would report a stale state
            metrics.RULES_RELOAD_OK.remove(str(self.directory))
        except KeyError:
            pass

    @property
    def watching(self) -> bool:
        """True while the watcher thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def reload(self) -> bool:
        """Load the directory now; swap on success, keep the last good set on failure (never raises)."""
        began = time.perf_counter()
        self._restamp(stat_stamp(self.directory))  # before reading: an edit from now on changes the stamp
        self._seen = fingerprint(self.directory)
        try:
            fresh = load_ruleset(self.directory)
        except RulesError as exc:
            self._refuse(exc)
            return False
        except Exception as exc:  # the loader reports what it foresaw; anything else is refused too
            self._log.error("rules_reload_crashed", error=repr(exc), exc_info=exc)
            self._refuse(
                RulesError(
                    [
                        Problem(
                            str(self.directory),
                            1,
                            1,
                            f"{type(exc).__name__}: {exc}",
                            "undo the last edit; report this as a pantau bug",
                        )
                    ],
                    directory=str(self.directory),
                )
            )
            return False
        was_refused = self.last_error is not None
        self.last_error, self.refused_at = None, None
        metrics.RULES_RELOADS.labels(result="ok").inc()
        self._reload_ok.set(1)
        if fresh.version != self._current.version:
            self._publish(fresh)
            self._current = fresh  # the swap: one reference assignment, after the metrics say so
            heap.resettle()  # the old set's cycles freed, the new set frozen with the rest (pantau/core/heap.py)
            self._log.info(
                "rules_reloaded",
                version=fresh.version,
                rules=fresh.active,
                seconds=round(time.perf_counter() - began, 3),
            )
        elif was_refused:
            self._log.info("rules_restored", version=fresh.version, message="rules on disk match the running set again")
        return True

    def _refuse(self, exc: RulesError) -> None:
        self.last_error = exc
        if self.refused_at is None:
            self.refused_at = time.time()
        metrics.RULES_RELOADS.labels(result="error").inc()
        self._reload_ok.set(0)
        problems = [str(p) for p in exc.problems]
        self._log.error(
            "rules_reload_refused",
            version=self._current.version,
            message=f"edit refused, still running version {self._current.version}: {problems[0] if problems else exc}",
            problems=problems,
            hint="fix the file at the location shown; the next save is picked up "
            "(`pantau rules check` lists every error)",
        )

    def _restamp(self, stamp: Stamp | None) -> None:
        self._stamp, self._stamped_ns = stamp, time.time_ns()

    def unchanged(self) -> bool:
        """True when the files are still those of the last load: by stat each call, by content now and then.

        A stamp is trusted only for files last modified well before it was taken (git's "racily
        clean" rule): an edit within the same timestamp tick and of the same size would not show.
        """
        stamp = stat_stamp(self.directory)
        now = time.monotonic()
        if stamp is not None and stamp == self._stamp and now - self._hashed_at < _HASH_EVERY:
            newest = max((mtime for _name, mtime, _size, _ino in stamp), default=0)
            if newest < self._stamped_ns - _RACY_NS:
                return True
        self._hashed_at = now
        if fingerprint(self.directory) != self._seen:
            return False
        self._restamp(stamp)
        return True

    def _load_first(self) -> RuleSet:
        self._restamp(stat_stamp(self.directory))
        ruleset = load_ruleset(self.directory)  # a broken set at start is the caller's error to report
        self._seen = ruleset.version
        self._publish(ruleset)
        self._reload_ok = metrics.RULES_RELOAD_OK.labels(str(self.directory))  # only once there is a set to run
        self._reload_ok.set(1)
        return ruleset

    @staticmethod
    def _publish(ruleset: RuleSet) -> None:
        metrics.RULES_INFO.info({"version": ruleset.version, "directory": ruleset.directory})
        metrics.RULES_ACTIVE.set(ruleset.active)

    def _identity(self) -> tuple[int, int] | None:
        """The folder now at ``directory`` (device, inode), or None when there is none."""
        try:
            st = self.directory.stat()
        except OSError:
            return None
        return (st.st_dev, st.st_ino) if self.directory.is_dir() else None

    def _watch(self) -> None:
        """Reload on every change until stopped; a failing watch is restarted, never abandoned.

        Each second without events the files are compared with the last load's (:meth:`unchanged`): an
        edit saved before the watch began (or one the OS did not report) is still picked up.
        """
        broken = False
        while not self._stop.is_set():
            if broken:
                if self._stop.wait(_RETRY_SECONDS):
                    return
                if self._identity() is None:
                    continue
                self.reload()  # whatever changed while nobody watched
                broken = False
            watched = self._identity()
            try:
                for _changes in watchfiles.watch(
                    self.directory,
                    stop_event=self._stop,
                    debounce=self._debounce,
                    # How often the watcher's loop wakes to look for events and the stop flag; also the
                    # quiet time that closes a group of changes. 50 ms woke the thread 20 times a second
                    # for nothing on an idle worker (0.0007-0.0013 CPU-s/s); an edit now applies up to ~0.5 s
                    # later and stop() waits up to 0.5 s (round 14).
                    step=500,
                    rust_timeout=1000,
                    yield_on_timeout=True,  # the first, empty, yield says the watch is in place
                    force_polling=self._polling,
                    raise_interrupt=False,
                ):
                    if not _changes:
                        if self.unchanged():
                            continue
                        # saved between the last load and the start of this watch: no event will come for it
                    self.reload()
                    if self._identity() != watched:  # removed or replaced: watch whatever folder is there next
                        broken = True
                        break
                else:
                    return  # stop_event set
            except Exception as exc:  # the watch itself failed: report once, then retry every second
                if not broken:
                    self._log.error("rules_watch_failed", error=repr(exc), retry_seconds=_RETRY_SECONDS)
                    self.reload()  # a refusal that names the problem (counted once, not once a second)
                broken = True
