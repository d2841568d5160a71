"""Rule specs -> one Aho-Corasick automaton and a small test function per rule.

Every term of every rule goes into a single automaton (shared terms once), so
one pass over an article finds all candidate terms whatever the number of
rules. Each rule then becomes a closure over the set of hit term keys: boolean
logic, field scope, proximity, topic references and regular expressions are
evaluated only for rules that one of their own terms made a candidate.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable

import ahocorasick
import regex

from streams.classify.problems import did_you_mean
from streams.classify.morphology import expands, indonesian_stems, is_hangul
from streams.classify.query import And, ListRef, Near, Not, Or, Regex, Scope, Term, TopicRef
from streams.classify.text import fold_term

__all__ = ["WILD", "SUFFIX", "PARTICLE", "TermTable", "CompiledRule", "Leaf", "RuleCompiler", "CompileError", "Context"]

WILD, SUFFIX, PARTICLE = 1, 2, 4
ALL_FIELDS = frozenset({0, 1, 2})
FIELD_INDEX = {"title": 0, "summary": 1, "content": 2}


class CompileError(ValueError):
    """A rule that validates but cannot be compiled (message, query position, fix)."""

    def __init__(self, message: str, pos: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.pos, self.hint = message, pos, hint


@dataclass
class TermTable:
    """Every distinct term key, its display text and the automaton patterns."""

    keys: dict[tuple[str, bool, bool], int] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    patterns: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    written: dict[tuple[str, bool], int] = field(default_factory=dict)

    def key_for(self, written: str, exact: bool) -> int:
        """The key id of a term as an editor wrote it (``retas*``, ``Kim Jong-un``)."""
        known = self.written.get((written, exact))
        if known is not None:
            return known
        key = self._new_key(written, exact)
        self.written[(written, exact)] = key
        return key

    def _new_key(self, written: str, exact: bool) -> int:
        wildcard = written.endswith("*")
        body = written.rstrip("*").strip()
        folded = fold_term(body)
        if not folded or not any(ch.isalnum() for ch in folded):
            raise CompileError(f"term {written!r} has no letters or digits", hint="write a word or a phrase")
        if "*" in body:
            raise CompileError(f"'*' only works at the end of a term: {written!r}", hint="write retas* (a prefix)")
        morph = not exact and expands(folded)
        ident = (folded, wildcard, morph)
        if ident in self.keys:
            return self.keys[ident]
        key = len(self.labels)
        self.keys[ident] = key
        self.labels.append(body + ("*" if wildcard else ""))
        flags = WILD if wildcard else (SUFFIX if morph else 0)
        if is_hangul(folded[-1]) and not wildcard:
            flags |= PARTICLE
        forms = set(indonesian_stems(folded)) if morph or (wildcard and expands(folded)) else {folded}
        if "-" in body:
            forms.add(fold_term(body.replace("-", "")))  # Jong-un also as Jongun
        for form in forms:
            self.patterns.setdefault(form, []).append((flags, key))
        return key

    def automaton(self) -> ahocorasick.Automaton:
        """One automaton over every pattern; values are (length, closed, ((flags, key), ...), shared flags).

        Patterns start with a space (the folded text puts one before every
        word), so the left word boundary costs nothing per hit. Terms that
        must end where the word ends also carry the trailing space ("closed");
        wildcards, suffixes and particles are checked per hit instead.
        """
        auto = ahocorasick.Automaton()
        for form, entries in self.patterns.items():
            closed = [e for e in entries if not e[0]]
            open_ = [e for e in entries if e[0]]
            if closed:
                auto.add_word(f" {form} ", (len(form) + 2, True, tuple(closed), 0))
            if open_:
                # flags shared by every entry let the scan test the word's rest once
                shared = open_[0][0] if len({e[0] for e in open_}) == 1 else 0
                auto.add_word(f" {form}", (len(form) + 1, False, tuple(open_), shared))
        if len(auto):
            auto.make_automaton()
        return auto


class Context:
    """Everything one article's evaluation needs; built once per article."""

    __slots__ = ("hits", "shadow", "topics", "budget", "regex_hits", "words", "timed_out")

    def __init__(self, hits: dict, shadow, budget: float) -> None:
        self.hits = hits
        self.shadow = shadow
        self.topics: set[str] = set()
        self.budget = budget
        self.regex_hits: dict[int, list[tuple[int, int, int]]] = {}
        self.words: list[int] | None = None
        self.timed_out = False

    def word_index(self, offset: int) -> int:
        """How many words start before ``offset`` in the scan text (for NEAR/n)."""
        if self.words is None:
            self.words = [m.start() for m in regex.finditer(r"\w+", self.shadow.text)]
        return bisect.bisect_right(self.words, offset)


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
    pattern: object
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

    def score(self, ctx: Context) -> float:
        """Sum of positive hits' weights; title hits count ``title_boost`` times.

        A hit inside a longer hit of the same rule ("siber" in "kejahatan
        siber") adds nothing: one stretch of text counts once.
        """
        counted: list[tuple[int, int, float]] = []
        cap, boost, hits = self.max_per_term, self.title_boost, ctx.hits
        for key, weight, fields in self.score_keys:
            found = hits.get(key)
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
        for start, neg_end, value in sorted(counted):
            if -neg_end <= reach:
                continue  # nested in a longer hit already counted
            reach = -neg_end
            total += value
        for leaf in self.regexes:
            found = ctx.regex_hits.get(leaf.ident, ())
            total += sum(boost if f == 0 else 1.0 for f, _s, _e in found[:cap])
        return total + sum(1.0 for t in self.topic_refs if t in ctx.topics)


