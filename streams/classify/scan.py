"""Finding an article's hits: one automaton pass over the scan text, and regexes within a time budget.

The automaton (streams/classify/terms.py) holds every term of every rule;
:func:`scan` keeps the whole-word hits, checking Indonesian suffixes, Korean
particles and wildcards per hit ("hack" is not in "hackathon"). ``regex:``
items run on the original fields (boilerplate masked) and share the rule
set's per-article time budget, so a pathological pattern costs one article a
bounded time and is logged.
"""

from __future__ import annotations

import time

from pantau.core.logs import get_logger
from pantau.streams.classify.compiled import Context, Hits, RegexHit, RegexLeaf
from pantau.streams.classify.morphology import PARTICLES, SUFFIXES
from pantau.streams.classify.terms import ACCENTED, PARTICLE, SUFFIX, WILD, Automaton, accent_form
from pantau.streams.classify.text import Shadow, mask_boilerplate

__all__ = ["scan", "scan_fields", "run_regex"]

log = get_logger()


def scan(automaton: Automaton, text: str, starts: tuple[int, int, int]) -> dict[int, list[tuple[int, int, int]]]:
    """Every whole-word hit in ``text``: key -> [(start, end, field)]."""
    hits: dict[int, list[tuple[int, int, int]]] = {}
    values = automaton.values
    b1, b2 = starts[1], starts[2]
    for index, first, stop in automaton.matches(text):
        _length, closed, entries, shared = values[index]
        start = first + 1  # past the pattern's leading space
        if closed:
            end = stop - 1  # before its trailing space
        else:
            end = stop
            if text[end] != " ":  # the word goes on: a wildcard, a suffix, a particle, or no match
                tail = text.find(" ", end)
                rest = text[end:tail]
                if shared == SUFFIX:
                    if rest not in SUFFIXES:
                        continue  # "hack" in "hackathon"
                elif shared == PARTICLE:
                    if rest not in PARTICLES:
                        continue  # "북한" in "북한산"
                elif shared != WILD:
                    entries = tuple(
                        e
                        for e in entries
                        if e[0] & WILD
                        or (e[0] & SUFFIX and rest in SUFFIXES)
                        or (e[0] & PARTICLE and rest in PARTICLES)
                    )
                end = tail
        f = 0 if start < b1 else 1 if start < b2 else 2
        for _flags, key in entries:
            found = hits.get(key)
            if found is None:
                hits[key] = [(start, end, f)]
            else:
                found.append((start, end, f))
    return hits


def scan_fields(
    automaton: Automaton, shadow: Shadow, accented: dict[int, frozenset[str]], one_syllable: frozenset[int]
) -> Hits:
    """Every hit, less those of accented terms that lost their accents in accented text.

    Folding strips accents so "Trieu Tien" typed without them still finds
    "Triều Tiên"; but in a field written with accents, "giá" (price) is not
    "giả" (fake) and "triệu tiền" is not "Triều Tiên". A one-syllable
    accented term needs its accents everywhere: unaccented, "bán" (sell)
    is the English "ban" and "dụ" the Indonesian "du". Only hits of
    accented terms pay for this check.
    """
    hits = scan(automaton, shadow.text, shadow.starts)
    if not accented or accented.keys().isdisjoint(hits):
        return hits
    marked: dict[int, bool] = {}
    for key in [k for k in hits if k in accented]:
        forms = accented[key]
        kept = []
        for hit in hits[key]:
            f, s, e = shadow.to_original(hit[0], hit[1])
            with_accents = marked.get(f)
            if with_accents is None:
                with_accents = marked[f] = ACCENTED.search(shadow.originals[f]) is not None
            if (not with_accents and key not in one_syllable) or accent_form(shadow.originals[f][s:e]).startswith(
                tuple(forms)
            ):
                kept.append(hit)
        if kept:
            hits[key] = kept
        else:
            del hits[key]
    return hits


def run_regex(ctx: Context, leaf: RegexLeaf) -> list[RegexHit]:
    """Hits of a regex leaf in the original fields, within the article's time budget."""
    cached = ctx.regex_hits.get(leaf.ident)
    if cached is not None:
        return cached
    found: list[RegexHit] = []
    for f in sorted(leaf.fields):
        text = ctx.shadow.originals[f]
        if f:
            text = mask_boilerplate(text)
        if ctx.budget <= 0:
            # Spent by earlier fields or leaves without a timeout firing (a busy machine): say so once.
            if not ctx.timed_out:
                log.warning("regex_budget_exceeded", pattern=leaf.source)
            ctx.timed_out = True
            break
        began = time.perf_counter()
        try:
            found.extend((f, m.start(), m.end()) for m in leaf.pattern.finditer(text, timeout=ctx.budget))
        except TimeoutError:
            ctx.budget = 0.0
            ctx.timed_out = True
            log.warning("regex_budget_exceeded", pattern=leaf.source)
            break
        ctx.budget -= time.perf_counter() - began
    ctx.regex_hits[leaf.ident] = found
    return found
