"""What a rule cannot match without: sets of term keys, each of which must be among an article's hits.

A rule becomes a candidate when any one of its terms is hit (``RuleSet.key_rules``), and most
candidates then fail their test: on the worker's articles (5 % on topic) a common word of one
rule's ``any:`` group ("data", "tipu") makes it a candidate whose ``all:`` item or ``NEAR``
partner is nowhere in the article. Testing a candidate runs its compiled closures (a Python call
per item); checking its requirements first is a few set operations in C, and a candidate that
fails them is not tested at all.

The requirements are necessary, never sufficient: a rule whose requirements hold is tested as
before, so verdicts are the same (tests/streams/classify check every fixture set). They are read
off the rule's items: a term or ``@list`` needs one of its keys; ``AND`` (and a rule's groups,
which all must hold) needs what each of its parts needs; ``OR`` needs one key of the union of
one requirement per branch; ``NEAR`` needs both sides; a field scope needs what its item needs
(the field is checked by the test). ``NOT``, ``topic:`` and ``regex:`` hold without any term, so
they add nothing (a branch of an ``OR`` that needs nothing leaves the whole ``OR`` needing nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pantau.streams.classify.compiled import Hits
from pantau.streams.classify.query import And, ListRef, Near, Node, Or, Scope, Term

__all__ = ["Requirements", "required_keys", "requirements", "holds"]

Requirements = tuple[frozenset[int], ...]
"""Key sets that must each share a key with the hits (empty: the rule needs no particular term)."""

KeysOf = Callable[[Node], tuple[int, ...]]
"""The key ids of a term or ``@list`` node (the compiler's resolution)."""


def required_keys(node: Node, keys_of: KeysOf) -> list[frozenset[int]]:
    """The key sets ``node`` cannot hold without (each must share a key with the hits)."""
    if isinstance(node, (Term, ListRef)):
        return [frozenset(keys_of(node))]
    if isinstance(node, Scope):
        return required_keys(node.item, keys_of)
    if isinstance(node, Near):
        return required_keys(node.left, keys_of) + required_keys(node.right, keys_of)
    if isinstance(node, And):
        return [keys for item in node.items for keys in required_keys(item, keys_of)]
    if isinstance(node, Or):
        branches = [required_keys(item, keys_of) for item in node.items]
        if not all(branches):
            return []  # a branch needs no term: neither does the OR
        # Whichever branch holds, its smallest set shares a key with the hits: so does their union.
        return [frozenset().union(*(min(branch, key=len) for branch in branches))]
    return []  # NOT, topic:, regex: hold without any term


def requirements(sets: Iterable[frozenset[int]]) -> Requirements:
    """The sets without repeats, the smallest first (it is the likeliest to fail, and the cheapest to test)."""
    return tuple(sorted(set(sets), key=lambda keys: (len(keys), sorted(keys))))


def holds(required: Requirements, hits: Hits | frozenset[int]) -> bool:
    """True when every required set shares a key with ``hits`` (so the rule's test may hold).

    Pass the hits' keys as a frozenset when testing many rules: ``isdisjoint`` with a dict walks every hit,
    with a set the smaller side (a rule's one to three keys against the twenty-odd of a real article).
    """
    for keys in required:
        if keys.isdisjoint(hits):
            return False
    return True
