"""The embedded mode's state file: one SQLite database, opened one way.

Each part keeps its own tables and creates them itself (``ensure_schema`` in
its module): feed progress (pantau.adapters.sqlite.feed_state), seen articles and stories
(pantau.streams.stories), the alert outbox, dead letters and silences
(pantau.streams.deliver), the archive, feedback verdicts and the audit log
(``record_audit`` / ``list_audit``, re-exported here). WAL mode lets
``pantau status`` and ``pantau alerts`` read while ``pantau run`` writes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pantau.adapters.sqlite.audit import AuditEntry, AuditLog, list_audit, record_audit

__all__ = ["open_state", "record_audit", "list_audit", "AuditLog", "AuditEntry"]


def open_state(path: str | Path) -> sqlite3.Connection:
    """Open (creating its folder) the SQLite state file in WAL mode, autocommit."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn
