"""Build the configured destinations; the Destination protocol they share.

A destination sends one :class:`Message` or raises ``RetryableDelivery`` /
``PermanentDelivery`` naming itself; it knows nothing of retries, grouping or
rate limits (the dispatcher's job). A ``console`` destination always exists,
so the embedded mode prints alerts when nothing else is configured.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, TextIO

from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import DestinationSpec
from pantau.core.errors import ConfigError

__all__ = ["Destination", "build_destinations", "build_destination"]


class Destination(Protocol):
    """Something that can deliver a message: Slack, email, webhook, Telegram, Teams, Apprise, console."""

    name: str
    kind: str
    spec: DestinationSpec
    rate: float | None
    """Messages per second at most (None: unlimited)."""

    async def send(self, message: Message) -> None:
        """Deliver one message or raise RetryableDelivery / PermanentDelivery."""

    async def aclose(self) -> None:
        """Release connections."""


def _resolve(name: str, spec: DestinationSpec, base: Path | None) -> DestinationSpec:
    """Make relative paths relative to the config file and check they exist."""
    updates = {}
    for field, want_dir in (("templates", True), ("secret_file", False), ("ca_file", False)):
        path: Path | None = getattr(spec, field)
        if path is None:
            continue
        if not path.is_absolute() and base is not None:
            path = base / path
        ok = path.is_dir() if want_dir else path.is_file()
        if not ok:
            kind = "folder" if want_dir else "file"
            raise ConfigError(
                f"destination {name!r}: {field} {kind} {str(path)!r} does not exist",
                hint=f"create it or fix destinations.{name}.{field} in pantau.yaml",
            )
        updates[field] = path
    return spec.model_copy(update=updates) if updates else spec


def build_destination(name: str, spec: DestinationSpec, *, base: Path | None = None,
                      stream: TextIO | None = None) -> Destination:
    """One destination from its spec (paths relative to ``base``)."""
    from pantau.streams.deliver.console import ConsoleDestination
    from pantau.streams.deliver.mail import EmailDestination
    from pantau.streams.deliver.slack import SlackDestination
    from pantau.streams.deliver.webhook import WebhookDestination

    spec = _resolve(name, spec, base)
    if spec.type == "telegram":
        from pantau.streams.deliver.telegram import TelegramDestination
        return TelegramDestination(name, spec)
    if spec.type == "teams":
        from pantau.streams.deliver.teams import TeamsDestination
        return TeamsDestination(name, spec)
    if spec.type == "apprise":
        from pantau.streams.deliver.apprise import AppriseDestination
        return AppriseDestination(name, spec)
    if spec.type == "slack":
        return SlackDestination(name, spec)
    if spec.type == "webhook":
        return WebhookDestination(name, spec)
    if spec.type == "email":
        return EmailDestination(name, spec)
    return ConsoleDestination(name, spec, stream=stream)


def build_destinations(config, *, stream: TextIO | None = None) -> dict[str, Destination]:
    """Every destination in ``config.destinations`` plus an implicit ``console``."""
    base = config.source.parent if getattr(config, "source", None) else None
    specs = dict(config.destinations)
    specs.setdefault("console", DestinationSpec(type="console"))
    return {name: build_destination(name, spec, base=base, stream=stream) for name, spec in specs.items()}
