"""Reading archive rows back: the shared filters, and rows decoded into entries with their story's alerts."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import msgspec

from pantau.adapters.sqlite.archive_records import ArchivedAlert, ArchiveEntry
from pantau.core.article import decode as decode_article
from pantau.streams.classify import Match

__all__ = ["ENTRY_COLS", "entries", "filters", "matches_decoder"]

ENTRY_COLS = "a.article, a.at, a.matches, a.ruleset_version, a.story_id"
matches_decoder = msgspec.json.Decoder(tuple[Match, ...])


def filters(since: float | None, until: float | None, topic: str | None, matched_only: bool) -> tuple[str, tuple]:
    """A WHERE clause (or "") and its parameters over ``archive_articles a`` for a time window and topic."""
    clauses: list[str] = []
    params: list[object] = []
    if since is not None:
        clauses.append("a.at >= ?")
        params.append(since)
    if until is not None:
        clauses.append("a.at < ?")
        params.append(until)
    if topic:
        clauses.append("instr(a.topics, ?) > 0")
        params.append(f" {topic} ")
    if matched_only:
        clauses.append("a.topics != ''")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def entries(conn: sqlite3.Connection, rows: Sequence[tuple]) -> list[ArchiveEntry]:
    """Decode ``ENTRY_COLS`` rows into entries, each with its story's alerts (one query for all)."""
    stories = {r[4] for r in rows if r[4]}
    alerts: dict[str, list[ArchivedAlert]] = {}
    if stories:
        marks = ",".join("?" * len(stories))
        for key, story, route, dest, created, status, why in conn.execute(
            f"SELECT a.key, a.story_id, a.route, a.destination, a.created, a.status, coalesce(w.why, '')"
            f" FROM archive_alerts a LEFT JOIN archive_alert_why w ON w.key = a.key"
            f" WHERE a.story_id IN ({marks}) ORDER BY a.created, a.key",
            tuple(stories),
        ):
            alerts.setdefault(story, []).append(
                ArchivedAlert(key=key, route=route, destination=dest, created=created, status=status, why=why)
            )
    return [
        ArchiveEntry(
            article=decode_article(body),
            at=at,
            matches=matches_decoder.decode(matches) if matches else (),
            ruleset_version=version,
            story_id=story,
            alerts=tuple(alerts.get(story, ())),
        )
        for body, at, matches, version, story in rows
    ]
