"""The ``query:`` language for power users, and the items of any/all/none groups.

    query  := or
    or     := and ("OR" and)*
    and    := not (["AND"] not)*          adjacent terms mean AND, as in search engines
    not    := "NOT" not | near
    near   := atom ("NEAR/" n atom)*      at most n words between the two
    atom   := "(" or ")" | field ":" atom | "phrase" | word[*] | @list
            | topic:id | regex:/pattern/ | regex:"pattern"

Operators are upper case; ``and``/``or`` in lower case are words (the loader
warns about them). Errors carry the 0-based position in the query string so
the loader can point at the file's line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pantau.streams.classify.tokens import QUOTES, QueryError, Token, tokenize

__all__ = [
    "QueryError",
    "Term",
    "ListRef",
    "TopicRef",
    "Regex",
    "And",
    "Or",
    "Not",
    "Near",
    "Scope",
    "Node",
    "parse_query",
    "parse_item",
]


@dataclass(frozen=True)
class Term:
    """A word or phrase as written (a trailing ``*`` makes it a prefix)."""

    text: str
    pos: int = 0


@dataclass(frozen=True)
class ListRef:
    """``@name`` or ``@topic.name``: any term of a named list."""

    name: str
    pos: int = 0


@dataclass(frozen=True)
class TopicRef:
    """``topic:id``: true when a plain rule of that topic matched the article."""

    topic: str
    pos: int = 0


@dataclass(frozen=True)
class Regex:
    """``regex:`` pattern, searched case-insensitively in the original text."""

    pattern: str
    pos: int = 0


@dataclass(frozen=True)
class And:
    """Every item holds."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """At least one item holds."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The item does not hold (its terms never add to the score)."""

    item: Node
    pos: int = 0


@dataclass(frozen=True)
class Near:
    """Some hit of ``left`` and some hit of ``right`` with at most ``distance`` words between."""

    left: Node
    right: Node
    distance: int
    pos: int = 0


@dataclass(frozen=True)
class Scope:
    """``item`` looked for in one field only."""

    field: str
    item: Node
    pos: int = 0


Node = Term | ListRef | TopicRef | Regex | And | Or | Not | Near | Scope


@dataclass
class _Parser:
    """Recursive-descent state: the tokens, where we are, and advice gathered."""

    text: str
    toks: list[Token] = field(default_factory=list)
    i: int = 0
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def peek(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok


def parse_item(text: str, pos: int = 0) -> Node:
    """One any/all/none item: ``@list``, ``topic:id``, ``regex:...`` or a term."""
    text = text.strip()
    if text.startswith("@"):
        return ListRef(text[1:], pos)
    if text.startswith("topic:"):
        return TopicRef(text[6:].strip(), pos)
    if text.startswith("regex:"):
        return Regex(text[6:].strip(), pos)
    if len(text) >= 2 and text[0] in QUOTES and text[-1] in QUOTES:
        text = text[1:-1]
    return Term(text, pos)


def parse_query(text: str) -> tuple[Node, list[tuple[int, str]]]:
    """Parse a query string into a tree; returns it with (position, advice) warnings."""
    p = _Parser(text, tokenize(text))
    if p.peek().kind == "end":
        raise QueryError("the query is empty", 0, "write terms joined by AND, OR, NOT")
    node = _or(p)
    tok = p.peek()
    if tok.kind == "rp":
        raise QueryError("')' without a matching '('", tok.pos, "remove it or add '(' before")
    if tok.kind != "end":
        raise QueryError(f"unexpected {tok.value!r}", tok.pos, "join terms with AND, OR or NOT")
    return node, p.warnings


def _or(p: _Parser) -> Node:
    items = [_and(p)]
    while p.peek().kind == "or":
        tok = p.take()
        _expect_operand(p, tok)
        items.append(_and(p))
    return items[0] if len(items) == 1 else Or(tuple(items))


def _and(p: _Parser) -> Node:
    items = [_not(p)]
    while True:
        tok = p.peek()
        if tok.kind == "and":
            p.take()
            _expect_operand(p, tok)
        elif tok.kind not in ("lp", "not", "phrase", "word", "ref", "topic", "regex", "scope"):
            break
        items.append(_not(p))
    return items[0] if len(items) == 1 else And(tuple(items))


def _not(p: _Parser) -> Node:
    tok = p.peek()
    if tok.kind == "not":
        p.take()
        _expect_operand(p, tok)
        return Not(_not(p), tok.pos)
    return _near(p)


def _near(p: _Parser) -> Node:
    left = _atom(p)
    while p.peek().kind == "near":
        tok = p.take()
        _expect_operand(p, tok)
        right = _atom(p)
        for side in (left, right):
            if not _leafy(side):
                raise QueryError(
                    f"{tok.value} joins terms, lists or (a OR b) alternatives, not AND/NOT groups",
                    tok.pos,
                    'write "a" NEAR/5 (b OR c), or put NEAR inside the parentheses',
                )
        left = Near(left, right, tok.n, tok.pos)
    return left


def _leafy(node: Node) -> bool:
    """True for what NEAR can join: terms, lists, and OR-alternatives of those."""
    if isinstance(node, Or):
        return all(_leafy(item) for item in node.items)
    return isinstance(node, (Term, ListRef))


def _atom(p: _Parser) -> Node:
    tok = p.take()
    if tok.kind == "lp":
        if p.peek().kind == "rp":
            raise QueryError("empty parentheses", tok.pos, "put terms inside ( ) or remove them")
        node = _or(p)
        if p.peek().kind != "rp":
            raise QueryError("'(' is never closed", tok.pos, "add ')' where the group ends")
        p.take()
        return node
    if tok.kind == "scope":
        if p.peek().kind in ("end", "rp", "and", "or", "near"):
            raise QueryError(
                f"{tok.value}: needs a term", tok.pos, f'write {tok.value}:"a phrase" or {tok.value}:(a OR b)'
            )
        return Scope(tok.value, _atom(p), tok.pos)
    if tok.kind == "phrase":
        return Term(tok.value, tok.pos)
    if tok.kind == "word":
        if tok.value.lower() in ("and", "or", "not") or tok.value.lower().startswith("near/"):
            p.warnings.append(
                (tok.pos, f"lower-case {tok.value!r} is searched as a word; write {tok.value.upper()} for the operator")
            )
        return Term(tok.value, tok.pos)
    if tok.kind == "ref":
        return ListRef(tok.value, tok.pos)
    if tok.kind == "topic":
        return TopicRef(tok.value, tok.pos)
    if tok.kind == "regex":
        return Regex(tok.value, tok.pos)
    if tok.kind == "rp":
        raise QueryError("')' without a matching '('", tok.pos, "remove it or add '(' before")
    if tok.kind == "end":
        raise QueryError(
            "the query ends where a term was expected", tok.pos, "finish the query or remove the last operator"
        )
    raise QueryError(f"{tok.value!r} where a term was expected", tok.pos, "put a term before the operator")


def _expect_operand(p: _Parser, op: Token) -> None:
    nxt = p.peek()
    if nxt.kind in ("end", "rp", "and", "or", "near"):
        raise QueryError(
            f"{op.value!r} has nothing after it",
            op.pos,
            f"put a term after {op.value} or remove it",
        )
