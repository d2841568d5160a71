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
- ``salience:`` the story must be about the topic: a hit in the title or the
  lead, or enough hits.

Cues are ordinary automaton terms, so an article without any cue costs one
set test; only articles with a cue pay for the clause checks, and only
matched rules pay for the salience check.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pantau.streams.classify.lists import list_neighbour
from pantau.streams.classify.text import Shadow

if TYPE_CHECKING:  # the compiler's types (it imports Salience from here)
    from pantau.streams.classify.compiler import CompiledRule, Context, Hits, Span

__all__ = [
    "Cue",
    "Salience",
    "Voided",
    "HeadlineScope",
    "Frame",
    "DENIED",
    "HEADLINE_DENIES",
    "HEADLINE_FRAMES",
    "framed",
    "discount",
    "salient",
    "beside_check",
    "headline_voided",
    "headline_scope",
    "CLAUSE_BREAKS",
    "SENTENCE_BREAKS",
]

DENIED = "denied"
"""The ``why`` of a denial cue's voided hits (senses carry their own ``why``)."""
HEADLINE_DENIES = "the headline denies the topic"
"""How a headline-scope note begins (``rules diff`` names the denial as what decided)."""

HEADLINE_FRAMES = "the headline frames the story as"
"""How a frame's note begins (``rules diff`` names the frame as what decided)."""

CLAUSE_BREAKS = re.compile(r"[.!?;,:\n\u2013\u2014]")
"""A denial reaches to the end of its clause: "bukan X, tetapi serangan siber" denies X only."""
CONTRAST = frozenset("tetapi tapi melainkan namun but instead nhung 하지만 그러나".split())
"""Folded words that end a denial's clause without punctuation ("bukan X melainkan Y", "nhưng")."""
_CONTRAST_PAIRS = (("ma", "la"),)  # Vietnamese "mà là" (but rather), folded
SENTENCE_BREAKS = re.compile(r"[.!?;\n]")
"""A sense cue reaches across commas (a list of countries) but not across sentences."""
_CHARS_PER_WORD = 30  # a generous upper bound, to skip far-apart pairs without counting words


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
class Salience:
    """A hit in the title or the first ``lead_words`` words, or ``min_hits`` hits.

    ``lead_paragraphs`` (> 0) also ends the lead with the content's first
    paragraph(s); ``per_sentence`` counts the hits of one sentence once;
    ``mentions`` (not None) are the keys that count at all, so company words
    help a rule match without making a passing mention salient.
    """

    lead_words: int
    min_hits: int
    lead_paragraphs: int = 0
    per_sentence: bool = False
    mentions: frozenset[int] | None = None
    beside: tuple[str, ...] = ()  # in a story of these topics, only the title or min_hits sentences will do
    lead_sentence: bool = False  # the lead is the content's first sentence (beside another topic's story)


PARAGRAPH_END = re.compile(r"\n[ \t]*\n|(?<=[.!?:\"\u201d\u2019)])[ \t]*\n")
"""A blank line, or a line break after a sentence's end: a hard-wrapped line inside a sentence goes on."""
_MIN_PARAGRAPH_WORDS = 8  # a dateline, a kicker or a byline on its own line does not end the lead


def lead_end(content: str, paragraphs: int) -> int:
    """Offset in ``content`` where its first ``paragraphs`` paragraphs end (short lines join the next)."""
    pos, done = 0, 0
    for m in PARAGRAPH_END.finditer(content):
        if len(content[pos : m.start()].split()) >= _MIN_PARAGRAPH_WORDS:
            done += 1
            if done >= paragraphs:
                return m.start()
            pos = m.end()
    return len(content)


def _mentions(shadow: Shadow, spans: list[tuple[int, int, int]]) -> int:
    """How many sentences the (sorted, non-nested) spans fall in: hits of one sentence are one mention."""
    count, last = 0, None
    for start, end, f in spans:
        if last is not None and last[2] == f:
            _lf, _ls, le = shadow.to_original(last[0], last[1])
            _f, s, _e = shadow.to_original(start, end)
            if SENTENCE_BREAKS.search(shadow.originals[f], le, s) is None:
                last = (start, end, f)
                continue
        count += 1
        last = (start, end, f)
    return count


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
    if b < a or b - a > (window + 1) * _CHARS_PER_WORD:
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
        if cue.in_list:
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
        reach = (window + 1) * _CHARS_PER_WORD
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
    """Void the target hits that are one name in a list of at least ``cue.in_list`` (a medal table, a draw)."""
    if targets.isdisjoint(hits):
        return
    for key in [k for k in hits if k in targets]:
        for hit in hits[key]:
            if (key, hit) in gone or hit[2] not in cue.fields:
                continue
            f, s, e = shadow.to_original(hit[0], hit[1])
            near = list_neighbour(shadow.originals[f], s, e, cue.in_list)
            if near is not None:
                gone.add((key, hit))
                voided.append(Voided(key, hit, cue.why, shadow.to_scan(f, *near)))


def headline_voided(voided: Sequence[Voided], keys: set[int] | frozenset[int]) -> bool:
    """True when a hit of ``keys`` in the title was denied or of another sense ("Hotel ASEAN ...")."""
    return any(v.hit[2] == 0 and v.key in keys for v in voided)


