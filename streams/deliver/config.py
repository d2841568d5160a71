"""Destination and route declarations of pantau.yaml (``destinations:``, ``routes:``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DestinationSpec", "RouteSpec"]


class DestinationSpec(BaseModel):
    """Where alerts go: a Slack webhook, an SMTP mailbox, a signed webhook, the console."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["webhook", "slack", "email", "console"]
    url: str | None = None
    secret: str | None = None
    smtp: str | None = None
    from_: str | None = Field(default=None, alias="from")
    to: list[str] = Field(default_factory=list)


class RouteSpec(BaseModel):
    """Which matches go where."""

    model_config = ConfigDict(extra="forbid")
    topics: list[str] = Field(default_factory=list)
    to: list[str]
    continue_: bool = Field(default=False, alias="continue")
