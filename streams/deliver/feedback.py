"""Signed "relevant" / "not relevant" links carried by every alert.

    signer = LinkSigner(link_key(config), public_base(config))
    router = Router(routes, destinations, links=signer.links)     # each Alert gets .feedback
    alert.feedback.relevant
        -> https://pantau.example/feedback/<alert key>/relevant?a=<article id>&exp=1767225600&sig=3f9a...
    signer.verify(key, verdict, exp, sig, article=a)              # FeedbackLinkError when forged or expired

The signature is HMAC-SHA256 over ``alert key, article id, verdict, expiry``
(the article id lets a page that never saw the alert, as in distributed mode,
find what it was about in the archive) with a key
derived from ``web.secret`` in pantau.yaml (every process of a distributed
deployment derives the same one), else a random key kept beside the state
file (``feedback-link-key``, mode 0600). Opening a link only shows a
confirmation page; the verdict is recorded by the page's POST, never by the
GET itself, because link unfurlers and mail scanners fetch every URL.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol, overload
from urllib.parse import quote

import msgspec

from pantau.core.errors import FeedbackLinkError

__all__ = ["FeedbackLinks", "LinkSigner", "Verdict", "VERDICTS", "LINK_TTL", "link_key", "public_base", "signer_for"]


class LinkSettings(Protocol):
    """What signing links needs of pantau.yaml: the state file (the key is kept beside it).

    ``web:`` (secret, public_url, listen) is read when the object has it: a
    :class:`pantau.config.Config` does, and sits above this module.
    """

    @property
    def state(self) -> Path: ...


Verdict = Literal["relevant", "not_relevant"]
VERDICTS: tuple[str, ...] = ("relevant", "not_relevant")
_VERDICT: dict[str, Verdict] = {"relevant": "relevant", "not_relevant": "not_relevant"}
LINK_TTL = 30 * 86400.0
"""Links work this long after the alert was made (a month of inbox archaeology)."""
_KEY_FILE = "feedback-link-key"


class FeedbackLinks(msgspec.Struct, frozen=True, kw_only=True):
    """The two signed links of one alert and when they stop working (Unix seconds)."""

    relevant: str
    not_relevant: str
    expires: int


def _message(key: str, article: str, verdict: str, expires: int) -> bytes:
    return f"{key}\x1f{article}\x1f{verdict}\x1f{expires}".encode()


class LinkSigner:
    """Makes and checks the signed feedback links of alerts."""

    def __init__(
        self, key: bytes, base_url: str, *, ttl: float = LINK_TTL, clock: Callable[[], float] = time.time
    ) -> None:
        if len(key) < 16:
            raise ValueError("a feedback link key needs at least 16 bytes")
        self._key = key
        self.base_url = base_url.rstrip("/")
        self.ttl = ttl
        self._clock = clock

    def sign(self, alert_key: str, verdict: str, expires: int, article: str = "") -> str:
        """The hex HMAC-SHA256 of (alert key, article id, verdict, expiry)."""
        return hmac.new(self._key, _message(alert_key, article, verdict, expires), hashlib.sha256).hexdigest()

    def url(self, alert_key: str, verdict: str, expires: int, article: str = "") -> str:
        """The link for one verdict: ``<base>/feedback/<key>/<verdict>?a=<article>&exp=<expiry>&sig=<signature>``."""
        return (
            f"{self.base_url}/feedback/{quote(alert_key, safe='')}/{verdict}?a={quote(article, safe='')}"
            f"&exp={expires}&sig={self.sign(alert_key, verdict, expires, article)}"
        )

    def links(self, alert_key: str, article: str = "") -> FeedbackLinks:
        """Both links of an alert (about ``article``) made now, expiring after ``ttl``."""
        expires = int(self._clock() + self.ttl)
        return FeedbackLinks(
            relevant=self.url(alert_key, "relevant", expires, article),
            not_relevant=self.url(alert_key, "not_relevant", expires, article),
            expires=expires,
        )

    def verify(self, alert_key: str, verdict: str, expires: str | int, signature: str, *, article: str = "") -> Verdict:
        """The verdict when the link is genuine and current; FeedbackLinkError saying why not otherwise."""
        checked = _VERDICT.get(verdict)
        if checked is None:
            raise FeedbackLinkError(
                f"feedback link: unknown verdict {verdict!r}", hint="use the link from the alert as it was sent"
            )
        try:
            exp = int(expires)
        except (TypeError, ValueError):
            raise FeedbackLinkError(
                f"feedback link: bad expiry {expires!r}", hint="use the link from the alert as it was sent"
            ) from None
        if not hmac.compare_digest(self.sign(alert_key, verdict, exp, article), str(signature or "")):
            raise FeedbackLinkError(
                "feedback link: the signature does not match (altered, or signed with another key)",
                hint="use the link from the alert as it was sent; give feedback on the web page",
            )
        if exp < self._clock():
            raise FeedbackLinkError(
                "feedback link: expired", hint="links work for 30 days; give feedback on the alert's page instead"
            )
        return checked


def link_key(config: LinkSettings) -> bytes:
    """The link-signing key: derived from ``web.secret``, else random and kept beside the state file."""
    web = getattr(config, "web", None)
    secret = getattr(web, "secret", None)
    if secret is not None and secret.get_secret_value():
        return hmac.new(secret.get_secret_value().encode(), b"pantau feedback links", hashlib.sha256).digest()
    path = Path(config.state).parent / _KEY_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value)
    return bytes.fromhex(value)


def public_base(config: LinkSettings) -> str:
    """Where people reach the web page: ``web.public_url``, else ``http://`` + ``web.listen`` (127.0.0.1:8464)."""
    web = getattr(config, "web", None)
    url = getattr(web, "public_url", None)
    if url:
        return str(url)
    return f"http://{getattr(web, 'listen', None) or '127.0.0.1:8464'}"


@overload
def signer_for(config: LinkSettings, *, shared: Literal[False] = False) -> LinkSigner: ...


@overload
def signer_for(config: LinkSettings, *, shared: bool) -> LinkSigner | None: ...


def signer_for(config: LinkSettings, *, shared: bool = False) -> LinkSigner | None:
    """The configured signer; with ``shared`` (several processes sign) only when ``web.secret`` is set."""
    web = getattr(config, "web", None)
    if shared and getattr(web, "secret", None) is None:
        return None
    return LinkSigner(link_key(config), public_base(config))
