"""Names and numbers read from text: what streams/crosslang.py's fingerprint keeps of an article.

Entities are capitalised words and acronyms (a word is a run of letters,
digits, apostrophes and hyphens, from its first letter), minus capitalised
function words, with a few country and organisation names mapped to one form
across languages ("Korea Utara" = "North Korea"). A word capitalised only at
the start of a sentence (after ``. ! ? : ;``, a quote and a space, or a line
break) counts only if it is capitalised elsewhere too. Numbers drop their
separators ("5.000" = "5,000") and one-digit numbers are ignored.

This runs for every matched article, so it reads the text in as few passes as
the rules allow, and gives exactly what reading it word by word gives
(tests/streams/test_entities.py compares both on real and random text):

- only capitalised words are visited: a regex whose first character is any
  capital letter of the Basic Multilingual Plane finds them (a text with a
  character beyond it takes the word-by-word path), and the few hits whose
  word really starts with a lower-case letter ("eBay") are dropped by looking
  back to the start of the word;
- whether a word starts a sentence is decided by looking back from it, not by
  listing every sentence boundary of the text;
- the multi-word names are searched only when the lower-cased text contains
  the first word of one of them (exact while the text holds none of the four
  characters that match an ASCII letter only when case is ignored: İ ı ſ K).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

__all__ = ["entities", "numbers", "ALIASES", "STOP"]

_RUN_EXTRA = "'’-"
"""Besides word characters, what a word may contain (O'Brien, Kim Jong-un)."""
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")
_NOT_NUMBER = str.maketrans({c: " " for c in range(128) if chr(c) not in "0123456789.,"})
_PUNCT = '.!?:;"“”'
"""Followed by white space, these end a sentence (as does a line break)."""
# Capitalised function words and generic title words, Indonesian and English: never entities.
STOP = frozenset(
    """
a an the in on at of for to from by with and or but not no as is are was were be been this that these those it its
he she they we you i his her their our after before over under about into during since until while when where who what
why how new says said say will would could may might also than then there here more most one two three
di ke dari pada untuk dengan dan atau yang ini itu tidak bukan akan telah sudah dalam oleh bagi sebagai karena
setelah sebelum saat ketika juga namun tetapi bahwa para kata menurut hari senin selasa rabu kamis jumat sabtu
minggu monday tuesday wednesday thursday friday saturday sunday januari februari maret april mei juni juli agustus
september oktober november desember january february march may june july august october december pukul jam
baca berita news report update breaking terkini
""".split()
)
ALIASES = {
    "korea utara": "north korea",
    "korut": "north korea",
    "korea selatan": "south korea",
    "korsel": "south korea",
    "amerika serikat": "united states",
    "as": "united states",
    "us": "united states",
    "usa": "united states",
    "tiongkok": "china",
    "cina": "china",
    "jepang": "japan",
    "rusia": "russia",
    "filipina": "philippines",
    "malaysia": "malaysia",
    "singapura": "singapore",
    "thailand": "thailand",
    "vietnam": "vietnam",
    "laut cina selatan": "south china sea",
    "laut china selatan": "south china sea",
    "perserikatan bangsa-bangsa": "united nations",
    "pbb": "united nations",  # not "UN": Kim Jong Un
    # English multi-word names map to themselves, so their words are not counted apart.
    "north korea": "north korea",
    "south korea": "south korea",
    "united states": "united states",
    "south china sea": "south china sea",
    "united nations": "united nations",
}
_MULTI = sorted((k for k in ALIASES if " " in k), key=len, reverse=True)
_BY_FIRST = {first: [k for k in _MULTI if k.split()[0] == first] for first in sorted({k.split()[0] for k in _MULTI})}
# The look-ahead lets the regex engine skip positions no name can start at (same matches, in half the time).
_MULTI_RE = re.compile(
    r"(?=[" + "".join(sorted({w[0] for w in _BY_FIRST})) + r"])\b(?:" + "|".join(map(re.escape, _MULTI)) + r")\b",
    re.IGNORECASE,
)
CASELESS_ASCII = "\u0130\u0131\u017f\u212a"
"""The non-ASCII characters that match an ASCII letter when case is ignored (Python's re documentation)."""
# Either kind sends a text down the word-by-word paths (emoji are beyond the BMP: rare in news, and still exact).
_UNUSUAL = re.compile(f"[{CASELESS_ASCII}\U00010000-\U0010ffff]")


@cache
def _capital_re() -> re.Pattern[str]:
    """A capital letter of the BMP, then the rest of its word (a class beyond the BMP makes re ten times slower)."""
    capitals = [c for c in map(chr, range(0x10000)) if c.isupper() and c.isalnum() and not c.isdecimal()]
    ranges: list[list[int]] = []
    for code in map(ord, capitals):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    spans = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{spans}][\\w{_RUN_EXTRA}]*")


@lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[str, str, bool] | None:
    """(folded, entity, acronym) for a capitalised word; None when it is never an entity (too short, a stop word)."""
    word = word.removesuffix("'s").removesuffix("’s").strip("'’-")
    if len(word) < 2:
        return None
    folded = fold(word)
    if folded in STOP:
        return None
    return folded, ALIASES.get(folded, folded), word.isupper()


def fold(text: str) -> str:
    """Case-folded, accents removed: the form entities are compared in."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def _word_start(text: str, at: int) -> bool:
    """Whether the letter at ``at`` is the first letter of its word (only digits, _ ' ’ - before it in the word)."""
    i = at - 1
    while i >= 0:
        c = text[i]
        if c in _RUN_EXTRA or c == "_" or c.isdecimal():
            i -= 1
        else:
            return not c.isalnum()  # a letter before it: inside a word; anything else: the word starts here
    return True


def _sentence_start(text: str, at: int) -> bool:
    """Whether a word at ``at`` opens a sentence: text start, a line break, or end punctuation and white space."""
    if at == 0:
        return True
    i = at - 1
    if not text[i].isspace():
        return False
    if text[i] == "\n":
        return True
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and text[i] in _PUNCT


def _capitalised(text: str, unusual: bool) -> Iterator[re.Match[str]]:
    """Capitalised words, and (unless the text is ``unusual``) capitals inside words: check ``_word_start``."""
    if unusual:
        return (m for m in _WORD.finditer(text) if m.group()[0].isupper())
    return _capital_re().finditer(text)


def _multi_names(text: str, unusual: bool) -> list[str]:
    """The multi-word names in ``text`` as written (``Korea Utara``), as ``_MULTI_RE.findall`` lists them."""
    if unusual:
        return _MULTI_RE.findall(text)
    # Without those four characters, ignoring case is lower-casing. A name starts where its first word does:
    # try the names there, longest first (the regex's order), each between word boundaries, left to right.
    lower = text.lower()
    starts = []
    for first, names in _BY_FIRST.items():
        at = lower.find(first)
        while at >= 0:
            starts.append((at, names))
            at = lower.find(first, at + 1)
    found, end = [], 0
    for at, names in sorted(starts):
        if at < end or (at and _is_word(text[at - 1])):
            continue
        for name in names:
            after = at + len(name)
            if lower.startswith(name, at) and (after == len(text) or not _is_word(text[after])):
                found.append(text[at:after])
                end = after
                break
    return found


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _name(found: str) -> str:
    """The multi-word name a match stands for (its alias key)."""
    key = fold(found)
    if key in ALIASES:
        return key
    # Matched only with case ignored through a dotless ı ("Unıted States"), which folding keeps: look it up so.
    return next(k for k in _MULTI if re.fullmatch(re.escape(k), found, re.IGNORECASE))


def entities(text: str) -> set[str]:
    """The named entities of ``text``, folded, aliases mapped to one form."""
    found: set[str] = set()
    taken: set[str] = set()  # words of multi-word names found, not counted again alone
    unusual = not text.isascii() and _UNUSUAL.search(text) is not None
    for written in set(_multi_names(text, unusual)):
        found.add(ALIASES[_name(written)])
        taken.update(fold(written).split())
    # A word capitalised only where a sentence starts is not a name (unless an acronym); once seen elsewhere, it is.
    middle: set[str] = set()
    for m in _capitalised(text, unusual):
        word = _word_key(m.group())  # the same words recur: their reading is remembered
        if word is None or word[0] in taken or word[1] in middle:
            continue
        at = m.start()
        if at and not _word_start(text, at):
            continue
        if word[2] or not _sentence_start(text, at):
            middle.add(word[1])
    return found | middle


def numbers(text: str) -> set[str]:
    """The numbers of two or more digits in ``text``, separators and leading zeros dropped."""
    # In ASCII text a number is a run of digits and separators (from its first digit to its last, which
    # dropping the separators does not need): a translation and a split find them without the regex.
    runs = text.translate(_NOT_NUMBER).split() if text.isascii() else _NUMBER.findall(text)
    out = set()
    for run in runs:
        digits = run.replace(".", "").replace(",", "").lstrip("0")
        if len(digits) >= 2:
            out.add(digits)
    return out
