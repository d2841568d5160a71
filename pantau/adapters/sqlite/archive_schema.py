"""The archive's tables, index and trigger (created by :class:`~pantau.adapters.sqlite.archive.ArchiveStore`).

``archive_articles``: one row per article (the Article JSON, the matches JSON, ruleset version,
story id, a `` topic topic `` string for filters). ``archive_alerts``: one row per alert key (route,
destination, fate ``pending | sent | dead | silenced | inhibited``), with ``archive_alert_why`` for
inhibited ones. ``archive_fts``: an FTS5 index (``unicode61 remove_diacritics 2``) over title, summary
and content, read back from the article JSON through a view (``đ`` folded to ``d``), so the text is
stored once. ArchiveStore.record indexes new rows; a trigger removes the entries of pruned rows.
"""

from __future__ import annotations

__all__ = ["SCHEMA"]

_FOLD_SQL = "replace(replace(coalesce(json_extract({c}, '$.{f}'), ''), 'đ', 'd'), 'Đ', 'D')"


def _folded(column: str) -> str:
    return ", ".join(_FOLD_SQL.format(c=column, f=f) for f in ("title", "summary", "content"))


SCHEMA = f"""
CREATE TABLE IF NOT EXISTS archive_articles (
    seq INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    at REAL NOT NULL,
    feed TEXT NOT NULL,
    topics TEXT NOT NULL DEFAULT '',
    ruleset_version TEXT NOT NULL DEFAULT '',
    story_id TEXT,
    article TEXT NOT NULL,
    matches TEXT
);
CREATE INDEX IF NOT EXISTS archive_articles_at ON archive_articles(at);
CREATE INDEX IF NOT EXISTS archive_articles_story ON archive_articles(story_id) WHERE story_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS archive_alerts (
    key TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    story_id TEXT NOT NULL,
    route TEXT NOT NULL,
    destination TEXT NOT NULL,
    created REAL NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS archive_alerts_story ON archive_alerts(story_id);
CREATE TABLE IF NOT EXISTS archive_alert_why (
    key TEXT PRIMARY KEY,
    why TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS archive_alerts_created ON archive_alerts(created);
CREATE VIEW IF NOT EXISTS archive_text (seq, title, summary, content) AS
    SELECT seq, {_folded("article")} FROM archive_articles;
CREATE VIRTUAL TABLE IF NOT EXISTS archive_fts USING fts5(
    title, summary, content, content='archive_text', content_rowid='seq',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS archive_fts_delete AFTER DELETE ON archive_articles BEGIN
    INSERT INTO archive_fts (archive_fts, rowid, title, summary, content)
        VALUES ('delete', old.seq, {_folded("old.article")});
END;
"""
