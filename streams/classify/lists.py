"""Enumerations: whether a hit is one name in a list of many ("Jepang, Iran, Korea Utara, dan Kuba").

A medal table, a group draw, a passport ranking or a "countries without a
McDonald's" listicle names North Korea (or ASEAN among other blocs) as one
item of a list; the story is about the list. A sense with ``in_list: N``
voids such hits, whatever the other names are: no list of countries has to
be kept, in any language.

An item is name-like: at most ``MAX_ITEM_WORDS`` words, starting with a
capital (or in a script without case, such as Hangul). Items are separated by
commas or by "and" in the four languages (dan, serta, and, và, 및 ...), within
one sentence. Capitals keep ordinary prose out: "Korea Utara dan Rusia
menandatangani pakta, kata KCNA, Selasa" has commas, but "kata KCNA" is not
a name, so the run stops there.

The hit's own item may carry the sentence's lead-in or its verb ("followed by
Japan, ..., and North Korea"; "Iran, Suriah, dan Korea Utara masih dikenai
sanksi"): when it is longer, the hit must sit at its edge, next to the rest
of the list. Likewise, once three names make a list, the long items that
open or close it count when their edge word is a name ("... nations such as
Yemen, Eritrea, North Korea and Syria are ...").

A list can also be written one item a line: a city's agenda ("3. Menlu menerima
Sekjen ASEAN, pukul 11.00"), a markets week ahead ("TUESDAY: ASEAN economic
ministers meet"), a digest. ``list_line_neighbour`` finds such a line: it
opens with a number, a bullet or a short label and a colon, and at least N
such lines follow one another (blank lines between them allowed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["list_neighbour", "list_line_neighbour", "MAX_ITEM_WORDS"]

MAX_ITEM_WORDS = 4
_REACH = 600  # characters searched on each side of the hit: bounded on hostile input
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[;:\n\u2013\u2014]")
_AND = r"(?:dan|serta|atau|and|or|&|và|hoặc|cùng|및)"
# The lookahead says what both alternatives start with: the regex tries them only there (same matches, ~30 %
# cheaper over a long sentence).
_SEPARATOR = re.compile(rf"(?=[\s,\u3001\uff0c/])(?:\s*[,\u3001\uff0c/]\s*(?:{_AND}\s+)?|\s+{_AND}\s+)", re.IGNORECASE)
_LEADING = re.compile(r"^[\s\"'“‘(\[]+")


def _name_like(item: str) -> bool:
    """A short item starting with a capital, a digit-free letter of a caseless script, or a quote."""
    words = item.split()
    if not words or len(words) > MAX_ITEM_WORDS:
        return False
    first = _LEADING.sub("", item)[:1]
    return bool(first) and first.isalpha() and (first.isupper() or not first.islower())


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence around [start, end): no break crossed, at most _REACH away."""
    lo = max(0, start - _REACH)
    left = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        left = m.end()
    right_m = _SENTENCE_END.search(text, end, min(len(text), end + _REACH))
    right = right_m.start() if right_m else min(len(text), end + _REACH)
    return left, right


