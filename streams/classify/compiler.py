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
from typing import TYPE_CHECKING, Callable

import regex

from pantau.streams.classify.problems import did_you_mean
from pantau.streams.classify.query import And, ListRef, Near, Node, Not, Or, Regex, Scope, Term, TopicRef
from pantau.streams.classify.terms import CompileError, TermTable
from pantau.streams.classify.text import Shadow

if TYPE_CHECKING:  # judgement reads hits, so it imports this module
    from pantau.streams.classify.judgement import Salience

__all__ = [
    "CompiledRule",
    "Leaf",
    "RegexLeaf",
    "RuleCompiler",
    "Context",
    "Collected",
    "Span",
    "Hits",
    "RegexHit",
    "Test",
    "ALL_FIELDS",
    "FIELD_INDEX",
    "nested_repetition",
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
        for _start, neg_end, value in sorted(counted):
            if -neg_end <= reach:
                continue  # nested in a longer hit already counted
            reach = -neg_end
            total += value
        for leaf in self.regexes:
            matched = ctx.regex_hits.get(leaf.ident, [])
            total += sum(boost if f == 0 else 1.0 for f, _s, _e in matched[:cap])
        return total + sum(1.0 for t in self.topic_refs if t in ctx.topics)


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


@dataclass
class RuleCompiler:
    """Turns parsed rule items into closures; resolves @lists and topic: refs."""

    table: TermTable
    lists: dict[str, list[tuple[str, float, bool]]]
    topics: frozenset[str]
    run_regex: Callable[[Context, RegexLeaf], list[RegexHit]]
    regex_count: int = 0

    def compile(
        self, node: Node, fields: frozenset[int], positive: bool, acc: Collected, *, merge: bool = False
    ) -> Callable[[Context], bool]:
        """A test closure for ``node``; positive leaves are recorded in ``acc`` for scoring.

        ``merge=True``: ``node`` is a term, list or OR of those, tested as one leaf.
        """
        if merge:
            return self._leaf_test(self.leaf(node, fields, positive, acc))
        if isinstance(node, Scope):
            inner = fields & {FIELD_INDEX[node.field]}
            if not inner:
                raise CompileError(
                    f"{node.field}: is outside the rule's fields", node.pos, f"add {node.field} to fields:"
                )
            return self.compile(node.item, frozenset(inner), positive, acc)
        if isinstance(node, (Term, ListRef)):
            return self._leaf_test(self.leaf(node, fields, positive, acc))
        if isinstance(node, TopicRef):
            if node.topic not in self.topics:
                raise CompileError(
                    f"unknown topic {node.topic!r}{did_you_mean(node.topic, self.topics)}",
                    node.pos,
                    "topics are the rule file names",
                )
            if positive:
                acc.topics.append(node.topic)
            topic = node.topic
            return lambda ctx: topic in ctx.topics
        if isinstance(node, Regex):
            try:
                pattern = regex.compile(node.pattern, regex.IGNORECASE | regex.UNICODE)
            except regex.error as exc:
                raise CompileError(
                    f"invalid regular expression {node.pattern!r}: {exc}", node.pos, "check brackets and escapes"
                ) from None
            if nested_repetition(node.pattern):
                raise CompileError(
                    f"regular expression {node.pattern!r} repeats a repetition, which can take minutes on one article",
                    node.pos,
                    "repeat the inner part only once: write (a+)+ as a+, (\\w+\\s?)+ as [\\w\\s]+",
                )
            self.regex_count += 1
            leaf = RegexLeaf(self.regex_count, pattern, node.pattern, fields)
            if positive:
                acc.regexes.append(leaf)
            run = self.run_regex
            return lambda ctx: bool(run(ctx, leaf))
        if isinstance(node, Not):
            negated = self.compile(node.item, fields, not positive, acc)
            return lambda ctx: not negated(ctx)
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

    def leaf(self, node: Node, fields: frozenset[int], positive: bool, acc: Collected) -> Leaf:
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
            if not isinstance(node, ListRef):  # pragma: no cover - the parser lets only these reach here
                raise CompileError(f"cannot use {node!r} as terms", getattr(node, "pos", 0))
            if node.name not in self.lists:
                known = [f"@{name}" for name in self.lists if not name.startswith("~")]  # ~: a rule's inline terms
                raise CompileError(
                    f"unknown list '@{node.name}'{did_you_mean('@' + node.name, known)}",
                    node.pos,
                    "define it under terms: or fix the name",
                )
            items = self.lists[node.name]
            keys = [self.table.key_for(text, exact) for text, _w, exact in items]
        leaf = Leaf(tuple(keys), tuple(w for _t, w, _x in items), fields)
        if positive:
            acc.leaves.append(leaf)
        else:
            acc.vetoes.append(leaf)
        return leaf

    @staticmethod
    def _leaf_test(leaf: Leaf) -> Callable[[Context], bool]:
        keys, fields = frozenset(leaf.keys), leaf.fields
        if fields == ALL_FIELDS:
            return lambda ctx: not keys.isdisjoint(ctx.hits)
        return lambda ctx: any(h[2] in fields for k in keys for h in ctx.hits.get(k, ()))


def nested_repetition(pattern: str) -> bool:
    """True when a repeated group itself contains an unbounded repetition (``(a+)+``, ``((ab)*c)*``).

    Such patterns backtrack exponentially on text that almost matches; the per-article
    time budget would stop them, but only after they ate it, so they are refused at load.
    """
    plain = regex.sub(r"\\.", "x", pattern)  # escaped characters are literals
    plain = regex.sub(r"\[(?:\\.|[^\]])*\]", "x", plain)  # so are + and * inside [...]
    unbounded = regex.compile(r"[+*]|\{\d*,\}")
    stack: list[bool] = []  # per open group: does it contain an unbounded repetition?
    i = 0
    while i < len(plain):
        ch = plain[i]
        if ch == "(":
            stack.append(False)
        elif ch == ")" and stack:
            inner = stack.pop()
            repeated = unbounded.match(plain, i + 1)
            if inner and repeated:
                return True
            if stack and (inner or repeated):
                stack[-1] = True
        elif stack and unbounded.match(plain, i) and plain[i - 1 : i] not in ("(", "?"):
            stack[-1] = True
        i += 1
    return False


def _near_test(left: Leaf, right: Leaf, distance: int) -> Callable[[Context], bool]:
    def hits_of(ctx: Context, leaf: Leaf) -> list[Span]:
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
