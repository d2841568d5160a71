"""The long tail through Apprise: one URL per service (``tgram://``, ``discord://``, ``ntfys://``, ``workflows://``...).

``type: apprise`` with ``url: ${DISCORD_URL}`` reaches any of Apprise's ~100
services with the outbox, retries, dead letters, rate limit, metrics and
silences of every other destination (those live in the dispatcher). The
alert is written in the best form the service takes: Markdown where the
service renders it, else HTML, else plain text (its ``notify_format``), the
title apart when the service has one, cut to the service's own body and title
limits; article text is escaped for that format and ``@everyone``/``<@id>``
mentions are defused. Apprise URLs are secrets from end to end (tokens sit in
the host or path), so pantau never shows one: errors name the scheme and
service ("apprise tgram (Telegram)"), Apprise's own log lines are kept out of
pantau's logs and scrubbed of the URL's pieces before they become a reason.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Iterator
from typing import Any, Literal

import apprise as _apprise
from apprise import AppriseResult
from apprise.plugins.base import NotifyBase
from pydantic import SecretStr, model_validator

from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.channel import SECRET_CONFIG, defuse_mentions, mask_secret_url, scrub, secret_parts
from pantau.streams.deliver.destinations.base import DestinationSettings
from pantau.streams.deliver.events import event_view
from pantau.streams.deliver.render import AlertView, shorten, view

__all__ = ["AppriseSettings", "AppriseDestination", "apprise_body", "service_of"]

# Apprise logs full URLs on parse errors ("Unparseable Telegram URL tgram://<token>/"):
# never let its records reach pantau's handlers.
_LOG = logging.getLogger("apprise")
_LOG.propagate = False
_LOG.addHandler(logging.NullHandler())

Format = Literal["auto", "markdown", "html", "text"]
_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_STATUS = re.compile(r"error=(\d{3})|\b([45]\d\d)\b")
_RETRY_4XX = {408, 409, 425, 429}


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def _instantiate(url: str) -> tuple[NotifyBase | None, str]:
    """The Apprise plugin for ``url`` and, when there is none, Apprise's reason (scrubbed)."""
    with _apprise.LogCapture(level=logging.WARNING) as out:
        plugin = _apprise.Apprise.instantiate(url)
    reason = scrub(
        " ".join(line.split(" - ", 2)[-1] for line in out.getvalue().splitlines() if line.strip()), secret_parts(url)
    )
    return plugin, reason


def service_of(url: str) -> str:
    """``tgram (Telegram)``: the scheme and Apprise's name for the service (never the URL)."""
    scheme = _scheme(url)
    try:
        name = _apprise.manager_plugins.NotificationManager()[scheme].service_name
    except Exception:  # unknown scheme: the scheme alone names it
        return scheme or "?"
    return f"{scheme} ({name})"


class AppriseSettings(DestinationSettings):
    """``type: apprise``: the service URL (a secret: from ``${ENV}``) and optionally the text format."""

    model_config = SECRET_CONFIG
    type: Literal["apprise"] = "apprise"
    url: SecretStr | None = None
    """The Apprise URL of the service: ``tgram://``, ``discord://``, ``ntfys://``, ``workflows://``..."""
    format: Format = "auto"
    """The text format to send (default: the best the service renders)."""

    @model_validator(mode="after")
    def _checked(self) -> AppriseSettings:
        self.check(needs=("url",))
        url = self.url.get_secret_value().strip() if self.url else ""
        scheme = _scheme(url)
        if not scheme:
            raise ValueError(
                "apprise destination: url must be an Apprise service URL such as tgram://, "
                "discord://, ntfys:// (see https://github.com/caronc/apprise/wiki)"
            )
        plugin, reason = _instantiate(url)
        if plugin is None:
            known = scheme in _apprise.manager_plugins.NotificationManager()
            what = (
                f"the {service_of(url)} URL is not valid" if known else f"no Apprise service has the scheme {scheme}://"
            )
            raise ValueError(
                "apprise destination: url: "
                + what
                + (f" (Apprise says: {reason})" if reason and known else "")
                + "; check it against the service's page in the Apprise wiki"
            )
        self.url = SecretStr(url)
        return self

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name == "url" and value is not None:
                value = mask_secret_url(value.get_secret_value())
            yield name, value


