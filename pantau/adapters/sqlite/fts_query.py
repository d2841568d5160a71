"""What a person types in the archive search box -> a safe SQLite FTS5 MATCH expression.

The syntax is the one search boxes teach: words (all must occur), ``"a phrase"``,
``OR`` between two terms, ``-word`` to exclude, ``word*`` for a prefix. Anything
else (FTS5 operators, brackets, stray quotes, column filters) is taken as
text, never as syntax, so no input can make the query fail or reach columns.

Language care, measured in tests/adapters/sqlite/test_archive_search.py:

- the index uses ``unicode61 remove_diacritics 2``: "tin tac" finds "tin tặc",
  "peretasan" is one word whatever its case;
- Vietnamese "đ" is a letter of its own to that tokenizer, not a d with a mark,
  so the index and the query both fold it to "d" (:func:`fold_text`): "da nang"
  and "Đà Nẵng" find each other;
- Korean glues particles to the noun ("북한이", "북한은"): a Hangul term is
  searched as a prefix, so "북한" finds "북한이". (The trigram tokenizer would
  find substrings but cannot search a term shorter than three characters, such
  as "북한", the commonest Korean term length, and its index is 5.4 times the
  size: 8,216 against 1,527 bytes an article in tests/bench/bench_archive.py.)
- Indonesian prefixes ("diretas" for "retas") are not undone: search the form
  you expect or use ``retas*`` for suffixes ("retasan").
"""

from __future__ import annotations

import re

__all__ = ["to_match", "fold_text", "has_hangul"]

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_WORD = re.compile(r"\w+")
_FOLD = str.maketrans({"đ": "d", "Đ": "D"})
_MAX_TERMS = 32  # a pasted paragraph is still a bounded query


def fold_text(text: str) -> str:
    """The text as the index sees it: Vietnamese đ/Đ folded to d/D (one character for one)."""
    return text.translate(_FOLD)


def has_hangul(text: str) -> bool:
    """True when ``text`` contains a Hangul syllable or jamo."""
    return bool(_HANGUL.search(text))


def _quote(words: list[str], prefix: bool) -> str:
    phrase = '"' + " ".join(words) + '"'
    return phrase + "*" if prefix else phrase


def _term(raw: str) -> str | None:
    """One FTS5 phrase for a word or a quoted phrase; None when nothing searchable is left."""
    star = raw.endswith("*")
    words = _WORD.findall(fold_text(raw))
    if not words:
        return None
    # Hangul: particles follow the noun in the same word, so the last word is a prefix.
    prefix = star or has_hangul(words[-1])
    # A bare "covid-19" is searched as the phrase the index split it into, like a quoted one.
    return _quote(words, prefix)


def to_match(query: str) -> str | None:
    """The FTS5 MATCH expression for a search-box query; None when it has no searchable word."""
    parts: list[tuple[str, str]] = []  # (AND or NOT, FTS5 expression)
    pending_or = False
    count = 0
    for m in _TOKEN.finditer(query):
        negate, quoted, bare = m.group(1), m.group(2), m.group(3)
        if bare == "OR":
            pending_or = bool(parts)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negate, bare = "-", bare[1:]
        term = _term(quoted if quoted is not None else bare)
        if term is None:
            continue
        count += 1
        if count > _MAX_TERMS:
            break
        if negate:
            parts.append(("NOT", term))
        elif pending_or and parts and parts[-1][0] != "NOT":
            parts[-1] = ("AND", f"({parts[-1][1]} OR {term})")
        else:
            parts.append(("AND", term))
        pending_or = False
    positive = [t for op, t in parts if op == "AND"]
    if not positive:
        return None  # FTS5 cannot search for "not X" alone
    expr = " AND ".join(positive)
    for op, term in parts:
        if op == "NOT":
            expr = f"({expr}) NOT {term}"
    return expr
