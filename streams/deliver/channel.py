"""What the chat channels (Telegram, Teams, Apprise) share: settings base, secret scrubbing, mention defusing.

Each channel module holds a ``Settings`` model (a :class:`ChannelSettings`)
that ``DestinationSpec`` validates a destination with, so a mistake reads
"telegram destination: chat_id is required", naming the service and the field
and never echoing a token or URL (chat URLs are secrets: whoever has one can
post to the desk). Article text is defused before it reaches a chat: a
headline saying ``@everyone`` or ``<@123>`` must not ping anybody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from pantau.streams.deliver.config import Duration

__all__ = ["ChannelSettings", "defuse_mentions", "scrub", "secret_parts"]

_ZWSP = "\u200b"
# @everyone / @here / @channel / @all (Discord, Slack, Mattermost, Rocket.Chat, Telegram usernames)
# and <@123>, <!channel>, <#C1>, <@&role> (Discord and Slack mention syntax).
_AT = re.compile(r"@(?=[\w&!#])")
_ANGLE = re.compile(r"<(?=[@!#:&])")


def defuse_mentions(text: str) -> str:
    """``text`` with every ``@name`` and ``<@id>`` broken by a zero-width space, so it notifies nobody."""
    return _ANGLE.sub("<" + _ZWSP, _AT.sub("@" + _ZWSP, text))


def secret_parts(url: str) -> list[str]:
    """The pieces of a URL that may be secrets (path segments, user, password, query values), longest first."""
    parts = re.split(r"[/:@?&=#,]+", url.split("://", 1)[-1])
    return sorted({p for p in parts if len(p) >= 4}, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret piece and every ``scheme://...`` URL replaced by ``***``."""
    text = re.sub(r"\b([a-z][a-z0-9+.-]{1,20})://\S+", r"\1://***", text)
    for piece in secrets:
        if piece:
            text = text.replace(piece, "***")
    return text


class ChannelSettings(BaseModel):
    """Settings every channel takes besides its own: rate, timeout, retry schedule."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    service: ClassVar[str] = "channel"
    rate: float | None = None
    timeout: Duration = 15.0
    retry: list[Duration] | None = None

    @classmethod
    def from_spec(cls, given: dict[str, Any]) -> "ChannelSettings":
        """Validate the destination's fields; errors name the service and field, never the value."""
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "settings"
                if err["type"] == "extra_forbidden":
                    problems.append(f"{field} is not a setting of {cls.service} destinations")
                elif err["type"] == "missing":
                    problems.append(f"{field} is required")
                else:
                    problems.append(f"{field}: {err['msg'].removeprefix('Value error, ')}")
            raise ValueError(f"{cls.service} destination: " + "; ".join(problems)) from None
