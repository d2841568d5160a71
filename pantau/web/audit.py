"""Every change made on the page is recorded: who, when, what (a diff for rules).

The record goes to the audit table of the state file
(``pantau.adapters.sqlite.audit``) and to the structured log, so a change is
never made silently.
"""

from __future__ import annotations

import time

from starlette.requests import Request

from pantau.adapters.sqlite.audit import AuditLog
from pantau.core.logs import get_logger

__all__ = ["record", "recent"]

log = get_logger(component="web.audit")


def _store(request: Request) -> AuditLog:
    return AuditLog(request.app.state.web.conn)


def _who(request: Request) -> str:
    user = getattr(request.state, "user", None)
    return user.name if user is not None else "anonymous (signed link)"  # feedback from a link, not logged in


def record(request: Request, action: str, what: str, *, diff: str = "") -> None:
    """Record one change made by the request's user."""
    who, at = _who(request), time.time()
    log.info("web_change", who=who, action=action, what=what, diff_lines=diff.count("\n"))
    _store(request).record(who=who, action=action, what=what, diff=diff, at=at)


def recent(request: Request, limit: int = 100) -> list:
    """The latest audit records, newest first."""
    return _store(request).recent(limit)
