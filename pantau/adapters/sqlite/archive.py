"""The archive: every article pantau took in, with its classification, story and alerts, searchable.

Public API (the web pages and the CLI code against this)::

    store = ArchiveStore(open_state(config.state))           # creates its tables
    store.record([Intake(classified=..., story_id=..., alerts=(ArchivedAlert(...), ...))])
    store.search("tin tặc", since=time.time() - 7 * 86400, topic="cybercrime", limit=20) -> list[SearchHit]
    store.get(article_id) -> ArchiveEntry | None
    store.recent(limit=50, matched_only=True) -> list[ArchiveEntry]
    store.story(story_id) -> list[ArchiveEntry]               # every outlet's copy
    store.scan(since) -> Iterator[ScanRow]                     # fast path for backtests
    store.sync_fates()                                         # alert fates from the embedded outbox
    store.prune(retention) -> int;  store.usage() -> Usage

Tables, the FTS5 index and its trigger: :mod:`~pantau.adapters.sqlite.archive_schema`; records:
:mod:`~pantau.adapters.sqlite.archive_records`; search snippets: :mod:`~pantau.adapters.sqlite.archive_snippets`;
query syntax and language care: :mod:`~pantau.adapters.sqlite.fts_query`.
Disk use per 100,000 articles is printed by tests/bench/bench_archive.py.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import msgspec

from pantau.adapters.sqlite.archive_records import (
    AlertFate,
    ArchivedAlert,
    ArchiveEntry,
    Intake,
    ScanRow,
    SearchHit,
    Segment,
    Usage,
)
from pantau.adapters.sqlite.archive_rows import ENTRY_COLS, entries, filters, matches_decoder
from pantau.adapters.sqlite.archive_schema import SCHEMA
from pantau.adapters.sqlite.archive_snippets import MARK_CLOSE, MARK_OPEN, lead, segments, window
from pantau.adapters.sqlite.fts_query import fold_text, to_match
from pantau.core.article import decode as decode_article
from pantau.core.article import encode as encode_article
from pantau.streams.classify import Classified

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
_match_encoder = msgspec.json.Encoder()


class ArchiveStore:
    """The archive tables in a SQLite file (the embedded state file, or the distributed web view)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(SCHEMA)

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
            f"SELECT {ENTRY_COLS} FROM archive_articles a WHERE a.article_id = ?", (article_id,)
        ).fetchone()
        return entries(self.conn, [row])[0] if row else None

    def recent(
        self, *, limit: int = 50, matched_only: bool = False, topic: str | None = None, since: float | None = None
    ) -> list[ArchiveEntry]:
        """The newest archived articles first (only matched ones with ``matched_only``)."""
        where, params = filters(since, None, topic, matched_only)
        rows = self.conn.execute(
            f"SELECT {ENTRY_COLS} FROM archive_articles a {where} ORDER BY a.at DESC, a.seq DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        return entries(self.conn, rows)

    def story(self, story_id: str) -> list[ArchiveEntry]:
        """Every archived copy of a story, oldest first (which outlets carried it)."""
        rows = self.conn.execute(
            f"SELECT {ENTRY_COLS} FROM archive_articles a WHERE a.story_id = ? ORDER BY a.at, a.seq", (story_id,)
        ).fetchall()
        return entries(self.conn, rows)

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
                SearchHit(entry=e, title=(Segment(e.article.title),), snippet=(Segment(lead(e.article)),))
                for e in self.recent(limit=limit, matched_only=matched_only, topic=topic, since=since)
            ]
        where, params = filters(since, until, topic, matched_only)
        where = ("AND " + where[len("WHERE ") :]) if where else ""
        rows = self.conn.execute(
            f"SELECT {ENTRY_COLS}, highlight(archive_fts, 0, ?, ?), highlight(archive_fts, 1, ?, ?),"
            f" highlight(archive_fts, 2, ?, ?) FROM archive_fts JOIN archive_articles a ON a.seq = archive_fts.rowid"
            f" WHERE archive_fts MATCH ? {where} ORDER BY archive_fts.rowid DESC LIMIT ? OFFSET ?",
            (*(MARK_OPEN, MARK_CLOSE) * 3, expr, *params, limit, offset),
        ).fetchall()
        found = entries(self.conn, [r[:5] for r in rows])
        hits = []
        for entry, row in zip(found, rows, strict=True):
            a = entry.article
            title = segments(a.title, row[5])
            body = window(segments(a.content, row[7])) or window(segments(a.summary, row[6]))
            hits.append(SearchHit(entry=entry, title=title, snippet=body or (Segment(lead(a)),)))
        return hits

    def count(self, query: str = "", *, since: float | None = None, topic: str | None = None) -> int:
        """How many archived articles match (all of them for an empty query)."""
        expr = to_match(query)
        where, params = filters(since, None, topic, False)
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
        where, params = filters(since, until, None, False)
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
                    matches_decoder.decode(matches) if matches else (() if version else None),
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