def _items(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans of the items of text[lo:hi], separators and surrounding spaces left out."""
    spans: list[tuple[int, int]] = []
    pos = lo
    for m in _SEPARATOR.finditer(text, lo, hi):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, hi))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def list_neighbour(text: str, start: int, end: int, min_items: int) -> tuple[int, int] | None:
    """The span of a neighbouring item when text[start:end] is one of at least ``min_items`` listed names.

    ``text`` is the original field; None when the hit is not in such a list.
    """
    lo, hi = _sentence(text, start, end)
    items = _items(text, lo, hi)
    if len(items) < min_items:
        return None
    mine = next((i for i, (a, b) in enumerate(items) if a <= start and end <= b), None)
    if mine is None:
        return None  # a separator inside the hit ("Trinidad and Tobago" as the term)
    a, b = items[mine]
    if _name_like(text[a:b]):
        left_ok = right_ok = True
    else:
        right_ok = not text[end:b].strip(" \"'”’)")  # the hit ends its item: the list goes on to the right
        left_ok = not text[a:start].strip(" \"'“‘(")  # the hit opens its item: the list came before
        if not (left_ok or right_ok):
            return None
    count, near, ends = 1, None, []
    if left_ok:
        i = mine - 1
        while i >= 0 and _name_like(text[items[i][0] : items[i][1]]):
            near = near or items[i]
            count, i = count + 1, i - 1
        if i >= 0:
            ends.append(text[items[i][0] : items[i][1]].split()[-1])  # "followed by Japan": its last word
    if right_ok:
        i = mine + 1
        while i < len(items) and _name_like(text[items[i][0] : items[i][1]]):
            near = near or items[i]
            count, i = count + 1, i + 1
        if i < len(items):
            ends.append(text[items[i][0] : items[i][1]].split()[0])  # "Kuba dianggap ...": its first word
    if count >= 3:  # a list already: the names that open or close it count too
        count += sum(1 for word in ends if len(word) > 1 and _name_like(word))  # not a group's letter
    return near if count >= min_items else None


_LIST_LINE = re.compile(
    r"\s*(?:\d{1,2}[.)]|[-\u2013\u2022*\u00b7\u25b2\u25b6\u25b7\u25ba\u25b3\u25c6\u25c7\u25cb\u25cf\u25a1\u25a0\u25aa]"
    r"|(?:[^\W\d_][\w'\u2019]*[ \t]?){1,3}:)(?:\s|(?=\d{1,2}[:.]\d{2}\s))"
)
"""A line that opens like a list item: "3. ", "- ", "• ", "▲ ", "TUESDAY: ", "Thứ Hai: " (at most three label words),
or a bullet glued to a time ("-10:00 국회 본회의")."""
_LINE_REACH = 3000  # characters searched on each side of the hit's line: bounded on hostile input
_PROSE_WORDS = 35
"""A line this long is a paragraph, not an item: a speaker's turn in a transcript ("NARASUMBER: ..."), a Q&A's
answer ("Đáp: ..."). An agenda's or a week ahead's items run to about 30 words at most."""
_KO_SENTENCE_END = re.compile(r"(?:다|함|음|임)[.\"'\u201d\u2019)]*\s*$")
"""A Korean line that ends a sentence (밝혔다., 합의하였다., 점검함) is a release's paragraph under a bullet (■, □),
not a digest's or an agenda's item (△ 아세안 경제장관회의 개막, ▲ 11:00 사무총장 접견)."""


def _is_list_line(text: str, lo: int, hi: int) -> bool:
    m = _LIST_LINE.match(text, lo, hi)
    if m is None:
        return False
    line = text[m.end() : hi]
    return len(line.split()) < _PROSE_WORDS and _KO_SENTENCE_END.search(line) is None


def list_line_neighbour(text: str, start: int, min_lines: int) -> tuple[int, int] | None:
    """The span of a neighbouring list line when the hit at ``start`` sits on one of ``min_lines`` list lines
    in a row (blank lines between them allowed); None otherwise. ``text`` is the original field."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", start)
    hi = len(text) if hi < 0 else hi
    if not _is_list_line(text, lo, hi):
        return None
    count, near = 1, None
    for lines in (_lines_above(text, lo), _lines_below(text, hi)):
        for begin, end in lines:
            if count >= min_lines:
                break
            if not text[begin:end].strip():
                continue
            if not _is_list_line(text, begin, end):
                break
            near = near or (begin, end)
            count += 1
    return near if count >= min_lines else None


def _lines_above(text: str, lo: int) -> Iterator[tuple[int, int]]:
    """(begin, end) of each line above the one starting at ``lo``, nearest first, within ``_LINE_REACH``."""
    pos = lo
    while pos > 0 and lo - pos < _LINE_REACH:
        end = pos - 1
        pos = text.rfind("\n", 0, end) + 1
        yield pos, end


def _lines_below(text: str, hi: int) -> Iterator[tuple[int, int]]:
    """(begin, end) of each line below the one ending at ``hi``, nearest first, within ``_LINE_REACH``."""
    pos = hi
    while pos < len(text) and pos - hi < _LINE_REACH:
        begin = pos + 1
        pos = text.find("\n", begin)
        pos = len(text) if pos < 0 else pos
        yield begin, pos
