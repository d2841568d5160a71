"""The audit log: who changed what, when, with a diff for rule edits (table ``audit_log``).

    log = AuditLog(conn)
    log.record(who="ana", action="rule_save", what="rules/cybercrime.yaml", diff=unified_diff)
    log.recent(100) -> list[AuditEntry]               # newest first
    record_audit(conn, who=..., action=..., what=..., diff=...)   # the same, as functions
    list_audit(conn, limit=100, action="silence_add", who="ana", since=ts)

Actions the web page writes: ``rule_save``, ``silence_add``, ``silence_expire``,
``feedback``, ``should_have_alerted``; any short word is accepted. Rows are never
updated or deleted by pantau (the log outlives the archive's retention).
"""

from __future__ import annotations

import sqlite3
import time

import msgspec

__all__ = ["AuditLog", "AuditEntry", "record_audit", "list_audit"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS audit_log (id INTEGER PRIMARY KEY, at REAL NOT NULL, who TEXT NOT NULL,"
    " action TEXT NOT NULL, what TEXT NOT NULL, diff TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at)",
)


def _ensure(conn: sqlite3.Connection) -> None:
    # execute, not executescript: that would commit a transaction the caller has open.
    for statement in _SCHEMA:
        conn.execute(statement)


_MAX_DIFF = 200_000  # a pasted megabyte must not make the log unreadable


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One recorded change."""

    id: int
    at: float
    who: str
    action: str
    what: str
    diff: str = ""


def record_audit(
    conn: sqlite3.Connection, *, who: str, action: str, what: str, diff: str = "", at: float | None = None
) -> int:
    """Append one change to the audit log; returns its id."""
    _ensure(conn)
    if len(diff) > _MAX_DIFF:
        diff = diff[:_MAX_DIFF] + f"\n... ({len(diff) - _MAX_DIFF} more characters not kept)"
    cur = conn.execute(
        "INSERT INTO audit_log (at, who, action, what, diff) VALUES (?,?,?,?,?)",
        (time.time() if at is None else at, who, action, what, diff),
    )
    assert cur.lastrowid is not None  # set by every INSERT
    return cur.lastrowid


def list_audit(
    conn: sqlite3.Connection,
    *,
    limit: int = 100,
    action: str | None = None,
    who: str | None = None,
    since: float | None = None,
) -> list[AuditEntry]:
    """The latest changes, newest first, optionally of one action, one person, or since a time."""
    _ensure(conn)
    clauses: list[str] = []
    params: list[object] = []
    for column, value in (("action", action), ("who", who)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        clauses.append("at >= ?")
        params.append(since)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = conn.execute(
        f"SELECT id, at, who, action, what, diff FROM audit_log {where} ORDER BY at DESC, id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [AuditEntry(id=i, at=at, who=w, action=a, what=x, diff=d) for i, at, w, a, x, d in rows]


class AuditLog:
    """The audit log of one state file, as an object (what the web page holds)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        _ensure(conn)

    def record(self, *, who: str, action: str, what: str, diff: str = "", at: float | None = None) -> int:
        """Append one change; returns its id."""
        return record_audit(self.conn, who=who, action=action, what=what, diff=diff, at=at)

    def recent(self, limit: int = 100, **filters) -> list[AuditEntry]:
        """The latest changes, newest first (filters as :func:`list_audit`)."""
        return list_audit(self.conn, limit=limit, **filters)
