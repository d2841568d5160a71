"""Rule specs -> one Aho-Corasick automaton and a small test function per rule.

Every term of every rule goes into a single automaton (shared terms once), so
one pass over an article finds all candidate terms whatever the number of
rules. Each rule then becomes a closure over the set of hit term keys: boolean
logic, field scope, proximity, topic references and regular expressions are
evaluated only for rules that one of their own terms made a candidate. The
records it builds (leaves, compiled rules, the per-article context) are in
compiled.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import regex

from pantau.streams.classify.compiled import (
    ALL_FIELDS,
    FIELD_INDEX,
    Collected,
    CompiledRule,
    Context,
    Hits,
    Leaf,
    RegexHit,
    RegexLeaf,
    Span,
)
from pantau.streams.classify.problems import did_you_mean
from pantau.streams.classify.query import And, ListRef, Near, Node, Not, Or, Regex, Scope, Term, TopicRef
from pantau.streams.classify.terms import CompileError, TermTable

__all__ = ["RuleCompiler", "nested_repetition"]
# Re-exported for judgement.py, salience.py and headline.py, which import them from here.
__all__ += ["CompiledRule", "Context", "Hits", "Span"]


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
        # Only the keys found: a leaf of a long @list would otherwise look up every one of its terms.
        return lambda ctx: (
            not keys.isdisjoint(ctx.hits)
            and any(h[2] in fields for k in keys.intersection(ctx.hits) for h in ctx.hits[k])
        )


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


def _hits_of(leaf: Leaf) -> Callable[[Context], list[Span]]:
    """A leaf's hits in its fields, in the order of its keys; an empty list without a lookup per term when none."""
    present, order, fields = frozenset(leaf.keys), leaf.keys, leaf.fields

    def hits_of(ctx: Context) -> list[Span]:
        hits = ctx.hits
        if present.isdisjoint(hits):
            return []  # most articles: a set test in C, not one lookup per term of a long @list
        return [h for k in order if k in hits for h in hits[k] if h[2] in fields]

    return hits_of


def _near_test(left: Leaf, right: Leaf, distance: int) -> Callable[[Context], bool]:
    left_hits, right_hits = _hits_of(left), _hits_of(right)

    def test(ctx: Context) -> bool:
        a_hits = left_hits(ctx)
        if not a_hits:
            return False
        b_hits = right_hits(ctx)
        for a in a_hits:
            for b in b_hits:
                if a[2] != b[2] or a is b:
                    continue
                first, second = (a, b) if a[0] <= b[0] else (b, a)
                if ctx.words_between(first[1], second[0], distance) <= distance:
                    return True
        return False

    return test