def salient(rule: CompiledRule, ctx: Context, salience: Salience, headline_other: bool = False) -> tuple[bool, str]:
    """Whether the rule's hits make the story about its topic, and why (for explanations).

    ``headline_other``: the title's hit was denied or of another sense (a hotel,
    a cup, "bukan serangan siber"). The headline says what the story is about,
    so a counted hit in the summary or the lead is then no longer enough: only
    ``min_hits`` hits make the story.
    """
    shadow, hits = ctx.shadow, ctx.hits
    mentions = salience.mentions
    spans = sorted(
        {
            (h[0], h[1], h[2])
            for key, _w, fields in rule.score_keys
            if mentions is None or key in mentions
            for h in hits.get(key, ())
            if h[2] in fields
        }
    )
    outer: list[tuple[int, int, int]] = []
    reach = -1
    for span in spans:
        if span[0] < reach:
            continue  # nested in a longer hit already counted
        reach = span[1]
        outer.append(span)
    spans = outer
    count = _mentions(shadow, spans) if salience.per_sentence else len(spans)
    regex_hits = [h for leaf in rule.regexes for h in ctx.regex_hits.get(leaf.ident, ())]
    count += len(regex_hits)
    if not spans and not regex_hits:
        return True, "found through other topics"  # topic: references: those topics passed their own check
    if any(f == 0 for _s, _e, f in spans) or any(h[0] == 0 for h in regex_hits):
        return True, "about the topic: a hit in the title"
    if not headline_other:
        if any(f == 1 for _s, _e, f in spans) or any(h[0] == 1 for h in regex_hits):
            return True, "about the topic: a hit in the summary"
        if salience.lead_sentence and spans and spans[0][2] == 2:
            _f, s, _e = shadow.to_original(spans[0][0], spans[0][1])
            if SENTENCE_BREAKS.search(shadow.originals[2], 0, s) is None:
                return True, "about the topic: a hit in the first sentence"
        if salience.lead_words:
            base = shadow.starts[2]
            for start, end, f in spans:
                if f == 2 and start - base <= salience.lead_words * _CHARS_PER_WORD:
                    if len(shadow.text[base:start].split()) < salience.lead_words:
                        if not salience.lead_paragraphs:
                            return True, f"about the topic: a hit in the first {salience.lead_words} words"
                        _f, s, _e = shadow.to_original(start, end)
                        if s < lead_end(shadow.originals[2], salience.lead_paragraphs):
                            return True, (
                                f"about the topic: a hit in the lead (the first {salience.lead_words} words "
                                f"of the first {_paragraphs(salience.lead_paragraphs)})"
                            )
                    break  # spans are sorted: later hits are further in
    unit = "sentence(s) with a hit" if salience.per_sentence else "hit(s)"
    if count >= salience.min_hits:
        return True, f"about the topic: {count} {'sentences with a hit' if salience.per_sentence else 'hits'}"
    if headline_other:
        return False, (
            f"a passing mention: the title's hit did not count (denied or another sense), "
            f"and {count} {unit} elsewhere (needs {salience.min_hits})"
        )
    if salience.lead_sentence:
        lead = "none in the title, the summary or the first sentence"
    elif not salience.lead_words:
        lead = "none in the title"
    elif salience.lead_paragraphs:
        lead = f"none in the title or the lead ({salience.lead_words} words, {_paragraphs(salience.lead_paragraphs)})"
    else:
        lead = f"none in the title or the first {salience.lead_words} words"
    more = f"{salience.min_hits} sentences with a hit" if salience.per_sentence else f"{salience.min_hits} hits"
    return False, f"a passing mention: {count} {unit}, {lead} (needs one there, or {more})"


def beside_check(
    rule: CompiledRule,
    ctx: Context,
    salience: Salience,
    topics: Collection[str],
    topic_keys: Mapping[str, frozenset[int]],
) -> tuple[bool, str]:
    """In a story about one of ``salience.beside`` (among ``topics``): a hit in the title, the summary or the
    first sentence, or ``min_hits`` sentences with a hit; the other story's own words (its ``topic_keys``:
    Pyongyang, Myanmar) are no mention of this topic.

    "Pyongyang rebuffs Seoul's offer of talks ... officials also accuse the
    North of crypto theft": the lead and two words of one sentence made
    cybercrime salient; beside a North Korea story they are a passing mention.
    """
    near = sorted(t for t in salience.beside if t in topics and t != rule.topic)
    if not near:
        return True, ""
    foreign = frozenset().union(*(topic_keys.get(t, frozenset()) for t in near))
    own = salience.mentions if salience.mentions is not None else frozenset(k for k, _w, _f in rule.score_keys)
    strict = Salience(0, salience.min_hits, 0, True, own - foreign, lead_sentence=True)
    ok, note = salient(rule, ctx, strict)
    if ok:
        return True, note
    return (
        False,
        f"a passing mention beside a story about {', '.join(near)}: {note.removeprefix('a passing mention: ')}",
    )


def _paragraphs(n: int) -> str:
    return "paragraph" if n == 1 else f"{n} paragraphs"


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


def framed(frames: Sequence[Frame], hits: Hits) -> tuple[bool, str]:
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
        count = _distinct([h for k in frame.keys for h in hits.get(k, ())])
        if count >= frame.min_hits:
            return True, ""
        return False, (
            f"{HEADLINE_FRAMES} {frame.why}: {count} hit(s) of the terms that overturn it (needs {frame.min_hits})"
        )
    return True, ""
