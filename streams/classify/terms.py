"""Every distinct term of a rule set, and the automaton patterns that find it.

A term as an editor wrote it ("retas", "Kim Jong-un", "hack*", "북한") becomes
one key; its patterns are the folded forms the scan text can contain (prefixed
Indonesian stems, a hyphen-less variant). Patterns shared by many rules are
stored once, so 10,000 rules cost one automaton pass.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import ahocorasick_rs

from pantau.streams.classify.morphology import expands, indonesian_stems, is_hangul
from pantau.streams.classify.text import fold_term

__all__ = ["WILD", "SUFFIX", "PARTICLE", "Automaton", "TermTable", "CompileError", "accent_form", "ACCENTED"]

ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")
"""Latin letters with diacritics: Vietnamese tones, đ, Indonesian loan accents (é)."""
_NON_WORD = re.compile(r"[\W_]+")


def accent_form(text: str) -> str:
    """``text`` case-folded with its accents kept, punctuation as single spaces ("Triều Tiên" -> "triều tiên")."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


WILD, SUFFIX, PARTICLE = 1, 2, 4
"""How a hit may continue past the term: any letters, an Indonesian/English suffix, a Korean particle."""


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
    accents: dict[int, frozenset[str] | None] = field(default_factory=dict)
    """Key -> the accented spellings its terms were written with; None when one was written without accents.

    Folding makes "giả" (fake) find "giá" (price) and "Triều Tiên" find
    "triệu tiền" (a million dong); in text typed with accents, such a hit must
    carry the accents the editor wrote (see ``RuleSet`` accent check).
    """

    def key_for(self, written: str, exact: bool) -> int:
        """The key id of a term as an editor wrote it (``retas*``, ``Kim Jong-un``)."""
        known = self.written.get((written, exact))
        if known is not None:
            return known
        key = self._new_key(written, exact)
        self.written[(written, exact)] = key
        body = written.rstrip("*").strip()
        if ACCENTED.search(body) and self.accents.get(key, frozenset()) is not None:
            self.accents[key] = (self.accents.get(key) or frozenset()) | {accent_form(body)}
        else:
            self.accents[key] = None  # written (also) without accents: any spelling will do
        return key

    def _new_key(self, written: str, exact: bool) -> int:
        wildcard = written.endswith("*")
        body = written.rstrip("*").strip()
        folded = fold_term(body)
        if not folded or not any(ch.isalnum() for ch in folded):
            raise CompileError(f"term {written!r} has no letters or digits", hint="write a word or a phrase")
        if "*" in body:
            raise CompileError(f"'*' only works at the end of a term: {written!r}", hint="write retas* (a prefix)")
        words = folded.split(" ")
        # single words get prefixed forms and suffixes; a phrase stays a phrase,
        # but its last word may take a suffix ("data breaches", "serangan sibernya")
        morph = not exact and expands(words[-1])
        ident = (folded, wildcard, morph)
        if ident in self.keys:
            return self.keys[ident]
        key = len(self.labels)
        self.keys[ident] = key
        self.labels.append(body + ("*" if wildcard else ""))
        flags = WILD if wildcard else (SUFFIX if morph else 0)
        if is_hangul(folded[-1]) and not wildcard:
            flags |= PARTICLE
        single = len(words) == 1
        forms = set(indonesian_stems(folded)) if single and (morph or (wildcard and expands(folded))) else {folded}
        if "-" in body:
            forms.add(fold_term(body.replace("-", "")))  # Jong-un also as Jongun
        for form in forms:
            self.patterns.setdefault(form, []).append((flags, key))
        return key

    def accented(self) -> dict[int, frozenset[str]]:
        """The keys whose hits must keep their accents in accented text, with their spellings."""
        return {k: v for k, v in self.accents.items() if v}

    def automaton(self) -> Automaton:
        """One automaton over every pattern; values are (length, closed, ((flags, key), ...), shared flags).

        Patterns start with a space (the folded text puts one before every
        word), so the left word boundary costs nothing per hit. Terms that
        must end where the word ends also carry the trailing space ("closed");
        wildcards, suffixes and particles are checked per hit instead.
        """
        patterns: list[str] = []
        values: list[tuple[int, bool, tuple[tuple[int, int], ...], int]] = []
        for form, entries in self.patterns.items():
            closed = [e for e in entries if not e[0]]
            open_ = [e for e in entries if e[0]]
            if closed:
                patterns.append(f" {form} ")
                values.append((len(form) + 2, True, tuple(closed), 0))
            if open_:
                # flags shared by every entry let the scan test the word's rest once
                shared = open_[0][0] if len({e[0] for e in open_}) == 1 else 0
                patterns.append(f" {form}")
                values.append((len(form) + 1, False, tuple(open_), shared))
        return Automaton(patterns, values)


class Automaton:
    """Every pattern of a rule set in one Aho-Corasick automaton, with each pattern's value.

    The automaton is ahocorasick_rs (Rust's aho-corasick), which returns character offsets into
    the str, as the scan needs. Measured on the shipped rules and ~3 KB articles (one run, same
    matches on 4,085 articles): the raw pass 17.7 vs 20.5 us with pyahocorasick, classification
    0.048 vs 0.059 ms per article (hits come back as plain tuples, values are looked up once).

    A second automaton over the patterns' UTF-8 bytes scans ASCII text: there byte offsets are character
    offsets, and the str automaton's conversion of every offset (a walk over the text) is saved, 15.6 ->
    13.6 us for the bench's ~3 KB articles (round 13). Folded text is ASCII unless it has letters without an
    ASCII base (Korean, Thai...), and a pattern with other bytes cannot occur in ASCII text, so both
    automata find the same (pattern index, start, end) there.
    """

    __slots__ = ("_ac", "_bytes", "values")

    def __init__(self, patterns: list[str], values: list[tuple[int, bool, tuple[tuple[int, int], ...], int]]) -> None:
        self.values = tuple(values)
        self._ac = ahocorasick_rs.AhoCorasick(patterns) if patterns else None
        self._bytes = ahocorasick_rs.BytesAhoCorasick([p.encode("utf-8") for p in patterns]) if patterns else None

    def __len__(self) -> int:
        return len(self.values)

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every pattern, overlapping: (pattern index, start, end), by end position."""
        if self._ac is None or self._bytes is None:
            return []
        if text.isascii():
            return self._bytes.find_matches_as_indexes(text.encode("ascii"), overlapping=True)
        return self._ac.find_matches_as_indexes(text, overlapping=True)
