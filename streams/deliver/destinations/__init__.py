"""Destinations: one module per channel, joined by a registry and one discriminated union.

    type: slack    -> slack.SlackSettings    / slack.SlackDestination
    type: email    -> mail.EmailSettings     / mail.EmailDestination
    type: webhook  -> webhook.WebhookSettings / webhook.WebhookDestination
    type: console  -> console.ConsoleSettings / console.ConsoleDestination
    type: telegram -> telegram.TelegramSettings / telegram.TelegramDestination
    type: teams    -> teams.TeamsSettings    / teams.TeamsDestination
    type: apprise  -> apprise.AppriseSettings / apprise.AppriseDestination

``DestinationSpec`` (what ``destinations:`` in pantau.yaml holds) is the union
of the settings models, told apart by ``type``; :data:`REGISTRY` maps each type
to its settings model and sender class. A new channel is a module with both,
plus one line here (see CONTRIBUTING.md). A ``console`` destination always
exists, so the embedded mode prints alerts when nothing else is configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Protocol, TextIO

from pydantic import ConfigDict, Field, TypeAdapter

from pantau.streams.deliver.destinations.apprise import AppriseDestination, AppriseSettings
from pantau.streams.deliver.destinations.base import Destination, DestinationSettings
from pantau.streams.deliver.destinations.console import ConsoleDestination, ConsoleSettings
from pantau.streams.deliver.destinations.mail import EmailDestination, EmailSettings
from pantau.streams.deliver.destinations.slack import SlackDestination, SlackSettings
from pantau.streams.deliver.destinations.teams import TeamsDestination, TeamsSettings
from pantau.streams.deliver.destinations.telegram import TelegramDestination, TelegramSettings
from pantau.streams.deliver.destinations.webhook import WebhookDestination, WebhookSettings

__all__ = [
    "Destination",
    "DestinationSettings",
    "DestinationSpec",
    "REGISTRY",
    "parse_destination",
    "build_destinations",
    "build_destination",
]

REGISTRY: dict[str, tuple[type[DestinationSettings], type[Any]]] = {
    "webhook": (WebhookSettings, WebhookDestination),
    "slack": (SlackSettings, SlackDestination),
    "email": (EmailSettings, EmailDestination),
    "console": (ConsoleSettings, ConsoleDestination),
    "telegram": (TelegramSettings, TelegramDestination),
    "teams": (TeamsSettings, TeamsDestination),
    "apprise": (AppriseSettings, AppriseDestination),
}
"""type -> (settings model, sender class); the sender is built as ``cls(name, settings)``."""

DestinationSpec = Annotated[
    WebhookSettings
    | SlackSettings
    | EmailSettings
    | ConsoleSettings
    | TelegramSettings
    | TeamsSettings
    | AppriseSettings,
    Field(discriminator="type"),
]
"""One destination of pantau.yaml: the settings model its ``type`` names."""

# Errors never quote the given mapping: it holds tokens, passwords and secret URLs.
_adapter: TypeAdapter[DestinationSettings] = TypeAdapter(DestinationSpec, config=ConfigDict(hide_input_in_errors=True))


def parse_destination(data: object) -> DestinationSettings:
    """Validate one destination mapping (``{"type": "slack", "url": ...}``) into its settings model."""
    return _adapter.validate_python(data)


def build_destination(
    name: str, spec: DestinationSettings, *, base: Path | None = None, stream: TextIO | None = None
) -> Destination:
    """One destination from its settings (paths relative to ``base``)."""
    spec = spec.with_paths(base, name)
    _, sender = REGISTRY[spec.type]
    if isinstance(spec, ConsoleSettings):
        return ConsoleDestination(name, spec, stream=stream)
    destination: Destination = sender(name, spec)
    return destination


class DestinationsConfig(Protocol):
    """What building destinations needs of pantau.yaml (a :class:`pantau.config.Config` has it)."""

    @property
    def destinations(self) -> Mapping[str, DestinationSettings]: ...
    @property
    def source(self) -> Path | None: ...


def build_destinations(config: DestinationsConfig, *, stream: TextIO | None = None) -> dict[str, Destination]:
    """Every destination in ``config.destinations`` plus an implicit ``console``."""
    base = config.source.parent if config.source is not None else None
    specs: dict[str, DestinationSettings] = dict(config.destinations)
    specs.setdefault("console", ConsoleSettings())
    return {name: build_destination(name, spec, base=base, stream=stream) for name, spec in specs.items()}
