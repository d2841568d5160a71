"""What every destination shares: the Destination protocol and the settings common to all types.

A destination sends one :class:`Message` or raises ``RetryableDelivery`` /
``PermanentDelivery`` naming itself; it knows nothing of retries, grouping or
rate limits (the dispatcher's job). Each type's module declares its own
settings model on top of :class:`DestinationSettings`; secret values never
appear in ``repr()`` or ``str()`` of a settings model.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import STANDARD_SCHEDULE, Duration, mask_url

__all__ = ["Destination", "DestinationSettings"]


class DestinationSettings(BaseModel):
    """Settings every destination type takes; ``type`` picks the model (see the registry)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    type: str
    rate: float | None = None
    """Messages per second at most (default: 1 for Slack, unlimited otherwise)."""
    timeout: Duration = 15.0
    retry: list[Duration] | None = None
    """Attempt times: first at once, then after each wait (default: Standard Webhooks schedule)."""

    paths: ClassVar[tuple[tuple[str, bool], ...]] = ()
    """(field, is a folder) of path settings, made relative to the config file and checked to exist."""
    masked: ClassVar[tuple[str, ...]] = ()
    """URL fields shown without password or path in repr() and errors."""

    def check(self, needs: tuple[str, ...] = (), urls: tuple[str, ...] = (), schemes: tuple[str, ...] = ()) -> None:
        """Raise ValueError for a missing required field, a URL of the wrong scheme or port, a bad retry."""
        missing = [f.rstrip("_") for f in needs if not getattr(self, f)]
        if missing:
            raise ValueError(
                f"{'an' if self.type[0] in 'aeiou' else 'a'} {self.type} destination needs {', '.join(missing)}"
            )
        for field in urls:
            value = getattr(self, field) or ""
            if schemes and urlsplit(value).scheme not in schemes:
                if "http" in schemes:
                    raise ValueError(f"{field} must start with https:// (got {mask_url(value)!r})")
                raise ValueError(f"{field} must be smtp://host:587 or smtps://host:465 (got {mask_url(value)!r})")
        for field in urls:
            try:
                urlsplit(getattr(self, field) or "").port  # noqa: B018 - reading .port validates it
            except ValueError:
                raise ValueError(f"{field} has an invalid port (got {mask_url(getattr(self, field))!r})") from None
        if self.retry is not None and not self.retry:
            raise ValueError("retry needs at least one attempt time, e.g. [0, 5s, 5m]")

    @property
    def schedule(self) -> tuple[float, ...]:
        """Offsets between attempts: ``retry`` or the Standard Webhooks schedule."""
        return tuple(self.retry) if self.retry is not None else STANDARD_SCHEDULE

    def with_paths(self, base: Path | None, name: str) -> DestinationSettings:
        """A copy with path settings made relative to ``base``; ConfigError when one is missing."""
        from pantau.core.errors import ConfigError

        updates: dict[str, Path] = {}
        for field, want_dir in self.paths:
            path: Path | None = getattr(self, field)
            if path is None:
                continue
            if not path.is_absolute() and base is not None:
                path = base / path
            if not (path.is_dir() if want_dir else path.is_file()):
                kind = "folder" if want_dir else "file"
                raise ConfigError(
                    f"destination {name!r}: {field} {kind} {str(path)!r} does not exist",
                    hint=f"create it or fix destinations.{name}.{field} in pantau.yaml",
                )
            updates[field] = path
        return self.model_copy(update=updates) if updates else self

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name in self.masked:
                value = mask_url(value)
            yield name, value


class Destination(Protocol):
    """Something that can deliver a message: Slack, email, webhook, console."""

    name: str
    kind: str
    rate: float | None
    """Messages per second at most (None: unlimited)."""
    # Optional ``batch: int``: alerts of an ungrouped route one message may carry (webhook); absent means 1.

    @property
    def spec(self) -> DestinationSettings:
        """The destination's settings (its own type's model)."""

    async def send(self, message: Message) -> None:
        """Deliver one message or raise RetryableDelivery / PermanentDelivery."""

    async def aclose(self) -> None:
        """Release connections."""
