"""The evidence of a match: hits at their original offsets, a snippet with the hits marked, notes on voided hits.

What an editor reads under an alert and what ``--explain`` shows: the terms
found (each once, at most ``MAX_HITS``), where in the title, summary or
content, a snippet around the first body hit, and why a hit did not count
(a denial or another sense took it).
"""

from __future__ import annotations

from collections.abc import Sequence

from pantau.core.article import Article
from pantau.streams.classify.compiled import CompiledRule, Context
from pantau.streams.classify.judgement import Voided
from pantau.streams.classify.records import Hit, Match
from pantau.streams.classify.text import Shadow

__all__ = [
    "FIELD_NAMES",
    "MAX_HITS",
    "Matched",
    "describe_voided",
    "explain_match",
    "hit_counts",
    "lead",
    "snippet",
]

Matched = tuple[CompiledRule, float, str]
"""A rule that matched, its score and its salience note."""

FIELD_NAMES = ("title", "summary", "content")
_FIELD_OF = {name: i for i, name in enumerate(FIELD_NAMES)}


MAX_HITS = 20


def hit_counts(matches: Sequence[Match]) -> dict[str, int]:
    """Per matched topic, how many distinct hits its rules found (the judge's ``strong_hits`` counts these)."""
    hits: dict[str, set[tuple[str, int]]] = {}
    for m in matches:
        hits.setdefault(m.topic, set()).update((h.field, h.start) for h in m.hits)
    return {t: len(found) for t, found in hits.items()}


def lead(article: Article, width: int = 180) -> str:
    """The start of the story (the judge has no hits to centre a snippet on)."""
    text = " ".join((article.summary or article.content or article.title).split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > 0 else width] + "…"


def snippet(originals: tuple[str, str, str], hits: tuple[Hit, ...], width: int = 90) -> str:
    """About 2 x ``width`` characters around the first body hit, hits marked «like this»."""
    return _spans_snippet(originals, [(_FIELD_OF[h.field], h.start, h.end) for h in hits], width)


def _spans_snippet(originals: tuple[str, str, str], spans: list[tuple[int, int, int]], width: int = 90) -> str:
    """``snippet`` from (field index, start, end) spans: the content's first, else the summary's, else the title's."""
    if not spans:
        return ""
    field = max(f for f, _s, _e in spans)  # 2 content, 1 summary, 0 title
    marks = [(s, e) for f, s, e in spans if f == field]
    start, end = marks[0]
    return _window(originals[field], start, end, marks if len(marks) > 1 else None, width)


def _window(text: str, start: int, end: int, marks: list[tuple[int, int]] | None, width: int = 90) -> str:
    """The snippet around the hit ``start:end`` of ``text``, ``marks`` (None: that hit alone) marked."""
    size = len(text)
    lo, hi = start - width, end + width
    lo, hi = (lo if lo > 0 else 0), (hi if hi < size else size)
    # Cut at spaces, not inside words ("…KARTA - " reads as a typo); a window
    # with no space in reach keeps the character cut.
    if lo > 0 and (space := text.find(" ", lo, start)) != -1:
        lo = space + 1
    if hi < size and (space := text.rfind(" ", end, hi)) != -1:
        hi = space
    if marks is None:
        body = "".join((text[lo:start], "«", text[start:end], "»", text[end:hi]))
    else:
        out, pos = [], lo
        for s, e in sorted({(s, e) for s, e in marks if s >= lo and e <= hi}):
            if s < pos:
                continue
            out += [text[pos:s], "«", text[s:e], "»"]
            pos = e
        out.append(text[pos:hi])
        body = "".join(out)
    # Whitespace as single spaces. Printable text has no whitespace but " " (tabs, line breaks and
    # Unicode spaces are not printable), and the marks are no whitespace: when the window of the text
    # has no double or outer space, neither has the body, which skips splitting it into words and
    # joining them again (most snippets; round 15: 1.2 of its 3 us).
    seg = text[lo:hi]
    if not seg.isprintable() or "  " in seg or seg[:1] == " " or seg[-1:] == " ":
        body = " ".join(body.split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < size else "")


def explain_match(
    rule: CompiledRule,
    score: float,
    ctx: Context,
    base: Sequence[Matched],
    *,
    labels: tuple[str, ...],
    version: str,
    note: str = "",
    voided: Sequence[Voided] = (),
) -> Match:
    """The Match of a rule that matched: its hits at their original offsets, a marked snippet and its notes."""
    shadow = ctx.shadow
    starts, folded, originals = shadow.starts, shadow.fields, shadow.originals
    spans: dict[tuple[int, int, int], str] = {}
    hits_of = ctx.hits
    for key, _w, fields in rule.scored(hits_of):
        label = labels[key]
        for start, end, f in hits_of[key]:
            if f in fields:
                index, b = folded[f].index, starts[f]
                span = (f, start - b, end - b) if index is None else (f, index[start - b], index[end - b])
                if span not in spans:
                    spans[span] = label
    ordered = sorted(spans.items())[:MAX_HITS] if len(spans) > 1 else list(spans.items())
    unique = tuple(
        [Hit(term=t, field=FIELD_NAMES[f], start=s, end=e, text=originals[f][s:e]) for (f, s, e), t in ordered]
    )
    if rule.regexes or rule.topic_refs:
        hits = list(unique)
        for leaf in rule.regexes:
            for f, s, e in ctx.regex_hits.get(leaf.ident, ()):
                hits.append(
                    Hit(term=f"regex:{leaf.source}", field=FIELD_NAMES[f], start=s, end=e, text=originals[f][s:e])
                )
        if rule.topic_refs:
            for other, *_rest in base:
                if other.topic in rule.topic_refs:
                    hits.extend(explain_match(other, 0.0, ctx, [], labels=labels, version=version).hits)
        unique = tuple(dict.fromkeys(hits))[:MAX_HITS]
        marked = snippet(originals, unique)
    else:  # term hits alone: their spans as they are, no Hit read back
        marked = _spans_snippet(originals, [span for span, _t in ordered])
    if voided:
        keys = rule.key_set
        notes = ([note] if note else []) + [describe_voided(v, shadow) for v in voided if v.key in keys]
        kept = tuple(dict.fromkeys(notes))[:MAX_HITS]
    else:
        kept = (note,) if note else ()
    return Match(
        rule=rule.id,
        topic=rule.topic,
        score=score if score.is_integer() else round(score, 3),  # round(x, 3): 0.4 us, and x when whole
        severity=rule.severity,
        tags=rule.tags,
        hits=unique,
        snippet=marked,
        ruleset_version=version,
        notes=kept,
    )


def describe_voided(v: Voided, shadow: Shadow) -> str:
    """``not counted: «bukan» «serangan siber» (title): denied`` for one voided hit."""
    f, s, e = shadow.to_original(v.hit[0], v.hit[1])
    cf, cs, ce = shadow.to_original(v.cue[0], v.cue[1])
    text, cue = shadow.originals[f][s:e], shadow.originals[cf][cs:ce]
    return f"not counted: «{text}» ({FIELD_NAMES[f]}, next to «{cue}»): {v.why}"
