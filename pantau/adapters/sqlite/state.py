"""The embedded mode's state file: one SQLite database, opened one way.

Each part keeps its own tables and creates them itself (``ensure_schema`` in
its module): feed progress (pantau.adapters.sqlite.feed_state), seen articles and stories
(pantau.streams.stories), the alert outbox, dead letters and silences
(pantau.streams.deliver), the archive, feedback verdicts and the audit log
(``record_audit`` / ``list_audit``, re-exported here). WAL mode lets
``pantau status`` and ``pantau alerts`` read while ``pantau run`` writes.

Read-only commands open with ``create=False``: a mistyped path then says
"no state at PATH" instead of leaving an empty database (and its folders)
behind. Every way the file can be unusable (a folder, not SQLite, a folder
that cannot be created, no permission) is a :class:`StateError` naming it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pantau.adapters.sqlite.audit import AuditEntry, AuditLog, list_audit, record_audit
from pantau.core.errors import StateError

__all__ = ["open_state", "require_state", "record_audit", "list_audit", "AuditLog", "AuditEntry"]

_HINT = "set `state:` in pantau.yaml to a file pantau may create, e.g. .pantau/state.db"


def require_state(path: str | Path) -> Path:
    """``path`` when a state file is there; a StateError for read-only commands otherwise."""
    path = Path(path)
    if path.is_dir():
        raise StateError(f"state {path} is a folder, not a state file", hint=_HINT)
    if not path.exists():
        raise StateError(
            f"no state at {path}; has pantau run here?",
            hint="start the monitor first (`pantau run`), or pass the --config it runs with",
        )
    return path


def open_state(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open the SQLite state file in WAL mode, autocommit; ``create`` also makes it and its folder."""
    path = Path(path)
    memory = str(path) == ":memory:"
    if not memory and not create:
        require_state(path)
    if not memory:
        if path.is_dir():
            raise StateError(f"state {path} is a folder, not a state file", hint=_HINT)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"cannot create the folder of state file {path}: {exc.strerror or exc}", hint=_HINT
            ) from None
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    except sqlite3.Error as exc:
        raise StateError(f"cannot open state file {path}: {exc}", hint=_HINT) from None
    try:
        conn.execute("PRAGMA journal_mode=WAL")  # the first read: a file that is not SQLite fails here
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
    except sqlite3.DatabaseError as exc:
        conn.close()
        what = "is not a pantau state file (not SQLite)" if "not a database" in str(exc) else f"is unusable: {exc}"
        raise StateError(
            f"state file {path} {what}", hint="point `state:` at a new file name; pantau creates it on its first run"
        ) from None
    return conn
