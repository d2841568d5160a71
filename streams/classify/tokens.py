"""Query text -> tokens, with the position of each (for located errors)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pantau.streams.classify.problems import did_you_mean

__all__ = ["QueryError", "Token", "tokenize", "QUOTES", "SCOPES"]

QUOTES = '"“”„«»'
SCOPES = ("title", "summary", "content")


class QueryError(ValueError):
    """A query that cannot be parsed: message, 0-based position, fix."""

    def __init__(self, message: str, pos: int, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.pos, self.hint = message, pos, hint


_NEAR = re.compile(r"NEAR/(\d+)$")
_PREFIX = re.compile(r"([A-Za-z_]+):")
_WORD = re.compile(rf"[^\s(){QUOTES}]+")


@dataclass
class Token:
    """One token: kind (lp rp and or not near phrase word ref topic regex scope end), text, position."""

    kind: str
    value: str
    pos: int
    n: int = 0


def tokenize(text: str) -> list[Token]:
    """Every token of ``text``, ending with an ``end`` token; QueryError on bad input."""
    toks: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(Token("lp" if ch == "(" else "rp", ch, i))
            i += 1
        elif ch in QUOTES:
            end = next((j for j in range(i + 1, n) if text[j] in QUOTES), -1)
            if end < 0:
                raise QueryError("unterminated quote", i, 'close the phrase with a matching "')
            if end == i + 1:
                raise QueryError('empty phrase ""', i, "write words between the quotes")
            toks.append(Token("phrase", text[i + 1 : end], i))
            i = end + 1
        elif text.startswith("regex:", i):
            i = _regex(text, i, toks)
        else:
            m = _PREFIX.match(text, i)
            if m and m.group(1) in SCOPES:
                toks.append(Token("scope", m.group(1), i))
                i = m.end()
                continue
            if m and m.group(1) == "topic":
                w = _WORD.match(text, m.end())
                if not w:
                    raise QueryError("topic: needs a topic id", i, "write topic:cybercrime")
                toks.append(Token("topic", w.group(), i))
                i = w.end()
                continue
            w = _WORD.match(text, i)
            if w is None:  # cannot happen: text[i] is no space, bracket or quote, so a word starts here
                raise QueryError(f"unexpected {text[i]!r}", i, "remove it")
            word = w.group()
            toks.append(_classify_word(word, i, text))
            i = w.end()
    toks.append(Token("end", "end of query", n))
    return toks


def _regex(text: str, i: int, toks: list[Token]) -> int:
    j = i + 6
    if j >= len(text) or text[j] not in '/"':
        raise QueryError('regex: needs /pattern/ or "pattern"', i, "write regex:/kim\\s+jong/")
    close = text[j]
    k = j + 1
    while k < len(text) and (text[k] != close or text[k - 1] == "\\"):
        k += 1
    if k >= len(text):
        raise QueryError("unterminated regex", i, f"end the pattern with {close}")
    toks.append(Token("regex", text[j + 1 : k], i))
    return k + 1


def _classify_word(word: str, pos: int, text: str) -> Token:
    if word in ("AND", "OR", "NOT"):
        return Token(word.lower(), word, pos)
    if word.startswith("NEAR"):
        m = _NEAR.match(word)
        if not m:
            raise QueryError(f"bad proximity operator {word!r}", pos, "write NEAR/5 (at most 5 words apart)")
        return Token("near", word, pos, int(m.group(1)))
    if word.startswith("@"):
        if len(word) == 1:
            raise QueryError("'@' needs a list name", pos, "write @name of a list under terms:")
        return Token("ref", word[1:], pos)
    field = _PREFIX.match(word) if ":" in word else None
    if field is not None:
        name = field.group(1)
        raise QueryError(
            f"unknown field {name + ':'!r}{did_you_mean(name, SCOPES + ('topic', 'regex'))}",
            pos,
            "fields are title:, summary:, content:, topic:, regex:",
        )
    return Token("word", word, pos)
