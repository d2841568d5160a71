"""Verdicts, quality per rule and topic, example candidates and the audit log, in a real SQLite file."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from prometheus_client import REGISTRY

from pantau.adapters.sqlite.archive import ArchivedAlert, ArchiveStore, Intake
from pantau.adapters.sqlite.feedback import FeedbackStore
from pantau.adapters.sqlite.state import AuditLog, list_audit, open_state, record_audit
from pantau.core.article import Article, article_id
from pantau.core.errors import ConfigError
from pantau.streams.classify import Classified, Match

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def entry(n: int, matches: list[tuple[str, str]], *, alert: bool = True) -> Intake:
    url = f"https://kabar.example/{n}"
    a = Article(
        id=article_id(url),
        url=url,
        title=f"Judul berita {n}",
        summary=f"Ringkasan berita nomor {n}.",
        fetched=T0,
        feed="kabar",
        language="id",
    )
    ms = tuple(Match(rule=r, topic=t, score=1.0, severity="medium", ruleset_version="v1") for t, r in matches)
    alerts = (ArchivedAlert(key=f"key{n}", route="desk", destination="slack", created=T0.timestamp(), status="sent"),)
    return Intake(
        classified=Classified(article=a, matches=ms, ruleset_version="v1"),
        story_id=a.id,
        alerts=alerts if alert and ms else (),
    )


@pytest.fixture
def stores(tmp_path):
    conn = open_state(tmp_path / "state.db")
    archive = ArchiveStore(conn)
    archive.record(
        [
            entry(1, [("cybercrime", "hackers"), ("north-korea", "nk")]),
            entry(2, [("cybercrime", "hackers")]),
            entry(3, [("cybercrime", "fraud")]),
            entry(4, []),
        ]
    )
    yield archive, FeedbackStore(conn, archive)
    conn.close()


def sample(**labels: str) -> float:
    return REGISTRY.get_sample_value("pantau_feedback_total", labels) or 0.0


def test_a_verdict_counts_for_every_rule_the_article_matched(stores):
    archive, fb = stores
    before = sample(topic="north-korea", rule="nk", verdict="not_relevant")
    rec = fb.record("key1", "not_relevant", who="ana")
    assert rec.rules == (("cybercrime", "hackers"), ("north-korea", "nk")) and rec.ruleset_version == "v1"
    assert sample(topic="north-korea", rule="nk", verdict="not_relevant") == before + 1
    ctx = fb.describe("key1")
    assert ctx.alert.destination == "slack" and ctx.alert.status == "sent" and ctx.verdicts == {"ana": "not_relevant"}


def test_quality_per_rule_and_topic_one_vote_per_person_and_alert(stores):
    _, fb = stores
    fb.record("key1", "not_relevant", who="ana")
    fb.record("key1", "relevant", who="ana")  # changed her mind: replaces
    fb.record("key2", "not_relevant", who="ana")
    fb.record("key2", "not_relevant", who="budi")
    q = fb.quality()
    rules = {(r.topic, r.rule): r for r in q.rules}
    hackers = rules[("cybercrime", "hackers")]
    assert (hackers.alerts, hackers.relevant, hackers.not_relevant) == (2, 1, 2)
    assert hackers.precision == pytest.approx(1 / 3)
    assert rules[("cybercrime", "fraud")].precision is None and rules[("cybercrime", "fraud")].alerts == 1
    topics = {t.topic: t for t in q.topics}
    assert (topics["cybercrime"].alerts, topics["cybercrime"].relevant, topics["cybercrime"].not_relevant) == (3, 1, 2)
    assert fb.quality(ruleset_version="v0").rules[0].verdicts == 0


def test_an_unknown_alert_or_verdict_is_refused(stores):
    _, fb = stores
    with pytest.raises(ConfigError, match="not in the archive"):
        fb.record("nope", "relevant", who="ana")
    with pytest.raises(ConfigError, match="verdict"):
        fb.record("key1", "maybe", who="ana")


def test_the_article_id_of_a_link_finds_an_alert_the_archive_never_saw(stores):
    archive, fb = stores
    art = entry(9, [("asean", "asean-name")], alert=False)
    archive.record([art])
    rec = fb.record("key-from-a-worker", "relevant", who="ana", article_id=art.classified.article.id)
    assert rec.rules == (("asean", "asean-name"),)
    assert fb.describe("key-from-a-worker", art.classified.article.id).alert is None


def test_candidates_are_offered_until_dismissed(stores):
    archive, fb = stores
    fraud_article = entry(3, []).classified.article.id  # key3's article, matched by cybercrime/fraud
    unmatched = entry(4, []).classified.article.id  # matched nothing
    fb.record("key3", "not_relevant", who="ana")
    fb.should_have_alerted(unmatched, "cybercrime", who="budi")
    cands = fb.candidates()
    assert {(c.kind, c.topic, c.rule, c.article_id) for c in cands} == {
        ("should_not_match", "cybercrime", "fraud", fraud_article),
        ("should_match", "cybercrime", "", unmatched),
    }
    missed = next(c for c in cands if c.kind == "should_match")
    assert missed.example() == {"title": "Judul berita 4", "content": "Ringkasan berita nomor 4.", "language": "id"}
    assert fb.quality().topics[0].missed == 1
    fb.dismiss(missed.id, who="budi")
    assert [c.kind for c in fb.candidates()] == ["should_not_match"]
    assert fb.candidates(topic="asean") == []
    with pytest.raises(ConfigError, match="already matched"):
        fb.should_have_alerted(fraud_article, "cybercrime", who="x")


def test_the_audit_log_keeps_who_when_what_and_the_diff(tmp_path):
    conn = open_state(tmp_path / "s.db")
    log = AuditLog(conn)
    first = log.record(who="ana", action="rule_save", what="cybercrime.yaml", diff="-a\n+b\n", at=1.0)
    record_audit(conn, who="budi", action="silence_add", what="topic=asean for 2h", at=2.0)
    assert first == 1
    assert [(e.who, e.action) for e in log.recent()] == [("budi", "silence_add"), ("ana", "rule_save")]
    (saved,) = list_audit(conn, action="rule_save")
    assert saved.diff == "-a\n+b\n" and saved.at == 1.0 and saved.what == "cybercrime.yaml"
    assert list_audit(conn, who="ana", since=1.5) == []
    big = record_audit(conn, who="c", action="rule_save", what="x", diff="y" * 300_000)
    assert len(list_audit(conn, limit=1)[0].diff) < 201_000 and big == 3
