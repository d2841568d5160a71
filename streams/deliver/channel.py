"""What the chat channels (Telegram, Teams, Apprise) share: secret scrubbing and mention defusing.

Chat URLs and tokens are secrets (whoever has one can post to the desk): the
channels' settings errors name the service and the field, never the value,
and :func:`scrub` takes a URL's pieces out of any text a library hands back.
Article text is defused before it reaches a chat: a headline saying
``@everyone`` or ``<@123>`` must not ping anybody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import ConfigDict

__all__ = ["defuse_mentions", "scrub", "secret_parts", "SECRET_CONFIG", "mask_secret_url"]

SECRET_CONFIG = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True)
"""Settings models of secret-bearing channels: errors never quote what was given."""


def mask_secret_url(url: str | None) -> str | None:
    """Only the scheme of a URL whose every part may be a secret (Apprise: ``tgram://***``)."""
    if not url:
        return url
    scheme = url.split("://", 1)[0] if "://" in url else ""
    return f"{scheme}://***" if scheme else "***"


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
