"""Entities and numbers read in few passes are exactly what reading the text word by word gives."""

from __future__ import annotations

import random
import re
import sys

import pytest

from pantau.streams import entities as E
from pantau.streams.entities import ALIASES, STOP, entities, fold, numbers

# The rules as first written (and measured on the hand-written pairs): every word, every sentence boundary.
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n)")
_MULTI = sorted((k for k in ALIASES if " " in k), key=len, reverse=True)
_MULTI_RE = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in _MULTI) + r")\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")


def _name(found: str) -> str:
    # First written as fold(found), which raised KeyError on "Unıted States" (ı matches i, folds to itself).
    return next(k for k in _MULTI if re.fullmatch(re.escape(k), found, re.IGNORECASE))


def reference_entities(text: str) -> set[str]:
    found: set[str] = set()
    taken: set[str] = set()
    for written in set(_MULTI_RE.findall(text)):
        found.add(ALIASES[_name(written)])
        taken.update(fold(written).split())
    starts = {m.end() for m in _SENTENCE.finditer(text)}
    initial: set[str] = set()
    middle: set[str] = set()
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not word[0].isupper():
            continue
        word = word.removesuffix("'s").removesuffix("’s").strip("'’-")
        if len(word) < 2:
            continue
        key = fold(word)
        if key in STOP or key in taken:
            continue
        key = ALIASES.get(key, key)
        (initial if m.start() in starts and not word.isupper() else middle).add(key)
    return found | middle | (initial & middle)


def reference_numbers(text: str) -> set[str]:
    out = set()
    for m in _NUMBER.finditer(text):
        digits = m.group(0).replace(".", "").replace(",", "").lstrip("0")
        if len(digits) >= 2:
            out.add(digits)
    return out


# Pieces that exercise every rule: names, aliases in both languages, sentence ends, quotes, words that
# start with digits, apostrophes or hyphens, capitals inside words, the characters that match ASCII
# letters only when case is ignored, a letter beyond the BMP, combining accents, separators in numbers.
_PIECES = [
    "Korea Utara",
    "korea selatan",
    "NORTH KOREA",
    "South China Sea",
    "Laut China Selatan",
    "Perserikatan Bangsa-Bangsa",
    "Amerika Serikat",
    "AS",
    "PBB",
    "Kim Jong-un",
    "O'Brien",
    "Jakarta's",
    "eBay",
    "iPhone",
    "3D",
    "_Foo",
    "1Abc",
    "x-Ray",
    "-Bar",
    "'Quoted'",
    "“Kutipan”",
    "ſouth korea",
    "North Korea Utara",
    "south korea selatan",
    "Un\u0131ted States",
    "\u017fouth China Sea",
    "\u212aorea Utara",
    "\u0130stanbul",
    "\u0131ndonesia",
    "\U0001d400lpha",
    "Hà Nội",
    "Tra\u0301i",
    "Ⅻ Roman",
    "Ⓐ",
    "²Foo",
    "Rp 5.000",
    "5,000",
    "2026",
    "07",
    "1.500 km",
    "Polri",
    "Presiden",
    "Senin",
    "Baca",
    "The",
    "Di",
    "Singapura",
    "tiongkok",
    "Lazarus",
    "ASEAN",
    ". ",
    "! ",
    "? ",
    ": ",
    "; ",
    "\n",
    "\n\n",
    "  ",
    " ",
    " ",
    "\t",
    ", ",
    '" ',
    ". \n ",
    "",
    "-",
    "'",
    "_",
    "9",
]


def _random_texts(n: int, seed: int = 9, *, ascii_only: bool = False) -> list[str]:
    rng = random.Random(seed)
    pieces = [p for p in _PIECES if p.isascii()] if ascii_only else _PIECES
    return [
        "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "."]) for _ in range(rng.randrange(1, 60)))
        for _ in range(n)
    ]


def test_entities_and_numbers_are_the_word_by_word_readings_on_random_text():
    for text in _random_texts(3000) + _random_texts(1000, ascii_only=True):
        assert entities(text) == reference_entities(text), text
        assert numbers(text) == reference_numbers(text), text


def test_a_name_matched_through_a_dotless_i_is_the_name_not_an_error():
    assert entities("Pejabat Un\u0131ted States dan \u017fouth Korea bertemu") == {"united states", "south korea"}


def test_entities_are_the_word_by_word_readings_on_real_articles(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert entities(text) == reference_entities(text)
        assert entities(text)  # real news names someone
        assert numbers(text) == reference_numbers(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Pejabat Korea Utara bertemu Presiden Prabowo di Jakarta.", {"north korea", "presiden", "prabowo", "jakarta"}),
        ("Polisi menangkap Budi. Kata Polisi, Budi ditahan.", {"polisi", "budi"}),  # capitalised elsewhere too
        ("Kemarin hujan. Budi pulang.", set()),  # capitalised only where a sentence starts: not names
        ("eBay dan iPhone dijual di Jakarta", {"jakarta"}),  # a capital inside a word does not make a name
    ],
)
def test_entities_follow_the_rules_on_small_cases(text, expected):
    assert entities(text) == expected == reference_entities(text)


def test_the_caseless_ascii_characters_are_all_there_are():
    # Python's re matches these four, and only these, non-ASCII characters to ASCII letters under IGNORECASE.
    letters = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(c) for c in range(128, sys.maxunicode + 1) if letters.fullmatch(chr(c))}
    assert found == set(E.CASELESS_ASCII)
    # Lower-casing keeps every other character one character long (so positions in the lower-cased text hold).
    assert all(len(chr(c).lower()) == 1 for c in range(sys.maxunicode + 1) if chr(c) not in E.CASELESS_ASCII)
