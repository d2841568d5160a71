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
    if not hits:
        return ""
    by_field = {h.field: h for h in reversed(hits)}
    field = next(f for f in ("content", "summary", "title") if f in by_field)
    text = originals[FIELD_NAMES.index(field)]
    first = by_field[field]
    lo = max(0, first.start - width)
    hi = min(len(text), first.end + width)
    # Cut at spaces, not inside words ("…KARTA - " reads as a typo); a window
    # with no space in reach keeps the character cut.
    if lo > 0 and (space := text.find(" ", lo, first.start)) != -1:
        lo = space + 1
    if hi < len(text) and (space := text.rfind(" ", first.end, hi)) != -1:
        hi = space
    marks = sorted({(h.start, h.end) for h in hits if h.field == field and h.start >= lo and h.end <= hi})
    out, pos = [], lo
    for s, e in marks:
        if s < pos:
            continue
        out += [text[pos:s], "«", text[s:e], "»"]
        pos = e
    out.append(text[pos:hi])
    body = " ".join("".join(out).split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


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
    for key, _w, fields in rule.scored(ctx.hits):
        for start, end, f in ctx.hits[key]:
            if f in fields:
                index, b = folded[f].index, starts[f]
                span = (f, start - b, end - b) if index is None else (f, index[start - b], index[end - b])
                spans.setdefault(span, labels[key])
    hits = [
        Hit(term=term, field=FIELD_NAMES[f], start=s, end=e, text=originals[f][s:e])
        for (f, s, e), term in sorted(spans.items())
    ]
    for leaf in rule.regexes:
        for f, s, e in ctx.regex_hits.get(leaf.ident, ()):
            hits.append(
                Hit(term=f"regex:{leaf.source}", field=FIELD_NAMES[f], start=s, end=e, text=shadow.originals[f][s:e])
            )
    if rule.topic_refs:
        for other, *_rest in base:
            if other.topic in rule.topic_refs:
                hits.extend(explain_match(other, 0.0, ctx, [], labels=labels, version=version).hits)
    unique = tuple(dict.fromkeys(hits))[:MAX_HITS]
    keys = rule.key_set
    notes = ([note] if note else []) + [describe_voided(v, shadow) for v in voided if v.key in keys]
    return Match(
        rule=rule.id,
        topic=rule.topic,
        score=round(score, 3),
        severity=rule.severity,
        tags=rule.tags,
        hits=unique,
        snippet=snippet(shadow.originals, unique),
        ruleset_version=version,
        notes=tuple(dict.fromkeys(notes))[:MAX_HITS],
    )


def describe_voided(v: Voided, shadow: Shadow) -> str:
    """``not counted: «bukan» «serangan siber» (title): denied`` for one voided hit."""
    f, s, e = shadow.to_original(v.hit[0], v.hit[1])
    cf, cs, ce = shadow.to_original(v.cue[0], v.cue[1])
    text, cue = shadow.originals[f][s:e], shadow.originals[cf][cs:ce]
    return f"not counted: «{text}» ({FIELD_NAMES[f]}, next to «{cue}»): {v.why}"
