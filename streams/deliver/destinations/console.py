"""Alerts on the terminal: the embedded mode's and the demo's output.

Rendered with rich from Text objects (never markup strings), so a headline
containing ``[bold]`` or ANSI-looking text prints as written. On a terminal
it is coloured; piped to a file it is plain text. Ops events print as a
``▲ ops`` block with their details.
"""

from __future__ import annotations

import sys
from typing import Literal, TextIO

from pydantic import model_validator
from rich.console import Console
from rich.text import Text

from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.destinations.base import DestinationSettings
from pantau.streams.deliver.events import EventView, event_view
from pantau.streams.deliver.render import AlertView, view

__all__ = ["ConsoleSettings", "ConsoleDestination", "render_alert", "render_event"]


class ConsoleSettings(DestinationSettings):
    """``type: console``: alerts printed to this terminal (always present in the embedded mode)."""

    type: Literal["console"] = "console"
    color: bool | None = None
    """Force colour on or off (default: only on a terminal)."""

    @model_validator(mode="after")
    def _checked(self) -> ConsoleSettings:
        self.check()
        return self


_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def render_alert(v: AlertView, *, plain: bool = False) -> Text:
    """One alert as styled terminal text; ``plain`` (no colour) marks matched terms «like this»."""
    text = Text()
    text.append("● ", style=_SEVERITY_STYLE.get(v.severity, "magenta"))
    text.append(f"[{', '.join(v.topics)}] ", style="bold magenta")
    text.append(v.title, style="bold")
    text.append("\n  ")
    text.append(v.outlet, style="green")
    if v.published:
        text.append(f" · {v.published}", style="dim")
    text.append(f" · rule {', '.join(v.rules)}", style="dim")
    if v.severity:
        text.append(f" ({v.severity})", style=_SEVERITY_STYLE.get(v.severity, "dim"))
    text.append("\n  ")
    text.append(v.url, style="blue underline")
    if v.snippet:
        text.append("\n  ")
        for seg in v.snippet:
            if seg.marked and plain:
                text.append(f"«{seg.text}»")
            else:
                text.append(seg.text, style="bold yellow" if seg.marked else "")
    return text


_EVENT_STYLE = {"error": "bold red", "warning": "yellow", "info": "green"}


def render_event(v: EventView) -> Text:
    """One ops event as styled terminal text: headline, message, details."""
    text = Text()
    text.append("▲ ops ", style=_EVENT_STYLE.get(v.severity, "bold"))
    text.append(v.title, style="bold")
    text.append(f" · since {v.at}", style="dim")
    text.append("\n  ")
    text.append(v.message)
    for label, value in v.details:
        text.append(f"\n  {label}: ", style="dim")
        text.append(value)
    return text


class ConsoleDestination:
    """Prints alerts to a stream (stdout by default)."""

    kind = "console"

    def __init__(self, name: str, spec: ConsoleSettings, stream: TextIO | None = None) -> None:
        self.name = name
        self.spec = spec
        self.rate: float | None = None
        self.console = Console(
            file=stream or sys.stdout,
            force_terminal=spec.color,
            no_color=spec.color is False,
            highlight=False,
            soft_wrap=True,
        )

    async def send(self, message: Message) -> None:
        """Print the message's alerts (a storm prints a one-line summary first)."""
        if message.kind == "storm":
            self.console.print(
                Text(f"⚡ alert storm on {message.route}: {len(message.alerts)} alerts", style="bold red")
            )
        for alert in message.alerts:
            if alert.update is not None:
                self.console.print(Text(f"↳ update on “{alert.update.title}”: {alert.update.summary()}", style="cyan"))
                for item in alert.update.items:
                    self.console.print(Text(f"   {item.outlet}: {item.title}  {item.url}"))
                self.console.print()
                continue
            if alert.event is not None:
                self.console.print(render_event(event_view(alert.event, alert.key)))
                self.console.print()
                continue
            plain = self.console.color_system is None
            self.console.print(render_alert(view(alert, snippet_chars=280), plain=plain))
            self.console.print()

    async def aclose(self) -> None:
        """Flush the stream."""
        self.console.file.flush()
