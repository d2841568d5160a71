"""The desk's verdicts on alerts, per-rule quality, and the example candidates they suggest.

Public API (the web pages and the CLI code against this)::

    fb = FeedbackStore(conn)                      # same state file as the archive; creates its tables
    ctx = fb.describe(alert_key, article_id)      # for the confirmation page (GET): what the alert was about
    fb.record(alert_key, "not_relevant", who="ana", article_id=article_id)   # the POST, after LinkSigner.verify
    fb.should_have_alerted(article_id, "cybercrime", who="ana")              # an editor, from search
    fb.quality(since=ts) -> Quality(rules=[RuleQuality...], topics=[...])   # alerts, verdicts, precision
    fb.candidates(topic=None) -> list[Candidate]  # offered as should_match / should_not_match examples
    fb.dismiss(candidate_id, who="ana")           # offered once; taken or refused, never added silently

A verdict is stored once per (alert, topic, rule, person): a second click by
the same person replaces the first. Each row keeps the rule set version that
made the alert, so quality can be read per version. Counting goes to
``pantau_feedback_total{topic,rule,verdict}`` as it is recorded. The records
it returns are in feedback_records.py.
"""

from __future__ import annotations

import sqlite3
import time

from pantau.adapters.sqlite.archive import ArchivedAlert, ArchiveEntry, ArchiveStore
from pantau.adapters.sqlite.feedback_records import (
    AlertContext,
    Candidate,
    CandidateKind,
    Quality,
    Recorded,
    RuleQuality,
    TopicQuality,
)
from pantau.core.errors import ConfigError
from pantau.core.metrics import FEEDBACK

__all__ = ["FeedbackStore"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS feedback_verdicts (alert_key TEXT NOT NULL, article_id TEXT NOT NULL,"
    " topic TEXT NOT NULL, rule TEXT NOT NULL, verdict TEXT NOT NULL, ruleset_version TEXT NOT NULL,"
    " who TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (alert_key, topic, rule, who))",
    "CREATE INDEX IF NOT EXISTS feedback_verdicts_at ON feedback_verdicts(at)",
    "CREATE TABLE IF NOT EXISTS feedback_missed (article_id TEXT NOT NULL, topic TEXT NOT NULL,"
    " ruleset_version TEXT NOT NULL, who TEXT NOT NULL, at REAL NOT NULL, note TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (article_id, topic, who))",
    "CREATE TABLE IF NOT EXISTS feedback_dismissed (candidate TEXT PRIMARY KEY, who TEXT NOT NULL, at REAL NOT NULL)",
)


def _excerpt(entry: ArchiveEntry, width: int = 400) -> str:
    text = " ".join((entry.article.summary or entry.article.content).split())
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0]


