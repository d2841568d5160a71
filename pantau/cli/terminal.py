"""How the commands write times and long text on a terminal, so that every command says them alike.

``pantau status`` and ``pantau feeds status`` show the same feed's last success:
one ``span``/``ago`` makes them show the same age. Pages have their own wording
(``pantau.web.filters``: "3 min ago", "in 2 h"); this is the terse terminal one.
"""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["span", "ago", "stamp", "one_line"]

_UNITS = (("d", 86400), ("h", 3600), ("m", 60))


def span(seconds: float) -> str:
    """A duration in its largest whole unit: ``45s``, ``5m``, ``2h``, ``3d`` (a negative one is ``0s``)."""
    seconds = max(0, int(seconds))
    for unit, size in _UNITS:
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def ago(then: float | None, now: float) -> str:
    """How long before ``now`` ``then`` was: ``2h ago``; ``never`` for None."""
    return "never" if then is None else f"{span(now - then)} ago"


def stamp(ts: float) -> str:
    """A Unix time as UTC to the minute: ``2026-11-28 17:30`` (the tables' time column; say UTC beside it)."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M")


def one_line(text: str, width: int) -> str:
    """``text`` on one line (runs of white space folded), cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
