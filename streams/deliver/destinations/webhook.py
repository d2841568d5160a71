"""Signed JSON webhooks: the documented schema, Standard Webhooks signatures, < 20 KB.

The body follows ``schema/alert-webhook.v1.json``; an ops event (``type:
"ops_event"``) follows ``schema/ops-event-webhook.v1.json``, signed the same way. Headers follow Standard
Webhooks: ``webhook-id`` is the message id (the alert's idempotency key, the
same on every retry, so receivers can drop repeats), ``webhook-timestamp`` the
send time, ``webhook-signature`` ``v1,<base64 HMAC-SHA256 of id.timestamp.body>``.
Bodies over ``max_bytes`` lose text first (summaries, snippets, titles), then
whole alerts from a digest, counted in ``omitted``. Alerts of an ungrouped route
that are due together go out in one request of up to ``batch`` (5) as a
``digest`` body: one request instead of five, each alert still under its own key.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import msgspec
from pydantic import Field, SecretStr, model_validator
from standardwebhooks import Webhook

from pantau.core.logs import get_logger
from pantau.streams.deliver.alert import Alert, Message
from pantau.streams.deliver.destinations.base import DestinationSettings
from pantau.streams.deliver.events import OpsEvent
from pantau.streams.deliver.render import shorten
from pantau.streams.deliver.transport import DeliveryClient, make_client, post

__all__ = [
    "WebhookSettings",
    "WebhookDestination",
    "webhook_body",
    "signer",
    "SCHEMA_PATH",
    "EVENT_SCHEMA_PATH",
    "SCHEMA_VERSION",
]


class WebhookSettings(DestinationSettings):
    """``type: webhook``: a receiver of signed JSON alerts."""

    type: Literal["webhook"] = "webhook"
    url: str | None = None
    """The receiver's https URL."""
    secret: SecretStr | None = None
    """Signing secret, ``whsec_<base64>`` or any raw string."""
    secret_file: Path | None = None
    """Read the signing secret from this file instead (Docker/K8s secrets)."""
    max_bytes: int = 20_000
    """Largest body; text fields are shortened to fit."""
    batch: int = Field(default=5, ge=1)
    """Alerts of an ungrouped route due at the same moment share one request (a ``digest`` body), up to
    this many; 1 sends each alert on its own. Five full alerts fit in ``max_bytes``, so a batch is
    seldom shortened and never loses an alert to the limit."""
    paths = (("secret_file", False),)
    masked = ("url",)

    @model_validator(mode="after")
    def _checked(self) -> WebhookSettings:
        self.check(needs=("url",), urls=("url",), schemes=("http", "https"))
        if self.secret and self.secret_file:
            raise ValueError("give secret or secret_file, not both")
        return self

    def signing_secret(self) -> str | None:
        """The signing secret, from ``secret`` or ``secret_file``."""
        if self.secret is not None:
            return self.secret.get_secret_value()
        if self.secret_file is not None:
            return self.secret_file.read_text(encoding="utf-8").strip()
        return None


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


def signer(secret: str) -> Webhook:
    """A Standard Webhooks signer: ``whsec_<base64>`` secrets decoded, any other string used raw."""
    if secret.startswith("whsec_"):
        return Webhook(secret)
    return Webhook(secret.encode("utf-8"))


class WebhookDestination:
    """Posts signed JSON alerts to one receiver."""

    kind = "webhook"

    def __init__(self, name: str, spec: WebhookSettings, client: DeliveryClient | None = None) -> None:
        self.name = name
        self.spec = spec
        self.rate = spec.rate
        self.batch = spec.batch
        """Alerts one request may carry (ungrouped routes; the dispatcher's planner reads it)."""
        secret = spec.signing_secret()
        self._signer = signer(secret) if secret else None
        if self._signer is None:
            get_logger(destination=name).warning("webhook_unsigned", hint="set secret: so receivers can verify alerts")
        self._client = client or make_client(spec.timeout)

    def headers(self, message_id: str, body: bytes, now: datetime) -> dict[str, str]:
        """Standard Webhooks headers for this body."""
        headers = {
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
        }
        if self._signer is not None:
            headers["webhook-signature"] = self._signer.sign(message_id, now, body.decode("utf-8"))
        return headers

    async def send(self, message: Message) -> None:
        """Post one signed message; raises RetryableDelivery / PermanentDelivery on failure."""
        now = datetime.now(timezone.utc)
        body = webhook_body(message, max_bytes=self.spec.max_bytes, now=now.timestamp())
        await post(self._client, self.name, self.spec.url or "", body, self.headers(message.id, body, now))

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()
