"""Story members in the embedded mode's SQLite state file (table ``story_members``).

Implements :class:`pantau.streams.stories.StoryStore`; the distributed twin is
:class:`pantau.adapters.faust.stories_table.TableStoryStore`.
"""

from __future__ import annotations

import sqlite3

from pantau.streams.stories import StoryMember

__all__ = ["SqliteStoryStore"]

_SELECT = "SELECT article_id, story_id, at, size, signature, fingerprint, seen FROM story_members"


class SqliteStoryStore:
    """Story members in the embedded state file (table ``story_members``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.ensure_schema()

    def ensure_schema(self) -> None:
        """Create the table and its time index when missing."""
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS story_members ("
            " article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, at REAL NOT NULL,"
            " size INTEGER NOT NULL, signature BLOB NOT NULL)"
        )
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(story_members)")}
        if "fingerprint" not in columns:  # state files from before cross-language fingerprints were kept
            self._conn.execute("ALTER TABLE story_members ADD COLUMN fingerprint BLOB NOT NULL DEFAULT x''")
        if "seen" not in columns:  # state files from before fetch times were kept (0: the publication stands)
            self._conn.execute("ALTER TABLE story_members ADD COLUMN seen REAL NOT NULL DEFAULT 0")
        self._conn.execute("DROP INDEX IF EXISTS story_members_at")  # by publication alone: replaced
        self._conn.execute("CREATE INDEX IF NOT EXISTS story_members_kept ON story_members(max(at, seen))")

    def get(self, article_id: str) -> StoryMember | None:
        """The member recorded for ``article_id``, if any."""
        row = self._conn.execute(
            _SELECT + " WHERE article_id=?",
            (article_id,),
        ).fetchone()
        return StoryMember(*row) if row else None

    def add(self, member: StoryMember) -> None:
        """Record a member; a second add of the same article is ignored."""
        self._conn.execute(
            "INSERT OR IGNORE INTO story_members (article_id, story_id, at, size, signature, fingerprint, seen)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                member.article_id,
                member.story_id,
                member.at,
                member.size,
                member.signature,
                member.fingerprint,
                member.seen,
            ),
        )

    def recent(self, since: float) -> list[StoryMember]:
        """Members kept from ``since`` or later, oldest first."""
        rows = self._conn.execute(_SELECT + " WHERE max(at, seen) >= ? ORDER BY max(at, seen)", (since,)).fetchall()
        return [StoryMember(*r) for r in rows]

    def latest(self) -> float | None:
        """The newest member's ``kept_from``, or None when empty."""
        return self._conn.execute("SELECT max(max(at, seen)) FROM story_members").fetchone()[0]

    def prune(self, before: float) -> int:
        """Forget members kept from before ``before``; returns how many."""
        return self._conn.execute("DELETE FROM story_members WHERE max(at, seen) < ?", (before,)).rowcount
