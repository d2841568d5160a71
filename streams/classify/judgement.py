"""Judgement on hits: denied or other-sense hits do not count; a topic needs a salient story.

Keywords alone alert on "bukan serangan siber" (not a cyberattack), on a
"Hotel ASEAN" and on North Korea named once in a passport ranking. Each topic
file can therefore say

- ``denials:`` cues that deny a hit in the same clause: before the hit in
  Indonesian, English and Vietnamese ("bukan", "ruled out", "không phải"),
  after it in Korean ("아닌") and in passives ("dibantah", "was ruled out");
  how far a cue reaches depends on the article's language (``windows:``):
  Vietnamese counts every syllable as a word, Korean glues particles on;
- ``senses:`` cues that give the topic's words another sense: a brand or a
  tournament ("ASEAN Cup"), a builder's "hackathon", a name in a list of
  countries (two country names around it), or, with ``in_list``, any name
  listed among many (a medal table, a group draw: lists.py);
- ``salience:`` the story must be about the topic (salience.py);
- ``headline:`` and ``frames:``: a headline that denies or frames the story (headline.py).

Cues are ordinary automaton terms, so an article without any cue costs one
set test; only articles with a cue pay for the clause checks, and only
matched rules pay for the salience check.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pantau.streams.classify.lists import list_line_neighbour, list_neighbour
from pantau.streams.classify.text import Shadow

if TYPE_CHECKING:  # the compiler's types
    from pantau.streams.classify.compiler import Hits, Span

__all__ = [
    "Cue",
    "Voided",
    "DENIED",
    "discount",
    "headline_voided",
    "text_voided",
    "CLAUSE_BREAKS",
    "SENTENCE_BREAKS",
]

DENIED = "denied"
"""The ``why`` of a denial cue's voided hits (senses carry their own ``why``)."""
CLAUSE_BREAKS = re.compile(r"[.!?;,:\n\u2013\u2014]")
"""A denial reaches to the end of its clause: "bukan X, tetapi serangan siber" denies X only."""
CONTRAST = frozenset("tetapi tapi melainkan namun but instead nhung 하지만 그러나".split())
"""Folded words that end a denial's clause without punctuation ("bukan X melainkan Y", "nhưng")."""
_CONTRAST_PAIRS = (("ma", "la"),)  # Vietnamese "mà là" (but rather), folded
SENTENCE_BREAKS = re.compile(r"[.!?;\n]")
"""A sense cue reaches across commas (a list of countries) but not across sentences."""
CHARS_PER_WORD = 30  # a generous upper bound, to skip far-apart pairs without counting words


def _unknown() -> str | None:
    return None


@dataclass(frozen=True)
class Cue:
    """Compiled denial or sense: which hits it voids, and the cue keys around them."""

    why: str
    targets: frozenset[int] | None  # None: every term of the topic
    before: frozenset[int]
    after: frozenset[int]
    unless: frozenset[int]
    window: int  # -1: a cue anywhere in the article
    min_cues: int
    breaks: re.Pattern[str]
    windows: tuple[tuple[str, int], ...] = ()  # per article language: ("vi", 8) overrides ``window``
    contrast: bool = False  # True (denials): a "but" between cue and hit ends the clause
    in_list: int = 0  # > 0: a hit that is one of at least this many listed names (lists.py), no cue word needed
    in_lines: int = 0  # > 0: a hit on one of at least this many list lines in a row (an agenda, a week ahead)
    fields: frozenset[int] = frozenset({0, 1, 2})  # where the hits it voids may be: 0 title, 1 summary, 2 content
    cue_keys: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cue_keys", self.before | self.after)

    def window_for(self, language: str | None) -> int:
        """How many words the cue reaches in an article of ``language`` (-1: anywhere)."""
        if self.window < 0 or not self.windows or language is None:
            return self.window
        for code, words in self.windows:
            if code == language or (language == "ms" and code == "id"):
                return words
        return self.window


@dataclass(frozen=True)
class Voided:
    """A hit that does not count: the key, its span, why, and the cue's span."""

    key: int
    hit: Span
    why: str
    cue: Span


def _cue_hits(hits: Hits, keys: frozenset[int], unless: frozenset[int]) -> list[Span]:
    found = [h for k in keys for h in hits.get(k, ())]
    if found and unless:
        covers = [u for k in unless for u in hits.get(k, ())]
        found = [c for c in found if not any(u[0] <= c[0] and c[1] <= u[1] for u in covers)]
    return found


def _close(shadow: Shadow, a: int, b: int, window: int, breaks: re.Pattern[str], contrast: bool = False) -> bool:
    """At most ``window`` words between offsets a < b of the scan text, and no break between."""
    if b < a or b - a > (window + 1) * CHARS_PER_WORD:
        return False
    words = shadow.text[a:b].split()
    if len(words) > window:
        return False
    if (
        contrast
        and words
        and (not CONTRAST.isdisjoint(words) or any(p in zip(words, words[1:], strict=False) for p in _CONTRAST_PAIRS))
    ):
        return False
    f, s, e = shadow.to_original(a, b)
    return breaks.search(shadow.originals[f], s, e) is None