@dataclass
class RuleCompiler:
    """Turns parsed rule items into closures; resolves @lists and topic: refs."""

    table: TermTable
    lists: dict[str, list[tuple[str, float, bool]]]
    topics: frozenset[str]
    run_regex: Callable[[Context, RegexLeaf], list]
    regex_count: int = 0

    def compile(self, node, fields: frozenset[int], positive: bool, acc: dict, *, merge: bool = False) -> Callable[[Context], bool]:
        """A test closure for ``node``; positive leaves are recorded in ``acc`` for scoring.

        ``merge=True``: ``node`` is a term, list or OR of those, tested as one leaf.
        """
        if merge:
            return self._leaf_test(self.leaf(node, fields, positive, acc))
        if isinstance(node, Scope):
            inner = fields & {FIELD_INDEX[node.field]}
            if not inner:
                raise CompileError(f"{node.field}: is outside the rule's fields", node.pos, f"add {node.field} to fields:")
            return self.compile(node.item, frozenset(inner), positive, acc)
        if isinstance(node, (Term, ListRef)):
            return self._leaf_test(self.leaf(node, fields, positive, acc))
        if isinstance(node, TopicRef):
            if node.topic not in self.topics:
                raise CompileError(f"unknown topic {node.topic!r}{did_you_mean(node.topic, self.topics)}", node.pos, "topics are the rule file names")
            if positive:
                acc["topics"].append(node.topic)
            topic = node.topic
            return lambda ctx: topic in ctx.topics
        if isinstance(node, Regex):
            try:
                pattern = regex.compile(node.pattern, regex.IGNORECASE | regex.UNICODE)
            except regex.error as exc:
                raise CompileError(f"invalid regular expression {node.pattern!r}: {exc}", node.pos, "check brackets and escapes") from None
            self.regex_count += 1
            leaf = RegexLeaf(self.regex_count, pattern, node.pattern, fields)
            if positive:
                acc["regexes"].append(leaf)
            run = self.run_regex
            return lambda ctx: bool(run(ctx, leaf))
        if isinstance(node, Not):
            inner = self.compile(node.item, fields, not positive, acc)
            return lambda ctx: not inner(ctx)
        if isinstance(node, (And, Or)):
            parts = tuple(self.compile(item, fields, positive, acc) for item in node.items)
            if isinstance(node, And):
                return lambda ctx: all(p(ctx) for p in parts)
            return lambda ctx: any(p(ctx) for p in parts)
        if isinstance(node, Near):
            left = self.leaf(node.left, fields, positive, acc)
            right = self.leaf(node.right, fields, positive, acc)
            return _near_test(left, right, node.distance)
        raise CompileError(f"cannot compile {node!r}")  # pragma: no cover - parser makes no other nodes

    def leaf(self, node, fields: frozenset[int], positive: bool, acc: dict) -> Leaf:
        """Resolve a term, @list or OR of those into key ids with weights."""
        if isinstance(node, Or):
            parts = [self.leaf(item, fields, positive, acc) for item in node.items]
            return Leaf(tuple(k for p in parts for k in p.keys), tuple(w for p in parts for w in p.weights), fields)
        if isinstance(node, Term):
            try:
                items = [(node.text, 1.0, False)]
                keys = [self.table.key_for(node.text, False)]
            except CompileError as exc:
                raise CompileError(exc.message, node.pos, exc.hint) from None
        else:
            if node.name not in self.lists:
                raise CompileError(f"unknown list '@{node.name}'{did_you_mean(node.name, self.lists)}", node.pos, "define it under terms: or fix the name")
            items = self.lists[node.name]
            keys = [self.table.key_for(text, exact) for text, _w, exact in items]
        leaf = Leaf(tuple(keys), tuple(w for _t, w, _x in items), fields)
        if positive:
            acc["leaves"].append(leaf)
        return leaf

    @staticmethod
    def _leaf_test(leaf: Leaf) -> Callable[[Context], bool]:
        keys, fields = frozenset(leaf.keys), leaf.fields
        if fields == ALL_FIELDS:
            return lambda ctx: not keys.isdisjoint(ctx.hits)
        return lambda ctx: any(h[2] in fields for k in keys for h in ctx.hits.get(k, ()))


def _near_test(left: Leaf, right: Leaf, distance: int) -> Callable[[Context], bool]:
    def hits_of(ctx: Context, leaf: Leaf) -> list:
        return [h for k in leaf.keys for h in ctx.hits.get(k, ()) if h[2] in leaf.fields]

    def test(ctx: Context) -> bool:
        a_hits = hits_of(ctx, left)
        if not a_hits:
            return False
        b_hits = hits_of(ctx, right)
        for a in a_hits:
            for b in b_hits:
                if a[2] != b[2] or a is b:
                    continue
                first, second = (a, b) if a[0] <= b[0] else (b, a)
                between = ctx.word_index(second[0]) - ctx.word_index(first[1] - 1) - 1
                if between <= distance:
                    return True
        return False

    return test
