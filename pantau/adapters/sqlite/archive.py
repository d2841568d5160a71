"""The archive: every article pantau took in, with its classification, story and alerts, searchable.

Public API (the web page and the CLI code against this; see /work/brief/i12-api.md)::

    store = ArchiveStore(open_state(config.state))           # creates its tables
    store.record([Intake(classified=..., story_id=..., alerts=(ArchivedAlert(...), ...))])
    store.search("tin tặc", since=time.time() - 7 * 86400, topic="cybercrime", limit=20) -> list[SearchHit]
    store.get(article_id) -> ArchiveEntry | None
    store.recent(limit=50, matched_only=True) -> list[ArchiveEntry]
    store.story(story_id) -> list[ArchiveEntry]               # every outlet's copy
    store.scan(since) -> Iterator[ScanRow]                     # fast path for backtests
    store.sync_fates()                                         # alert fates from the embedded outbox
    store.prune(retention) -> int;  store.usage() -> Usage

Tables: ``archive_articles`` (one row per article: the Article JSON, the
matches JSON, ruleset version, story id, a `` topic topic `` string for
filters), ``archive_alerts`` (one row per alert key: route, destination and
fate ``pending | sent | dead | silenced``) and ``archive_fts``, an FTS5 index
(``unicode61 remove_diacritics 2``) over title, summary and content whose
text is read back from the article JSON through a view, so the text is stored
once. :meth:`ArchiveStore.record` indexes new rows; a trigger removes the
index entries of pruned rows. Query syntax
and language care: :mod:`pantau.adapters.sqlite.fts_query`.

Disk use per 100,000 articles is printed by tests/bench/bench_archive.py.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

import msgspec

from pantau.adapters.sqlite.fts_query import fold_text, to_match
from pantau.core.article import Article
from pantau.core.article import decode as decode_article
from pantau.core.article import encode as encode_article
from pantau.streams.classify import Classified, Match

__all__ = [
    "ArchiveStore",
    "ArchiveEntry",
    "ArchivedAlert",
    "Intake",
    "SearchHit",
    "Segment",
    "ScanRow",
    "Usage",
    "AlertFate",
]

AlertFate = Literal["pending", "sent", "dead", "silenced", "inhibited"]

_FOLD_SQL = "replace(replace(coalesce(json_extract({c}, '$.{f}'), ''), 'đ', 'd'), 'Đ', 'D')"


def _folded(column: str) -> str:
    return ", ".join(_FOLD_SQL.format(c=column, f=f) for f in ("title", "summary", "content"))


_SCHEMA = f"""
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


class ArchivedAlert(msgspec.Struct, frozen=True, kw_only=True):
    """One alert a story produced: where it went and what became of it."""

    key: str
    route: str
    destination: str
    created: float
    status: AlertFate = "pending"
    why: str = ""
    """For an inhibited alert: which inhibit rule and source match suppressed it."""


class Intake(msgspec.Struct, frozen=True, kw_only=True):
    """What to archive for one article: its classification, story (when matched) and alerts."""

    classified: Classified
    story_id: str | None = None
    alerts: tuple[ArchivedAlert, ...] = ()


class ArchiveEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One archived article with everything pantau decided about it."""

    article: Article
    at: float
    """When pantau took it in (the article's fetch time), Unix seconds."""
    matches: tuple[Match, ...] = ()
    ruleset_version: str = ""
    story_id: str | None = None
    alerts: tuple[ArchivedAlert, ...] = ()
    """The alerts of the article's story (shared by every copy of the story)."""

    @property
    def topics(self) -> tuple[str, ...]:
        """The matched topic ids, sorted and unique."""
        return tuple(sorted({m.topic for m in self.matches}))


class Segment(msgspec.Struct, frozen=True, array_like=True):
    """A piece of displayed text; ``hit`` when it matched the search (render it highlighted, escaped)."""

    text: str
    hit: bool = False


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    """One search result: the entry, its title and a snippet cut into plain and matching segments."""

    entry: ArchiveEntry
    title: tuple[Segment, ...]
    snippet: tuple[Segment, ...]


class ScanRow(msgspec.Struct, frozen=True, array_like=True):
    """The backtest's view of one archived article (no alerts, no decoding it does not need)."""

    article: Article
    at: float
    matches: tuple[Match, ...] | None
    """The matches archived with ``ruleset_version`` (None when the article was not classified here)."""
    ruleset_version: str
    story_id: str | None = None
    """The story the pipeline put the article in (matched articles only)."""


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    """How much the archive holds and how much disk the whole state file uses."""

    articles: int
    alerts: int
    oldest: float | None
    newest: float | None
    file_bytes: int
    """Pages in use in the SQLite file (free pages left by pruning excluded)."""


_match_encoder = msgspec.json.Encoder()
_matches_decoder = msgspec.json.Decoder(tuple[Match, ...])
_ENTRY_COLS = "a.article, a.at, a.matches, a.ruleset_version, a.story_id"
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"


class ArchiveStore:
    """The archive tables in a SQLite file (the embedded state file, or the distributed web view)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(_SCHEMA)

    # -- writing ------------------------------------------------------------

    def record(self, items: Iterable[Intake]) -> int:
        """Archive articles (one transaction, or the caller's; an article already archived keeps its row).

        Returns how many were new. Inside a transaction the caller opened (``BEGIN
        IMMEDIATE``), the rows commit with the caller's other writes.
        """
        items = list(items)
        with self._transaction():
            known = self._known([i.classified.article.id for i in items])
            (seq,) = self.conn.execute("SELECT coalesce(max(seq), 0) FROM archive_articles").fetchone()
            articles: list[tuple[object, ...]] = []
            texts: list[tuple[object, ...]] = []
            alerts: list[tuple[object, ...]] = []
            whys: list[tuple[object, ...]] = []
            for item in items:
                c = item.classified
                a = c.article
                alerts.extend(
                    (x.key, a.id, item.story_id or a.id, x.route, x.destination, x.created, x.status)
                    for x in item.alerts
                )
                whys.extend((x.key, x.why) for x in item.alerts if x.why)
                if a.id in known:
                    continue
                known.add(a.id)
                seq += 1
                topics = " ".join(c.topics)
                articles.append(
                    (
                        seq,
                        a.id,
                        a.fetched.timestamp(),
                        a.feed,
                        f" {topics} " if topics else "",
                        c.ruleset_version,
                        item.story_id,
                        encode_article(a).decode(),
                        _match_encoder.encode(c.matches).decode() if c.matches else None,
                    )
                )
                # Indexed from here, not by a trigger: reading the text back out of the JSON
                # three times would cost twice the indexing itself (tests/bench/bench_archive.py).
                texts.append((seq, fold_text(a.title), fold_text(a.summary), fold_text(a.content)))
            self.conn.executemany(
                "INSERT INTO archive_articles (seq, article_id, at, feed, topics, ruleset_version, story_id,"
                " article, matches) VALUES (?,?,?,?,?,?,?,?,?)",
                articles,
            )
            self.conn.executemany("INSERT INTO archive_fts (rowid, title, summary, content) VALUES (?,?,?,?)", texts)
            self.conn.executemany("INSERT OR IGNORE INTO archive_alerts VALUES (?,?,?,?,?,?,?)", alerts)
            self.conn.executemany("INSERT OR IGNORE INTO archive_alert_why VALUES (?,?)", whys)
        return len(articles)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.conn.in_transaction:  # the caller's: it holds the write lock and commits
            yield
            return
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")  # the write lock: seq numbers are ours to hand out
            yield

    def _known(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT article_id FROM archive_articles WHERE article_id IN ({','.join('?' * len(chunk))})", chunk
                )
            )
        return found

    def classify_later(self, classified: Classified, story_id: str | None = None) -> bool:
        """Attach a classification to an article archived before it (the distributed reader); True if found."""
        topics = " ".join(classified.topics)
        cur = self.conn.execute(
            "UPDATE archive_articles SET matches = ?, topics = ?, ruleset_version = ?,"
            " story_id = coalesce(?, story_id) WHERE article_id = ?",
            (
                _match_encoder.encode(classified.matches).decode() if classified.matches else None,
                f" {topics} " if topics else "",
                classified.ruleset_version,
                story_id,
                classified.article.id,
            ),
        )
        return cur.rowcount > 0

    def set_fate(self, keys: Sequence[str], status: AlertFate) -> int:
        """Record what became of these alerts; returns how many were known."""
        cur = self.conn.executemany("UPDATE archive_alerts SET status = ? WHERE key = ?", [(status, k) for k in keys])
        return cur.rowcount

    def sync_fates(self) -> int:
        """Copy alert fates from the embedded outbox (same file), the truth for its keys; returns how many changed."""
        has_outbox = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_outbox'"
        ).fetchone()
        if not has_outbox:
            return 0
        return self.conn.execute(
            "UPDATE archive_alerts SET status = o.status FROM alert_outbox o"
            " WHERE o.key = archive_alerts.key AND o.status != archive_alerts.status"
        ).rowcount

    def prune(self, retention: float, now: float | None = None) -> int:
        """Forget articles (and their index entries) and alerts older than ``retention`` s; returns articles pruned."""
        cutoff = (time.time() if now is None else now) - retention
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            gone = self.conn.execute("DELETE FROM archive_articles WHERE at < ?", (cutoff,)).rowcount
            self.conn.execute(
                "DELETE FROM archive_alert_why WHERE key IN (SELECT key FROM archive_alerts WHERE created < ?)",
                (cutoff,),
            )
            self.conn.execute("DELETE FROM archive_alerts WHERE created < ?", (cutoff,))
        return gone

    # -- reading ------------------------------------------------------------

    def get(self, article_id: str) -> ArchiveEntry | None:
        """One archived article with its story's alerts, None when unknown or pruned."""
        row = self.conn.execute(
            f"SELECT {_ENTRY_COLS} FROM archive_articles a WHERE a.article_id = ?", (article_id,)
        ).fetchone()
        return self._entries([row])[0] if row else None

    def recent(
        self, *, limit: int = 50, matched_only: bool = False, topic: str | None = None, since: float | None = None
    ) -> list[ArchiveEntry]:
        """The newest archived articles first (only matched ones with ``matched_only``)."""
        where, params = self._filters(since, None, topic, matched_only)
        rows = self.conn.execute(
            f"SELECT {_ENTRY_COLS} FROM archive_articles a {where} ORDER BY a.at DESC, a.seq DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        return self._entries(rows)

    def story(self, story_id: str) -> list[ArchiveEntry]:
        """Every archived copy of a story, oldest first (which outlets carried it)."""
        rows = self.conn.execute(
            f"SELECT {_ENTRY_COLS} FROM archive_articles a WHERE a.story_id = ? ORDER BY a.at, a.seq", (story_id,)
        ).fetchall()
        return self._entries(rows)

    def search(
        self,
        query: str,
        *,
        since: float | None = None,
        until: float | None = None,
        topic: str | None = None,
        matched_only: bool = False,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Articles matching a search-box query (see fts_query), newest first; an empty query lists the newest."""
        expr = to_match(query)
        if expr is None:
            return [
                SearchHit(entry=e, title=(Segment(e.article.title),), snippet=(Segment(_lead(e.article)),))
                for e in self.recent(limit=limit, matched_only=matched_only, topic=topic, since=since)
            ]
        where, params = self._filters(since, until, topic, matched_only)
        where = ("AND " + where[len("WHERE ") :]) if where else ""
        rows = self.conn.execute(
            f"SELECT {_ENTRY_COLS}, highlight(archive_fts, 0, ?, ?), highlight(archive_fts, 1, ?, ?),"
            f" highlight(archive_fts, 2, ?, ?) FROM archive_fts JOIN archive_articles a ON a.seq = archive_fts.rowid"
            f" WHERE archive_fts MATCH ? {where} ORDER BY archive_fts.rowid DESC LIMIT ? OFFSET ?",
            (*(_MARK_OPEN, _MARK_CLOSE) * 3, expr, *params, limit, offset),
        ).fetchall()
        entries = self._entries([r[:5] for r in rows])
        hits = []
        for entry, row in zip(entries, rows, strict=True):
            a = entry.article
            title = _segments(a.title, row[5])
            body = _window(_segments(a.content, row[7])) or _window(_segments(a.summary, row[6]))
            hits.append(SearchHit(entry=entry, title=title, snippet=body or (Segment(_lead(a)),)))
        return hits

    def count(self, query: str = "", *, since: float | None = None, topic: str | None = None) -> int:
        """How many archived articles match (all of them for an empty query)."""
        expr = to_match(query)
        where, params = self._filters(since, None, topic, False)
        if expr is None:
            return self.conn.execute(f"SELECT count(*) FROM archive_articles a {where}", params).fetchone()[0]
        where = ("AND " + where[len("WHERE ") :]) if where else ""
        return self.conn.execute(
            f"SELECT count(*) FROM archive_fts JOIN archive_articles a ON a.seq = archive_fts.rowid"
            f" WHERE archive_fts MATCH ? {where}",
            (expr, *params),
        ).fetchone()[0]

    def scan(self, since: float | None = None, until: float | None = None, *, batch: int = 2000) -> Iterator[ScanRow]:
        """Every archived article in the window, oldest first, decoded for a backtest."""
        where, params = self._filters(since, until, None, False)
        cur = self.conn.execute(
            f"SELECT a.article, a.at, a.matches, a.ruleset_version, a.story_id FROM archive_articles a {where}"
            " ORDER BY a.at, a.seq",
            params,
        )
        while rows := cur.fetchmany(batch):
            for body, at, matches, version, story in rows:
                yield ScanRow(
                    decode_article(body),
                    at,
                    _matches_decoder.decode(matches) if matches else (() if version else None),
                    version,
                    story,
                )

    def topics(self) -> list[str]:
        """Every topic id that appears in the archive, sorted."""
        found: set[str] = set()
        for (topics,) in self.conn.execute("SELECT DISTINCT topics FROM archive_articles WHERE topics != ''"):
            found.update(topics.split())
        return sorted(found)

    def usage(self) -> Usage:
        """Counts, time span and bytes in use (the whole state file)."""
        n, oldest, newest = self.conn.execute("SELECT count(*), min(at), max(at) FROM archive_articles").fetchone()
        alerts = self.conn.execute("SELECT count(*) FROM archive_alerts").fetchone()[0]
        pages = (
            self.conn.execute("PRAGMA page_count").fetchone()[0]
            - self.conn.execute("PRAGMA freelist_count").fetchone()[0]
        )
        size = self.conn.execute("PRAGMA page_size").fetchone()[0]
        return Usage(articles=n, alerts=alerts, oldest=oldest, newest=newest, file_bytes=pages * size)

    # -- helpers ------------------------------------------------------------

    @staticmethod
    def _filters(since: float | None, until: float | None, topic: str | None, matched_only: bool) -> tuple[str, tuple]:
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

    def _entries(self, rows: Sequence[tuple]) -> list[ArchiveEntry]:
        stories = {r[4] for r in rows if r[4]}
        alerts: dict[str, list[ArchivedAlert]] = {}
        if stories:
            marks = ",".join("?" * len(stories))
            for key, story, route, dest, created, status, why in self.conn.execute(
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
                matches=_matches_decoder.decode(matches) if matches else (),
                ruleset_version=version,
                story_id=story,
                alerts=tuple(alerts.get(story, ())),
            )
            for body, at, matches, version, story in rows
        ]


def _lead(article: Article, width: int = 240) -> str:
    text = " ".join((article.summary or article.content).split())
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"


def _segments(original: str, marked: str | None) -> tuple[Segment, ...]:
    """Cut the original text where the index marked hits (folding keeps one character for one)."""
    if not marked or _MARK_OPEN not in marked:
        return (Segment(original),) if original else ()
    out: list[Segment] = []
    pos = 0
    hit = False
    buf_start = 0
    for ch in marked:
        if ch in (_MARK_OPEN, _MARK_CLOSE):
            if pos > buf_start:
                out.append(Segment(original[buf_start:pos], hit))
            hit, buf_start = ch == _MARK_OPEN, pos
            continue
        pos += 1
    if pos > buf_start:
        out.append(Segment(original[buf_start:pos], hit))
    return tuple(out)


def _window(segments: tuple[Segment, ...], width: int = 240) -> tuple[Segment, ...]:
    """About ``width`` characters around the first hit, cut at spaces, with ellipses."""
    if not segments:
        return ()
    first = next((i for i, s in enumerate(segments) if s.hit), None)
    if first is None:
        text = " ".join("".join(s.text for s in segments).split())
        return (Segment(text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"),)
    before = " ".join("".join(s.text for s in segments[:first]).split()[-12:])
    out = [Segment(("… " if before else "") + before + (" " if before else ""))] if before else []
    used = len(before)
    for s in segments[first:]:
        if used >= width:
            out.append(Segment(" …"))
            break
        text = " ".join(s.text.split()) if not s.hit else s.text
        if s.text[:1].isspace():
            text = " " + text
        if s.text[-1:].isspace():
            text += " "
        if not s.hit and used + len(text) > width:
            text = text[: max(0, width - used)].rsplit(" ", 1)[0] + " …"
            out.append(Segment(text))
            break
        out.append(Segment(text, s.hit))
        used += len(text)
    return tuple(seg for seg in out if seg.text)