def _near_before(shadow: Shadow, c: Span, hit: Span, cue: Cue, window: int) -> bool:
    """The cue ends shortly before the hit, or is a phrase that contains it ("tidak diretas")."""
    if c[0] <= hit[0] and hit[1] <= c[1]:
        return True
    return _close(shadow, c[1], hit[0], window, cue.breaks, cue.contrast)


def discount(
    hits: Hits,
    cues: tuple[Cue, ...],
    topic_keys: frozenset[int],
    shadow: Shadow,
    language: Callable[[], str | None] = _unknown,
) -> tuple[Hits, list[Voided]]:
    """``hits`` without the hits the cues void (same dict when none), and what was voided.

    ``language`` gives the article's language; it is asked only when a cue
    with per-language windows has something to judge (detection is not free).
    """
    voided: list[Voided] = []
    gone: set[tuple[int, Span]] = set()
    for cue in cues:
        if cue.in_list or cue.in_lines:
            _void_listed(hits, cue, topic_keys if cue.targets is None else cue.targets, shadow, gone, voided)
            continue
        if cue.cue_keys.isdisjoint(hits):
            continue  # set tests in C: most articles stop here
        targets = topic_keys if cue.targets is None else cue.targets
        if targets.isdisjoint(hits):
            continue
        before = sorted(_cue_hits(hits, cue.before, cue.unless))
        after = sorted(_cue_hits(hits, cue.after, cue.unless))
        if not before and not after:
            continue
        window = cue.window_for(language()) if cue.windows else cue.window
        reach = (window + 1) * CHARS_PER_WORD
        starts_b = [c[0] for c in before]
        starts_a = [c[0] for c in after]
        for key in [k for k in hits if k in targets]:
            for hit in hits[key]:
                if (key, hit) in gone or hit[2] not in cue.fields:
                    continue
                if window < 0:  # anywhere in the article: the story is of another sense
                    near = [c for c in before + after if c != hit]
                else:
                    lo = bisect_left(starts_b, hit[0] - reach)
                    hi = bisect_right(starts_b, hit[0])
                    near = [
                        c
                        for c in before[lo:hi]
                        if c[2] == hit[2] and c != hit and _near_before(shadow, c, hit, cue, window)
                    ]
                    lo = bisect_left(starts_a, hit[1])
                    hi = bisect_right(starts_a, hit[1] + reach)
                    near += [
                        c
                        for c in after[lo:hi]
                        if c[2] == hit[2]
                        and c != hit
                        and _close(shadow, hit[1], c[0], window, cue.breaks, cue.contrast)
                    ]
                if len(near) >= cue.min_cues:
                    gone.add((key, hit))
                    voided.append(Voided(key, hit, cue.why, near[0]))
    if not gone:
        return hits, voided
    view = dict(hits)
    for key in {k for k, _h in gone}:
        kept = [h for h in hits[key] if (key, h) not in gone]
        if kept:
            view[key] = kept
        else:
            del view[key]
    return view, voided


def _void_listed(
    hits: Hits, cue: Cue, targets: frozenset[int], shadow: Shadow, gone: set[tuple[int, Span]], voided: list[Voided]
) -> None:
    """Void the target hits that are one name in a list of at least ``cue.in_list`` (a medal table, a draw), or
    that sit on one of at least ``cue.in_lines`` list lines (an agenda, a week ahead)."""
    if targets.isdisjoint(hits):
        return
    for key in [k for k in hits if k in targets]:
        for hit in hits[key]:
            if (key, hit) in gone or hit[2] not in cue.fields:
                continue
            f, s, e = shadow.to_original(hit[0], hit[1])
            if cue.in_lines:
                near = list_line_neighbour(shadow.originals[f], s, cue.in_lines)
            else:
                near = list_neighbour(shadow.originals[f], s, e, cue.in_list)
            if near is not None:
                gone.add((key, hit))
                voided.append(Voided(key, hit, cue.why, shadow.to_scan(f, *near)))


def headline_voided(voided: Sequence[Voided], keys: set[int] | frozenset[int]) -> bool:
    """True when a hit of ``keys`` in the title was denied or of another sense ("Hotel ASEAN ...")."""
    return any(v.hit[2] == 0 and v.key in keys for v in voided)


def text_voided(voided: Sequence[Voided], keys: set[int] | frozenset[int]) -> bool:
    """True when a hit of ``keys`` below the title was denied or of another sense ("seperti Korea Utara")."""
    return any(v.hit[2] != 0 and v.key in keys for v in voided)
