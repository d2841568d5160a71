"""The headline decides what the story is: a denying headline, or one that frames it as something else.

"Kemkomdigi Bantah Situs PPDB Diretas" is a denial and "BSSN Latih 300 ASN
Tangani Insiden Keamanan Informasi" a lesson: in such stories the topic's weak
words in the body do not make it the topic's; only enough hits of its strong
or telling terms do. The notes begin with fixed phrases so `rules diff` can
name the headline as what decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pantau.streams.classify.judgement import DENIED, Voided

if TYPE_CHECKING:  # the compiler's types
    from pantau.streams.classify.compiler import Hits, Span

__all__ = ["HeadlineScope", "Frame", "HEADLINE_DENIES", "HEADLINE_FRAMES", "headline_scope", "framed"]


HEADLINE_DENIES = "the headline denies the topic"
"""How a headline-scope note begins (``rules diff`` names the denial as what decided)."""

HEADLINE_FRAMES = "the headline frames the story as"
"""How a frame's note begins (``rules diff`` names the frame as what decided)."""


@dataclass(frozen=True)
class HeadlineScope:
    """A denying headline scopes the story: ``min_hits`` counted hits of ``keys`` (strong terms) overturn it."""

    keys: frozenset[int]
    min_hits: int


@dataclass(frozen=True)
class Frame:
    """A headline cue (``cues``) that frames the story; ``min_hits`` hits of ``keys`` still make it the topic's."""

    why: str
    cues: frozenset[int]
    keys: frozenset[int]
    min_hits: int
    taken_back: bool = False
    """A denied hit in the story keeps the frame: a correction saying the crime did not happen."""


def headline_scope(scope: HeadlineScope | None, voided: Sequence[Voided], hits: Hits) -> tuple[bool, str]:
    """Whether a story whose headline denies the topic still makes it, and why not (for explanations).

    "Kemkomdigi Bantah Situs PPDB Diretas": the headline says what the story
    is, a denial, so weak company words in the body (a site, "cannot
    withdraw") do not make it a crime story; only ``scope.min_hits`` counted
    hits of the topic's strong terms do (a ransomware gang's claim told in the
    body). Only a denied title hit of a strong term makes the headline a denial
    ("OJK: bukan investasi berizin" denies a company word, not the crime). No
    such hit, or a counted strong hit in the title: no scope.
    """
    if scope is None or not any(v.hit[2] == 0 and v.why == DENIED and v.key in scope.keys for v in voided):
        return True, ""
    spans = sorted({h for k, found in hits.items() if k in scope.keys for h in found})
    if any(f == 0 for _s, _e, f in spans):
        return True, ""  # "Bantah Diretas, namun data dijual di forum gelap": the headline also asserts
    count, reach = 0, -1
    for start, end, _f in spans:
        if start >= reach:
            count += 1
            reach = end
    if count >= scope.min_hits:
        return True, ""
    return False, (
        f"{HEADLINE_DENIES}: {count} hit(s) of its strong terms in the story "
        f"(needs {scope.min_hits} to overturn the headline)"
    )


def _distinct(spans: Sequence[Span]) -> int:
    """How many hits, a hit nested in a longer one counted once."""
    count, reach = 0, -1
    for start, end, _f in sorted(spans):
        if start >= reach:
            count += 1
            reach = end
    return count


def framed(frames: Sequence[Frame], hits: Hits, voided: Sequence[Voided] = ()) -> tuple[bool, str]:
    """Whether the story still makes the topic when its headline frames it as something else, and why not.

    "BSSN Latih 300 ASN Tangani Insiden Keamanan Informasi", "Ponsel Baru Bawa
    Fitur Deteksi Panggilan Penipuan": the headline says the story is a
    lesson or a launch, and its cyber words describe what is taught or
    guarded against. Only ``min_hits`` hits of the frame's telling terms (a
    victim, a loss, an arrest: "Mantan Juara Lomba Siber Ditangkap") make it
    a crime story. The first frame whose cue is in the title decides.
    """
    for frame in frames:
        if frame.cues.isdisjoint(hits):
            continue  # set tests: most articles stop here
        cue = next((h for k in frame.cues for h in hits.get(k, ()) if h[2] == 0), None)
        if cue is None:
            continue  # the cue is in the body only: the headline tells another story
        if frame.taken_back and any(v.why == DENIED for v in voided):
            # "Koreksi: ... situs tidak diretas": the notice takes the crime back, whatever it names
            return False, f"{HEADLINE_FRAMES} {frame.why}: the story denies what the earlier report said"
        count = _distinct([h for k in frame.keys for h in hits.get(k, ())])
        if count >= frame.min_hits:
            return True, ""
        return False, (
            f"{HEADLINE_FRAMES} {frame.why}: {count} hit(s) of the terms that overturn it (needs {frame.min_hits})"
        )
    return True, ""