class FeedbackStore:
    """Verdicts, "should have alerted" marks and dismissed candidates, beside the archive."""

    def __init__(self, conn: sqlite3.Connection, archive: ArchiveStore | None = None) -> None:
        self.conn = conn
        self.archive = archive if archive is not None else ArchiveStore(conn)
        for statement in _SCHEMA:
            conn.execute(statement)

    def _alert(self, alert_key: str) -> tuple[ArchivedAlert, str] | None:
        row = self.conn.execute(
            "SELECT route, destination, created, status, article_id FROM archive_alerts WHERE key = ?", (alert_key,)
        ).fetchone()
        if row is None:
            return None
        route, dest, created, status, article = row
        return ArchivedAlert(key=alert_key, route=route, destination=dest, created=created, status=status), article

    def describe(self, alert_key: str, article_id: str = "") -> AlertContext | None:
        """The alert's article (and route, destination, fate when archived); None when pruned or unknown."""
        found = self._alert(alert_key)
        entry = self.archive.get(found[1] if found else article_id) if (found or article_id) else None
        if entry is None:
            return None
        verdicts = dict(
            self.conn.execute(
                "SELECT who, verdict FROM feedback_verdicts WHERE alert_key = ? GROUP BY who", (alert_key,)
            ).fetchall()
        )
        return AlertContext(alert_key=alert_key, entry=entry, alert=found[0] if found else None, verdicts=verdicts)

    def record(
        self, alert_key: str, verdict: str, *, who: str, article_id: str = "", at: float | None = None
    ) -> Recorded:
        """Store a verdict on an alert for each topic/rule its article matched; counts the metric."""
        if verdict not in ("relevant", "not_relevant"):
            raise ConfigError(f"verdict {verdict!r} is not one of relevant, not_relevant")
        ctx = self.describe(alert_key, article_id)
        if ctx is None or not ctx.entry.matches:
            raise ConfigError(
                f"alert {alert_key} is not in the archive (pruned, or never archived here)",
                hint="verdicts can be given while the article is archived (`archive:` in pantau.yaml)",
            )
        entry = ctx.entry
        rules = tuple(dict.fromkeys((m.topic, m.rule) for m in entry.matches))
        version = entry.ruleset_version or (entry.matches[0].ruleset_version if entry.matches else "")
        now = time.time() if at is None else at
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(
                "INSERT INTO feedback_verdicts VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(alert_key, topic, rule, who)"
                " DO UPDATE SET verdict = excluded.verdict, at = excluded.at",
                [(alert_key, entry.article.id, topic, rule, verdict, version, who, now) for topic, rule in rules],
            )
        for topic, rule in rules:
            FEEDBACK.labels(topic=topic, rule=rule, verdict=verdict).inc()
        return Recorded(
            alert_key=alert_key, article_id=entry.article.id, verdict=verdict, rules=rules, ruleset_version=version
        )

    def should_have_alerted(
        self, article_id: str, topic: str, *, who: str, note: str = "", at: float | None = None
    ) -> None:
        """Record that ``topic`` should have taken this archived article (a should_match candidate)."""
        entry = self.archive.get(article_id)
        if entry is None:
            raise ConfigError(
                f"article {article_id!r} is not in the archive",
                hint="pick it from `pantau archive search`; older articles are pruned",
            )
        if topic in entry.topics:
            raise ConfigError(
                f"article {article_id!r} already matched topic {topic!r}",
                hint="mark its alert relevant or not relevant instead",
            )
        self.conn.execute(
            "INSERT INTO feedback_missed VALUES (?,?,?,?,?,?) ON CONFLICT(article_id, topic, who)"
            " DO UPDATE SET at = excluded.at, note = excluded.note",
            (article_id, topic, entry.ruleset_version, who, time.time() if at is None else at, note),
        )

    def quality(
        self, *, since: float | None = None, topic: str | None = None, ruleset_version: str | None = None
    ) -> Quality:
        """Per rule and topic: alerts archived, verdicts and observed precision (since a time, of one version)."""
        alerts: dict[tuple[str, str], int] = {}
        topic_alerts: dict[str, int] = {}
        where = "WHERE al.created >= ?" if since is not None else ""
        rows = self.conn.execute(
            "SELECT json_extract(m.value, '$.topic'), json_extract(m.value, '$.rule'), al.key"
            " FROM archive_alerts al JOIN archive_articles a ON a.article_id = al.article_id,"
            f" json_each(a.matches) m {where}",
            (since,) if since is not None else (),
        ).fetchall()
        seen_topic: set[tuple[str, str]] = set()
        for t, r, key in rows:
            alerts[(t, r)] = alerts.get((t, r), 0) + 1
            if (t, key) not in seen_topic:
                seen_topic.add((t, key))
                topic_alerts[t] = topic_alerts.get(t, 0) + 1
        clauses: list[str] = []
        params: list[object] = []
        if since is not None:
            clauses.append("at >= ?")
            params.append(since)
        if ruleset_version is not None:
            clauses.append("ruleset_version = ?")
            params.append(ruleset_version)
        vwhere = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        votes: dict[tuple[str, str], list[int]] = {}
        topic_votes: dict[str, list[int]] = {}
        topic_seen: set[tuple[str, str, str]] = set()
        for t, r, verdict, key, who in self.conn.execute(
            f"SELECT topic, rule, verdict, alert_key, who FROM feedback_verdicts {vwhere}", params
        ):
            i = 0 if verdict == "relevant" else 1
            votes.setdefault((t, r), [0, 0])[i] += 1
            if (t, key, who) not in topic_seen:  # one vote per person and alert for the topic
                topic_seen.add((t, key, who))
                topic_votes.setdefault(t, [0, 0])[i] += 1
        missed = dict(
            self.conn.execute(f"SELECT topic, count(*) FROM feedback_missed {vwhere} GROUP BY topic", params).fetchall()
        )
        keys = sorted(alerts.keys() | votes.keys())
        rules = [
            RuleQuality(
                topic=t,
                rule=r,
                alerts=alerts.get((t, r), 0),
                relevant=votes.get((t, r), [0, 0])[0],
                not_relevant=votes.get((t, r), [0, 0])[1],
            )
            for t, r in keys
            if topic in (None, t)
        ]
        topics = [
            TopicQuality(
                topic=t,
                rule="",
                alerts=topic_alerts.get(t, 0),
                relevant=topic_votes.get(t, [0, 0])[0],
                not_relevant=topic_votes.get(t, [0, 0])[1],
                missed=missed.get(t, 0),
            )
            for t in sorted(topic_alerts.keys() | topic_votes.keys() | missed.keys())
            if topic in (None, t)
        ]
        return Quality(since=since, rules=rules, topics=topics)

    def candidates(self, *, topic: str | None = None, limit: int = 200) -> list[Candidate]:
        """Articles to offer as examples, newest first: marked not relevant or missed, dismissed ones left out."""
        dismissed = {c for (c,) in self.conn.execute("SELECT candidate FROM feedback_dismissed")}
        out: list[Candidate] = []
        rows = self.conn.execute(
            "SELECT topic, rule, article_id, who, max(at) FROM feedback_verdicts WHERE verdict = 'not_relevant'"
            " GROUP BY topic, rule, article_id ORDER BY max(at) DESC LIMIT ?",
            (limit,),
        ).fetchall()
        missed = self.conn.execute(
            "SELECT topic, '', article_id, who, max(at) FROM feedback_missed GROUP BY topic, article_id"
            " ORDER BY max(at) DESC LIMIT ?",
            (limit,),
        ).fetchall()
        offers: tuple[tuple[CandidateKind, list[tuple[str, str, str, str, float]]], ...] = (
            ("should_not_match", rows),
            ("should_match", missed),
        )
        for kind, batch in offers:
            for t, r, article_id, who, at in batch:
                cid = f"{kind}:{t}:{r}:{article_id}"
                if cid in dismissed or (topic is not None and t != topic):
                    continue
                entry = self.archive.get(article_id)
                if entry is None:  # pruned since: nothing left to offer
                    continue
                out.append(
                    Candidate(
                        id=cid,
                        kind=kind,
                        topic=t,
                        rule=r,
                        article_id=article_id,
                        title=entry.article.title,
                        text=_excerpt(entry),
                        language=entry.article.language or "",
                        who=who,
                        at=at,
                    )
                )
        return sorted(out, key=lambda c: -c.at)[:limit]

    def dismiss(self, candidate_id: str, *, who: str) -> None:
        """Stop offering a candidate (the editor took it into the rule file, or refused it)."""
        self.conn.execute("INSERT OR REPLACE INTO feedback_dismissed VALUES (?,?,?)", (candidate_id, who, time.time()))
