"""Webhook bodies: the JSON of an alert, digest, update or ops event, as the documented schemas say, < 20 KB.

An alert, digest or storm body follows ``schema/alert-webhook.v1.json``
(``type`` is the message kind; an update is ``alert.updated``); an ops event
(``type: "ops_event"``) follows ``schema/ops-event-webhook.v1.json``. The
records below are those schemas in code: only what a receiver needs (no
article content, the terms a rule found rather than every hit's offsets).
Bodies over ``max_bytes`` lose text first (summaries, snippets, titles), then
whole alerts from a digest, counted in ``omitted``; a single alert is always kept.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import msgspec

from pantau.streams.deliver.alert import Alert, Message
from pantau.streams.deliver.events import OpsEvent
from pantau.streams.deliver.render import shorten

__all__ = ["webhook_body", "SCHEMA_PATH", "EVENT_SCHEMA_PATH", "SCHEMA_VERSION", "Payload", "EventPayload"]

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "alert-webhook.v1.json"
EVENT_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "ops-event-webhook.v1.json"
EVENT_TEXT = 2000
"""Longest message / last_error in an ops event body (errors can quote a server's answer)."""


class ArticleOut(msgspec.Struct, kw_only=True):
    """The article as the alert schema shows it (no content: bodies stay small)."""

    id: str
    url: str
    title: str
    summary: str
    published: datetime | None
    fetched: datetime
    feed: str
    feed_name: str
    language: str | None
    tags: tuple[str, ...]


class MatchOut(msgspec.Struct, kw_only=True):
    """One rule match: the terms it found, not every hit's offsets."""

    rule: str
    topic: str
    score: float
    severity: str
    tags: tuple[str, ...]
    terms: tuple[str, ...]
    snippet: str


class FeedbackOut(msgspec.Struct, kw_only=True):
    """The alert's signed feedback links: open one to tell pantau whether the alert was relevant."""

    relevant: str
    not_relevant: str
    expires: datetime


class UpdateItemOut(msgspec.Struct, kw_only=True):
    """One copy an update announces."""

    outlet: str
    title: str
    url: str
    language: str


class UpdateOut(msgspec.Struct, kw_only=True):
    """What an ``alert.updated`` event says is new about the story."""

    of: str
    seq: int
    title: str
    summary: str
    outlets: list[str]
    languages: list[str]
    topics: list[str]
    items: list[UpdateItemOut]


class AlertOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One alert of the body's ``alerts`` list (``feedback`` only when the deployment signs links)."""

    key: str
    story: str
    route: str
    created: datetime
    topics: tuple[str, ...]
    ruleset_version: str
    article: ArticleOut
    matches: list[MatchOut]
    feedback: FeedbackOut | None = None
    update: UpdateOut | None = None


class _Envelope(msgspec.Struct, kw_only=True):
    """What every body starts with: schema version, kind, message id, where it goes, when sent."""

    version: int
    type: str
    id: str
    destination: str
    route: str
    sent: datetime


class Payload(_Envelope, kw_only=True):
    """The body of an alert, digest or storm message (``schema/alert-webhook.v1.json``)."""

    alerts: list[AlertOut]
    omitted: int = 0
    truncated: bool = False


class EventOut(msgspec.Struct, kw_only=True):
    """The ops event as the event schema shows it."""

    key: str
    kind: str
    severity: str
    about: str
    subject: str
    subject_name: str
    title: str
    message: str
    episode: str
    at: datetime
    failures: int
    last_error: str | None
    last_success: datetime | None


class EventPayload(_Envelope, kw_only=True):
    """The body of an ops event message (``schema/ops-event-webhook.v1.json``)."""

    event: EventOut
    truncated: bool = False


def _stamp(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc)


def _event_body(message: Message, alert: Alert, event: OpsEvent, sent: datetime) -> bytes:
    message_text = shorten(event.message, EVENT_TEXT)
    error = shorten(event.last_error, EVENT_TEXT) if event.last_error is not None else None
    truncated = len(event.message) > EVENT_TEXT or len(event.last_error or "") > EVENT_TEXT
    out = EventOut(
        key=alert.key,
        kind=event.kind,
        severity=event.severity,
        about=event.about,
        subject=event.subject,
        subject_name=event.subject_name,
        title=shorten(event.title, 300),
        message=message_text,
        episode=event.episode,
        at=datetime.fromtimestamp(event.at, timezone.utc),
        failures=event.failures,
        last_error=error,
        last_success=_stamp(event.last_success),
    )
    return msgspec.json.encode(
        EventPayload(
            version=SCHEMA_VERSION,
            type="ops_event",
            id=message.id,
            destination=message.destination,
            route=message.route,
            sent=sent,
            event=out,
            truncated=truncated,
        )
    )


def _alert_out(alert: Alert, text: int | None) -> AlertOut:
    c = alert.classified
    if c is None:
        raise ValueError(f"alert {alert.key} is an ops event: it has its own body (_event_body)")
    a = c.article

    def cut(value: str, factor: float = 1.0) -> str:
        return value if text is None else shorten(value, max(int(text * factor), 40))

    return AlertOut(
        key=alert.key,
        story=alert.story,
        route=alert.route,
        created=datetime.fromtimestamp(alert.created, timezone.utc),
        topics=tuple(c.topics),
        ruleset_version=c.ruleset_version,
        article=ArticleOut(
            id=a.id,
            url=a.url,
            title=cut(a.title, 0.5),
            summary=cut(a.summary),
            published=a.published,
            fetched=a.fetched,
            feed=a.feed,
            feed_name=a.feed_name,
            language=a.language,
            tags=tuple(a.tags),
        ),
        matches=[
            MatchOut(
                rule=m.rule,
                topic=m.topic,
                score=m.score,
                severity=m.severity,
                tags=tuple(m.tags),
                terms=tuple(dict.fromkeys(h.term for h in m.hits)),
                snippet=cut(m.snippet),
            )
            for m in c.matches
        ],
        update=None
        if alert.update is None
        else UpdateOut(
            of=alert.update.of,
            seq=alert.update.seq,
            title=cut(alert.update.title, 0.5),
            summary=alert.update.summary(),
            outlets=alert.update.outlets,
            languages=alert.update.languages,
            topics=alert.update.topics,
            items=[
                UpdateItemOut(outlet=i.outlet, title=cut(i.title, 0.5), url=i.url, language=i.language)
                for i in alert.update.items
            ],
        ),
        feedback=None
        if alert.feedback is None
        else FeedbackOut(
            relevant=alert.feedback.relevant,
            not_relevant=alert.feedback.not_relevant,
            expires=datetime.fromtimestamp(alert.feedback.expires, timezone.utc),
        ),
    )


def webhook_body(message: Message, *, max_bytes: int = 20_000, now: float | None = None) -> bytes:
    """The JSON body for this message, shortened until it is under ``max_bytes``."""
    sent = datetime.fromtimestamp(now, timezone.utc) if now is not None else datetime.now(timezone.utc)
    if message.kind == "ops_event":
        alert = message.alerts[0]  # ops routes are never grouped
        assert alert.event is not None
        return _event_body(message, alert, alert.event, sent)
    alerts = list(message.alerts)
    # Shrink text step by step; only when even short texts do not fit, drop
    # the last alerts of a digest (a single alert is always kept).
    for text in (None, 2000, 600, 200, 80):
        body = _encode(message, alerts, text, sent, omitted=0)
        if len(body) < max_bytes:
            return body
    # The largest number of alerts that fits, by bisection (encoding is the cost).
    lo, hi = 1, len(alerts) - 1
    best = _encode(message, alerts[:1], 80, sent, omitted=len(alerts) - 1)
    while lo <= hi:
        mid = (lo + hi) // 2
        body = _encode(message, alerts[:mid], 80, sent, omitted=len(alerts) - mid)
        if len(body) < max_bytes:
            best, lo = body, mid + 1
        else:
            hi = mid - 1
    return best


def _encode(message: Message, alerts: list[Alert], text: int | None, sent: datetime, *, omitted: int) -> bytes:
    payload = Payload(
        version=SCHEMA_VERSION,
        type="alert.updated" if message.kind == "update" else message.kind,
        id=message.id,
        destination=message.destination,
        route=message.route,
        sent=sent,
        alerts=[_alert_out(a, text) for a in alerts],
        omitted=omitted,
        truncated=text is not None,
    )
    return msgspec.json.encode(payload)