def _formats(plugin: NotifyBase) -> tuple[str, ...]:
    fmt = plugin.notify_format
    values = fmt if isinstance(fmt, (tuple, list)) else (fmt,)
    return tuple(str(getattr(v, "value", v)) for v in values)


def _pick(plugin: NotifyBase, wanted: Format) -> str:
    if wanted != "auto":
        return wanted
    formats = _formats(plugin)
    for choice in ("markdown", "html", "text"):
        if choice in formats:
            return choice
    return "text"


def _esc(text: str, fmt: str) -> str:
    text = defuse_mentions(text)
    if fmt == "markdown":
        return _MD.sub(r"\\\1", text)
    if fmt == "html":
        return html.escape(text, quote=False)
    return text


def _bold(text: str, fmt: str) -> str:
    return {"markdown": f"**{text}**", "html": f"<b>{text}</b>"}.get(fmt, text)


def _link(label: str, url: str, fmt: str) -> str:
    if fmt == "markdown":
        return f"[{_esc(label, fmt)}]({url.replace(')', '%29').replace(' ', '%20')})"
    if fmt == "html":
        return f'<a href="{html.escape(url)}">{_esc(label, fmt)}</a>'
    return f"{label}: {url}"


def _alert_lines(v: AlertView, fmt: str, snippet: bool) -> list[str]:
    rule = ", ".join(v.rules) + (f" ({v.severity})" if v.severity else "")
    lines = [
        _esc(" · ".join(p for p in (v.outlet, v.published) if p), fmt),
        _esc(f"{', '.join(v.topics)} · {rule}", fmt),
    ]
    if snippet and v.snippet:
        lines += ["", "".join(_bold(_esc(s.text, fmt), fmt) if s.marked else _esc(s.text, fmt) for s in v.snippet)]
    lines += ["", _link("Open the article", v.url, fmt)]
    if v.feedback is not None:
        relevant, not_relevant = v.feedback.relevant, v.feedback.not_relevant
        lines.append(f"{_link('Relevant', relevant, fmt)} · {_link('Not relevant', not_relevant, fmt)}")
    return lines


def apprise_body(message: Message, fmt: str, *, body_max: int = 0, title_max: int = 250) -> tuple[str, str]:
    """(title, body) for the service: ``fmt`` markup, body within ``body_max`` (0: no limit), title folded
    into the body when the service has none (``title_max`` 0)."""
    newline = "<br/>\n" if fmt == "html" else "\n"
    if message.kind == "update" and message.alerts[0].update is not None:
        update = message.alerts[0].update
        title = f"Update: {shorten(update.title, 200)}"
        lines = [_bold(_esc(update.summary(), fmt), fmt)] + [
            f"• {_link(shorten(i.title, 200), i.url, fmt)} — {_esc(i.outlet, fmt)}" for i in update.items
        ]
        candidates = [lines[: n + 1] for n in _shrinking(len(lines) - 1)]
    elif message.kind == "ops_event" and message.alerts[0].event is not None:
        v = event_view(message.alerts[0].event, message.alerts[0].key)
        title = shorten(v.title, 200)
        lines = [_esc(shorten(v.message, 1500), fmt)] + [_esc(f"{k}: {shorten(x, 300)}", fmt) for k, x in v.details]
        candidates = [lines]
    else:
        views = [view(a, snippet_chars=600 if message.kind == "alert" else 0) for a in message.alerts]
        if message.kind == "alert" and len(views) == 1:
            title = shorten(views[0].title, 250)
            candidates = [_alert_lines(views[0], fmt, True), _alert_lines(views[0], fmt, False)]
        else:
            word = "Alert storm" if message.kind == "storm" else "Digest"
            title = f"{word}: {len(views)} alerts ({message.route})"
            items = [f"• {_link(shorten(v.title, 200), v.url, fmt)} — {_esc(v.outlet, fmt)}" for v in views]
            candidates = [
                items[:n] + ([_esc(f"… and {len(items) - n} more", fmt)] if n < len(items) else [])
                for n in _shrinking(len(items))
            ]
    title = defuse_mentions(title)  # titles go as plain text, but a chat still pings on @everyone
    if title_max:
        title = shorten(title, title_max)
    body = ""
    for lines in candidates:
        if not title_max:
            lines = [_bold(_esc(title, fmt), fmt)] + lines
        body = newline.join(lines)
        if not body_max or len(body) <= body_max:
            break
    if body_max and len(body) > body_max:
        body = shorten(body, body_max) if fmt == "text" else body[: body_max - 1] + "…"
    return ("" if not title_max else title), body


