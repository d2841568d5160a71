"""Email alerts over SMTP: multipart text + HTML from Jinja2 templates.

``smtp://user:pass@host:587`` upgrades with STARTTLS whenever the server
offers it (and refuses to send a password in clear when it does not);
``smtps://host:465`` speaks TLS from the first byte. Templates ship in
``templates/`` (``alert``/``digest`` x ``txt``/``html``, plus ``subject``;
ops events use ``event.txt.j2``, ``event.html.j2``, ``event-subject.txt.j2``);
a destination's ``templates:`` folder overrides any of them by name. HTML
templates are autoescaped, so article text cannot inject markup.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from types import SimpleNamespace
from typing import Literal
from urllib.parse import unquote, urlsplit

import jinja2
from pydantic import Field, model_validator

from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import mask_url
from pantau.streams.deliver.destinations.base import DestinationSettings
from pantau.streams.deliver.events import event_view
from pantau.streams.deliver.render import view

__all__ = ["EmailSettings", "EmailDestination", "build_email", "template_env"]


class EmailSettings(DestinationSettings):
    """``type: email``: fixed recipients through one SMTP server."""

    type: Literal["email"] = "email"
    smtp: str | None = None
    """``smtp://user:pass@host:587`` (STARTTLS when offered) or ``smtps://`` (TLS)."""
    from_: str | None = Field(default=None, alias="from")
    to: list[str] = Field(default_factory=list)
    subject_prefix: str = "[pantau]"
    templates: Path | None = None
    """A folder whose ``alert.*.j2`` / ``digest.*.j2`` override the shipped templates."""
    ca_file: Path | None = None
    """Trust this CA bundle for the server's certificate (private relays)."""
    paths = (("templates", True), ("ca_file", False))
    masked = ("smtp",)

    @model_validator(mode="after")
    def _checked(self) -> EmailSettings:
        self.check(needs=("smtp", "from_", "to"), urls=("smtp",), schemes=("smtp", "smtps"))
        return self


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def template_env(override: Path | None = None) -> jinja2.Environment:
    """Jinja2 environment: the operator's folder first, then the shipped templates."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(TEMPLATES))]
    if override is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(override)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def build_email(message: Message, spec: EmailSettings, env: jinja2.Environment) -> EmailMessage:
    """The multipart/alternative email (text and HTML) for one message."""
    context: dict[str, object] = {"kind": message.kind, "route": message.route, "prefix": spec.subject_prefix}
    if message.kind == "ops_event":
        name, subject = "event", "event-subject.txt.j2"
        context["events"] = [event_view(a.event, a.key) for a in message.alerts if a.event is not None]
    elif message.kind == "update":
        update = message.alerts[0].update
        assert update is not None
        name, subject = "update", "subject.txt.j2"
        context["update"] = update
        # The first alert's subject, so mail clients that thread by subject (Gmail) join them too.
        context["alerts"] = [SimpleNamespace(topics=update.first_topics, title=update.title)]
    else:
        views = [view(a) for a in message.alerts]
        name = "alert" if message.kind == "alert" and len(views) == 1 else "digest"
        subject = "subject.txt.j2"
        context["alerts"] = views
    msg = EmailMessage()
    # Headers cannot hold line breaks: collapse whatever the template produced.
    msg["Subject"] = ("Re: " if message.kind == "update" else "") + " ".join(
        env.get_template(subject).render(context).split()
    )[:250]
    msg["From"] = spec.from_ or ""
    msg["To"] = ", ".join(spec.to)
    msg["Date"] = formatdate(localtime=False)
    domain = (spec.from_ or "pantau.localhost").rpartition("@")[2] or None
    # Derived from the message id (stable across retries), so an update can name the alert it follows.
    msg["Message-ID"] = f"<pantau.{message.id}@{domain or 'pantau.localhost'}>"
    if message.kind == "update" and message.alerts[0].update is not None:
        first = f"<pantau.{message.alerts[0].update.of}@{domain or 'pantau.localhost'}>"
        msg["In-Reply-To"] = first
        msg["References"] = first
    msg["X-Pantau-Alert"] = message.id
    msg.set_content(env.get_template(f"{name}.txt.j2").render(context))
    msg.add_alternative(env.get_template(f"{name}.html.j2").render(context), subtype="html")
    return msg


class EmailDestination:
    """Sends alerts to fixed recipients through one SMTP server."""

    kind = "email"

    def __init__(self, name: str, spec: EmailSettings) -> None:
        self.name = name
        self.spec = spec
        self.rate = spec.rate
        self.env = template_env(spec.templates)
        url = urlsplit(spec.smtp or "")
        self._implicit_tls = url.scheme == "smtps"
        self._host = url.hostname or ""
        self._port = url.port or (465 if self._implicit_tls else 25)
        self._user = unquote(url.username) if url.username else None
        self._password = unquote(url.password) if url.password else None
        self._tls = ssl.create_default_context(cafile=str(spec.ca_file) if spec.ca_file else None)

    async def send(self, message: Message) -> None:
        """Render and send one email; raises RetryableDelivery / PermanentDelivery on failure."""
        email = build_email(message, self.spec, self.env)
        # smtplib is blocking; a thread keeps a slow mail server from holding up Slack.
        await asyncio.to_thread(self._deliver, email)

    def _deliver(self, email: EmailMessage) -> None:
        where = f"SMTP server {mask_url(self.spec.smtp)}"
        try:
            if self._implicit_tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self._host, self._port, timeout=self.spec.timeout, context=self._tls
                )
            else:
                client = smtplib.SMTP(self._host, self._port, timeout=self.spec.timeout)
            with client:
                client.ehlo()
                if not self._implicit_tls and client.has_extn("starttls"):
                    client.starttls(context=self._tls)
                    client.ehlo()
                if self._user:
                    if not isinstance(client.sock, ssl.SSLSocket):
                        raise PermanentDelivery(
                            self.name,
                            f"{where} offers no STARTTLS; refusing to send the password in clear",
                            hint="use smtps:// or a server that offers STARTTLS",
                        )
                    self._login(client)
                client.send_message(email)
        except ssl.SSLCertVerificationError as exc:
            raise PermanentDelivery(
                self.name,
                f"{where}: certificate not trusted: {exc.verify_message}",
                hint="set ca_file: to the CA that signed the server's certificate",
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentDelivery(
                self.name,
                f"{where} refused the login: {exc.smtp_code} {_text(exc.smtp_error)}",
                hint="check the user and password in smtp:",
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(f"{r} ({c} {_text(m)})" for r, (c, m) in exc.recipients.items())
            raise PermanentDelivery(self.name, f"{where} refused recipients {refused}", hint="fix to:") from None
        except smtplib.SMTPResponseException as exc:
            what = f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
            if 400 <= exc.smtp_code < 500:
                raise RetryableDelivery(self.name, what) from None
            raise PermanentDelivery(
                self.name, what, hint="see the server's message; then `pantau alerts replay`"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise RetryableDelivery(
                self.name,
                f"cannot reach {where}: {exc or type(exc).__name__}",
                hint="check host and port in smtp:; pantau retries with backoff",
            ) from None

    def _login(self, client: smtplib.SMTP) -> None:
        # PLAIN when offered: one attempt, so a wrong password fails once and
        # fast instead of smtplib trying every other mechanism in turn.
        if "PLAIN" in client.esmtp_features.get("auth", "").upper().split():
            client.user, client.password = self._user or "", self._password or ""
            client.auth("PLAIN", client.auth_plain)
        else:
            client.login(self._user or "", self._password or "")

    async def aclose(self) -> None:
        """Nothing to close: each send opens its own SMTP session."""


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
