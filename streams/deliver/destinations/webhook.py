"""Signed JSON webhooks: the documented schema, Standard Webhooks signatures, < 20 KB.

The body follows ``schema/alert-webhook.v1.json``; an ops event (``type:
"ops_event"``) follows ``schema/ops-event-webhook.v1.json``, signed the same way (both built in
webhook_body.py). Headers follow Standard
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

from pydantic import Field, SecretStr, model_validator
from standardwebhooks import Webhook

from pantau.core.logs import get_logger
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.destinations.base import DestinationSettings
from pantau.streams.deliver.destinations.webhook_body import webhook_body
from pantau.streams.deliver.transport import DeliveryClient, make_client, post

__all__ = ["WebhookSettings", "WebhookDestination", "signer"]


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