def _shrinking(n: int) -> list[int]:
    out: list[int] = []
    k = n
    while k > 1:
        out.append(k)
        k = k * 2 // 3
    return out + [1]


class AppriseDestination:
    """Sends alerts to one Apprise service URL."""

    kind = "apprise"

    def __init__(self, name: str, spec: AppriseSettings) -> None:
        self.name = name
        self.spec = spec
        self.settings = spec
        url = spec.url.get_secret_value() if spec.url else ""
        self.service = service_of(url)
        self._secrets = secret_parts(url)
        self._apprise = _apprise.Apprise()
        self._apprise.add(url)
        self._plugin = self._apprise[0]
        # pantau's timeout, not Apprise's 4 s default; retries are the dispatcher's, not Apprise's.
        self._plugin.socket_read_timeout = float(spec.timeout)
        self._plugin.socket_connect_timeout = min(float(spec.timeout), 10.0)
        self.format = _pick(self._plugin, self.settings.format)
        self.rate = spec.rate if spec.rate is not None else 1.0

    def render(self, message: Message) -> tuple[str, str]:
        """(title, body) exactly as this service will be given them."""
        body_max = int(getattr(self._plugin, "body_maxlen", 0) or 0)
        title_max = int(getattr(self._plugin, "title_maxlen", 250) or 0)
        return apprise_body(message, self.format, body_max=body_max, title_max=title_max)

    async def send(self, message: Message) -> None:
        """Notify the service; failures become Retryable/PermanentDelivery naming the service, never the URL."""
        title, body = self.render(message)
        try:
            result = await asyncio.to_thread(self._apprise.notify, body=body, title=title, body_format=self.format)
        except Exception as exc:  # a plugin bug: keep the alert, say which service, hide the URL
            raise RetryableDelivery(
                self.name, f"apprise {self.service} failed: {scrub(f'{type(exc).__name__}: {exc}', self._secrets)}"
            ) from None
        if result:
            return
        reason = self._reason(result)
        m = _STATUS.search(reason)
        status = int(m.group(1) or m.group(2)) if m else None
        what = f"apprise {self.service} refused the alert" + (f": {reason}" if reason else "")
        if status is not None and 400 <= status < 500 and status not in _RETRY_4XX:
            raise PermanentDelivery(
                self.name,
                what,
                hint="check the service URL and its permissions, then `pantau alerts replay`",
                disable=status == 410,
            )
        raise RetryableDelivery(self.name, what, hint="pantau retries with backoff")

    def _reason(self, result: AppriseResult) -> str:
        lines: list[str] = []
        for service in result:
            for attempt in service:
                lines += [str(entry).split(" - ", 2)[-1] for entry in attempt]
        return scrub(" ".join(lines)[-400:], self._secrets)

    async def aclose(self) -> None:
        """Nothing to release (Apprise opens a connection per notification)."""
