"""What every destination shows of an alert, before each formats it its own way.

:func:`view` turns an Alert into plain values (headline, outlet, time, topics,
rules, snippet split into marked and unmarked segments). Slack, email, the
webhook and the console all render this one view, so they agree on what an
alert says; escaping is left to each format.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import msgspec

from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.feedback import FeedbackLinks

__all__ = ["AlertView", "Segment", "view", "mark_terms", "snippet_segments", "shorten"]


class Segment(msgspec.Struct, frozen=True):
    """A run of snippet text; ``marked`` runs are matched terms."""

    text: str
    marked: bool = False


class AlertView(msgspec.Struct, frozen=True, kw_only=True):
    """An alert as readers see it."""

    key: str
    title: str
    url: str
    outlet: str
    published: str
    """``2026-11-22 08:15 UTC`` or ``""`` when the feed gave no date."""
    topics: tuple[str, ...]
    rules: tuple[str, ...]
    severity: str
    terms: tuple[str, ...]
    snippet: tuple[Segment, ...]
    ruleset_version: str
    language: str
    feedback: FeedbackLinks | None = None
    """The alert's signed "relevant" / "not relevant" links, when the deployment signs them."""


_SEVERITY_ORDER = ("info", "low", "medium", "high", "critical")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, control characters removed, cut to ``limit`` characters with an ellipsis."""
    # Control characters (ANSI escapes above all) would reach terminals and mail clients as-is.
    text = " ".join(_CONTROL.sub("", text).split())
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def mark_terms(text: str, terms: tuple[str, ...] | list[str]) -> tuple[Segment, ...]:
    """Split ``text`` into segments, marking every case-insensitive occurrence of a term."""
    terms = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not terms or not text:
        return (Segment(text),) if text else ()
    # Longest terms first so "serangan siber" wins over "siber"; \w-boundaries
    # are Unicode-aware in Python's re, unlike RE2 or flashtext.
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)
    out: list[Segment] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append(Segment(text[pos : m.start()]))
        out.append(Segment(m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return tuple(out)


_MARKED = re.compile(r"«([^«»]{1,300})»")


def snippet_segments(snippet: str, terms: tuple[str, ...], limit: int) -> tuple[Segment, ...]:
    """Segments of a rule snippet: its «marked» hits when the classifier marked them, else found terms."""
    snippet = " ".join(_CONTROL.sub("", snippet).split())
    if not _MARKED.search(snippet):
        return mark_terms(shorten(snippet, limit), terms)
    out: list[Segment] = []
    pos = 0
    for m in _MARKED.finditer(snippet):
        if m.start() > pos:
            out.append(Segment(snippet[pos : m.start()]))
        out.append(Segment(m.group(1), True))
        pos = m.end()
    if pos < len(snippet):
        out.append(Segment(snippet[pos:]))
    return _cut(out, limit)


def _cut(segments: list[Segment], limit: int) -> tuple[Segment, ...]:
    """Keep whole segments up to ``limit`` characters; shorten the one that crosses it."""
    out: list[Segment] = []
    used = 0
    for seg in segments:
        if used + len(seg.text) <= limit:
            out.append(seg)
            used += len(seg.text)
            continue
        room = limit - used
        if room > 1 and not seg.marked:
            out.append(Segment(shorten(seg.text, room)))
        elif out and not out[-1].text.endswith("…"):
            out.append(Segment("…"))
        break
    return tuple(out)


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def view(alert: Alert, *, snippet_chars: int = 600) -> AlertView:
    """The reader's view of an alert (snippet cut to ``snippet_chars``)."""
    c = alert.classified
    if c is None:
        raise ValueError(f"alert {alert.key} is an ops event: render it with event_view")
    a = c.article
    matches = sorted(c.matches, key=lambda m: -m.score)
    terms = tuple(dict.fromkeys(h.text or h.term for m in matches for h in m.hits))
    snippet = next((m.snippet for m in matches if m.snippet), "") or a.summary or a.content
    severities = [m.severity for m in matches if m.severity]
    severity = max(severities, key=lambda s: _SEVERITY_ORDER.index(s) if s in _SEVERITY_ORDER else 0, default="")
    return AlertView(
        key=alert.key,
        title=shorten(a.title, 1000) or a.url,
        url=a.url,
        outlet=a.feed_name or a.feed,
        published=_when(a.published),
        topics=tuple(c.topics),
        rules=tuple(dict.fromkeys(m.rule for m in matches)),
        severity=severity,
        terms=terms,
        snippet=snippet_segments(snippet, terms, snippet_chars),
        ruleset_version=c.ruleset_version,
        language=a.language or "",
        feedback=alert.feedback,
    )
