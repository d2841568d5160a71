"""Template filters: times people read, and text with the rule hits marked (always escaped)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from jinja2 import Environment
from markupsafe import Markup, escape

__all__ = ["install", "ago", "when", "marked", "segments", "snippet"]


def ago(ts: float | None, now: float | None = None) -> str:
    """``3 min ago``, ``2 h ago``, ``5 d ago``; ``never`` for None; ``in 2 h`` for the future."""
    if ts is None:
        return "never"
    delta = (time.time() if now is None else now) - ts
    future, delta = delta < 0, abs(delta)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if delta >= size:
            text = f"{int(delta // size)} {unit}"
            break
    else:
        text = f"{int(delta)} s"
    return f"in {text}" if future else f"{text} ago"


def when(ts: float | datetime | None) -> str:
    """UTC date and time to the minute (ISO-like), for ``<time>`` elements."""
    if ts is None:
        return ""
    moment = ts if isinstance(ts, datetime) else datetime.fromtimestamp(ts, timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def marked(text: str, hits, field: str) -> Markup:
    """``text`` escaped, with the hits of ``field`` wrapped in ``<mark>`` (overlaps merged)."""
    spans = sorted({(h.start, h.end) for h in hits if h.field == field and 0 <= h.start < h.end <= len(text)})
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out += [escape(text[pos:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def segments(parts) -> Markup:
    """Search-result segments (``text``, ``hit``) as escaped HTML with hits in ``<mark>``."""
    return Markup("").join(Markup("<mark>{}</mark>").format(p.text) if p.hit else escape(p.text) for p in parts)


def snippet(text: str) -> Markup:
    """A match snippet (hits between « and ») with the hits in ``<mark>``."""
    out, rest = [], text
    while "«" in rest and "»" in rest.split("«", 1)[1]:
        before, after = rest.split("«", 1)
        inner, rest = after.split("»", 1)
        out += [escape(before), Markup("<mark>{}</mark>").format(inner)]
    out.append(escape(rest))
    return Markup("").join(out)


def install(env: Environment) -> None:
    """Register the filters on a Jinja environment."""
    env.filters.update(ago=ago, when=when, marked=marked, segments=segments, snippet=snippet)
