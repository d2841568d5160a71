"""What a compiled rule is made of, and the per-article context its test runs against.

The compiler (streams/classify/compiler.py) turns rule items into these: a
rule's terms become :class:`Leaf` key ids in the one automaton, its ``regex:``
items :class:`RegexLeaf`, and the rule a :class:`CompiledRule` whose ``test``
closure reads a :class:`Context` (the hit term keys of one article, built once
per article by the engine) and whose ``score`` sums its hits' weights.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import regex

from pantau.streams.classify.text import Shadow

if TYPE_CHECKING:  # judgement reads hits, so it imports this module
    from pantau.streams.classify.salience import Salience

__all__ = [
    "CompiledRule",
    "Leaf",
    "RegexLeaf",
    "Context",
    "Collected",
    "Span",
    "Hits",
    "RegexHit",
    "Test",
    "ALL_FIELDS",
    "FIELD_INDEX",
]

ALL_FIELDS = frozenset({0, 1, 2})


FIELD_INDEX = {"title": 0, "summary": 1, "content": 2}


Span = tuple[int, int, int]
"""(start, end, field) of a hit: offsets in the scan text, the field 0 title, 1 summary, 2 content."""


Hits = dict[int, list[Span]]
"""Term key -> where the scan found it."""


RegexHit = tuple[int, int, int]
"""(field, start, end) of a regex match, offsets in the original field text (not the scan text)."""


Test = Callable[["Context"], bool]
"""A compiled condition: true when it holds for the article in the context."""


class Context:
    """Everything one article's evaluation needs; built once per article."""

    __slots__ = ("hits", "shadow", "topics", "budget", "regex_hits", "words", "timed_out")

    def __init__(self, hits: Hits, shadow: Shadow, budget: float) -> None:
        self.hits = hits
        self.shadow = shadow
        self.topics: set[str] = set()
        self.budget = budget
        self.regex_hits: dict[int, list[RegexHit]] = {}
        self.words: list[int] | None = None
        self.timed_out = False

    def word_index(self, offset: int) -> int:
        """How many words start before ``offset`` in the scan text (for NEAR/n)."""
        if self.words is None:
            self.words = [m.start() for m in regex.finditer(r"\w+", self.shadow.text)]
        return bisect.bisect_right(self.words, offset)

    def words_between(self, end: int, start: int, limit: int) -> int:
        """How many words lie between a hit ending at ``end`` and one starting at ``start`` (for NEAR/n), counted up
        to ``limit + 1`` only: ``word_index(start) - word_index(end - 1) - 1`` when that is at most ``limit``.

        Counting the words of the gap alone, and no further than the limit, costs far less than listing every
        word start of the article (``word_index``), which a NEAR between two far-apart hits did.
        """
        count = -1  # the word starting at ``start`` is the second hit's own
        for _ in _WORD_START.finditer(self.shadow.text, end, start + 1):
            count += 1
            if count > limit:
                break
        return count


_WORD_START = regex.compile(r"(?<!\w)\w")
r"""Where a word starts: what ``regex.finditer(r"\w+")`` finds, one match per word (lookbehind sees before pos)."""


@dataclass(frozen=True)
class Leaf:
    """Terms of one rule item: keys, the weight of each, and the fields it may hit in."""

    keys: tuple[int, ...]
    weights: tuple[float, ...]
    fields: frozenset[int]


@dataclass
class RegexLeaf:
    """A ``regex:`` item, run on the original text with the rule set's time budget."""

    ident: int
    pattern: regex.Pattern[str]
    source: str
    fields: frozenset[int]


@dataclass
class CompiledRule:
    """A rule ready to evaluate: test, scoring terms and routing attributes."""

    id: str
    topic: str
    severity: str
    tags: tuple[str, ...]
    languages: frozenset[str]
    min_score: float
    title_boost: float
    max_per_term: int
    test: Callable[[Context], bool]
    score_keys: tuple[tuple[int, float, frozenset[int]], ...]
    regexes: tuple[RegexLeaf, ...]
    topic_refs: tuple[str, ...]
    always: bool
    salience: Salience | None = None  # None: any hit makes the story
    source: str = ""  # the conditions as written, for explaining a miss
    veto_keys: tuple[int, ...] = ()
    """Keys of terms under none: or NOT: what can block the rule (``rules diff`` names them)."""
    requires: tuple[frozenset[int], ...] = ()
    """Key sets that must each share a key with the hits for ``test`` to hold (requirements.py); the engine
    tests a candidate only when they do."""
    key_set: frozenset[int] = field(init=False, repr=False, compare=False)
    """The keys of ``score_keys``."""
    _where: dict[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._where = {k: i for i, (k, _w, _f) in enumerate(self.score_keys)}
        self.key_set = frozenset(self._where)

    def scored(self, hits: Hits) -> list[tuple[int, float, frozenset[int]]]:
        """The entries of ``score_keys`` whose key is among ``hits``, in ``score_keys`` order.

        A matched article has a handful of hit keys and a rule up to hundreds of terms: walking the hits
        instead of every term is what scoring, explaining and salience did, at a tenth of the lookups.
        """
        where, keys = self._where, self.score_keys
        if len(hits) < len(where):
            found = [where[k] for k in hits if k in where]  # a list, not a generator into sorted(): ~0.2 us less
            if len(found) > 1:
                found.sort()
            return [keys[i] for i in found]
        return [entry for entry in keys if entry[0] in hits]

    def score(self, ctx: Context) -> float:
        """Sum of positive hits' weights; title hits count ``title_boost`` times.

        A hit inside a longer hit of the same rule ("siber" in "kejahatan
        siber") adds nothing: one stretch of text counts once.
        """
        counted: list[tuple[int, int, float]] = []
        cap, boost, hits = self.max_per_term, self.title_boost, ctx.hits
        for key, weight, fields in self.scored(hits):
            found = hits[key]
            if not found:
                continue
            n = 0
            for start, end, f in found:
                if f in fields:
                    counted.append((start, -end, weight * (boost if f == 0 else 1.0)))
                    n += 1
                    if n >= cap:
                        break
        total, reach = 0.0, -1
        if len(counted) == 1:
            total += counted[0][2]  # most matches: one hit, nothing to nest in
        else:
            for _start, neg_end, value in sorted(counted):
                if -neg_end <= reach:
                    continue  # nested in a longer hit already counted
                reach = -neg_end
                total += value
        for leaf in self.regexes:
            matched = ctx.regex_hits.get(leaf.ident, [])
            total += sum(boost if f == 0 else 1.0 for f, _s, _e in matched[:cap])
        if self.topic_refs:  # most rules have none: no generator to start and sum
            total += sum(1.0 for t in self.topic_refs if t in ctx.topics)
        return total


@dataclass
class Collected:
    """What compiling one rule's items gathered, for scoring and explaining it."""

    leaves: list[Leaf] = field(default_factory=list)
    """Positive terms: their hits add to the score."""
    regexes: list[RegexLeaf] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    """Topics referred to with topic: (each adds 1 when matched)."""
    vetoes: list[Leaf] = field(default_factory=list)
    """Terms whose presence can block the rule, for explanations."""
