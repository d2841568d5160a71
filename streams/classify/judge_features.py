"""The judge's features: hashed character and word n-grams of a text, computed by one compiled loop.

The judge used scikit-learn's HashingVectorizer, which builds every n-gram as a Python string and
hashes it one at a time: 3.8 ms per article for the veto, three quarters of all classification
cost. Here every n-gram's hash is a polynomial hash of its code points modulo 2**64 (then
multiply-shift into the feature space), computed for every word, word pair and character n-gram
in one pass over the text: round 8 did it with numpy prefix sums, round 9 with a numba kernel
(judge_kernel.py; the same indices bit for bit, a fifth of the cost). Training (judge_train.py) and
serving (judge.py) call the same function, so the model always sees the features it learned from.

What is read: the text lowercased, every run of characters that are not letters or digits made
one space. Character n-grams (2-5) stay inside a word and its two edges, as "char_wb" did; word
n-grams are words and each pair of neighbouring words. The two kinds hash into separate halves of
the feature space. The judge alone reads the word n-grams of the lead (the words that end within
its first characters); an article read by both models gets both from one pass (``grams_and_lead``).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from scipy import sparse

from pantau.streams.classify import judge_kernel

__all__ = [
    "FEATURES",
    "FEATURE_BITS",
    "WIDTH",
    "grams",
    "lead_grams",
    "grams_and_lead",
    "lead_scores",
    "warm",
    "count_rows",
]

FEATURES = "pantau-ngrams-2"
"""Names this featuriser in model files: a model made by another one is refused (judge.load_judge)."""

FEATURE_BITS = 18
HALF = 1 << FEATURE_BITS
WIDTH = 2 * HALF
"""Word n-grams hash into [0, HALF), character n-grams into [HALF, WIDTH): the judge alone reads words only."""
CHAR_ORDERS = (2, 3, 4, 5)

_BASE = int(judge_kernel.BASE)  # odd: every code point changes the hash
_MIX = judge_kernel.MIX  # multiply-shift: the top bits of an odd multiple
_SHIFT = 64 - FEATURE_BITS
_ORDERS = np.array(CHAR_ORDERS, dtype=np.int64)
_WORDS_ONLY = np.empty(0, dtype=np.int64)


def _word_chars() -> np.ndarray:
    """For each code point: is it part of a word (a letter, digit or mark)? Beyond the BMP (emoji...): no."""
    every = "".join(map(chr, range(0x10000))).encode("utf-32-le", "surrogatepass").decode("utf-32-le", "replace")
    # One regex pass marks letters and digits (what \w means, without "_"), far faster than 65,536 calls.
    marked = np.frombuffer(_LETTER_OR_DIGIT.sub("\x01", every).encode("utf-32-le"), dtype=np.uint32) == 1
    marked[1] = False  # U+0001 itself is no letter
    # Combining marks (Vietnamese typed decomposed, Thai vowels) stay inside their word.
    marked[[i for i in range(0x10000) if unicodedata.category(chr(i)) in ("Mn", "Mc")]] = True
    return np.concatenate((marked, np.zeros(0x110000 - 0x10000, dtype=bool)))


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_WORD = _word_chars()


def _codes(text: str, cap: int) -> np.ndarray:
    """The first ``cap`` characters of ``text`` lowercased, with a space before and after, as code points."""
    return np.frombuffer(f" {text[:cap].lower()} ".encode("utf-32-le"), dtype=np.uint32)


def grams(text: str, cap: int, *, chars: bool = True, orders: tuple[int, ...] = CHAR_ORDERS) -> np.ndarray:
    """The feature indices of every n-gram of the first ``cap`` characters of ``text`` (a repeated n-gram repeats).

    Word n-grams (1-2) always, in [0, HALF); character n-grams (``orders``, within words) only when ``chars``,
    in [HALF, WIDTH).
    """
    wanted = (_ORDERS if orders == CHAR_ORDERS else np.array(sorted(orders), dtype=np.int64)) if chars else _WORDS_ONLY
    return judge_kernel.featurise(_codes(text, cap), _WORD, -1, wanted, _SHIFT, HALF)[0]


def lead_grams(text: str, lead: int) -> np.ndarray:
    """The word n-grams (1-2) of the words that end within the first ``lead`` characters of ``text``.

    What ``grams_and_lead`` gives as its second part, reading no more than the lead (a word cut by the
    lead is left out, so a longer read finds the same words).
    """
    return _grams(text, lead + 1, _WORDS_ONLY, lead)[1]


def grams_and_lead(text: str, cap: int, lead: int) -> tuple[np.ndarray, np.ndarray]:
    """``grams(text, cap)`` and ``lead_grams(text, lead)`` from one pass over the text (``lead`` < ``cap``).

    The judge's veto reads characters and words of ``cap`` characters, its alone model the words of the lead: an
    article with a weak rule match and other topics to judge alone needs both, and the lead's words are a
    subset of the veto's, so they are picked out instead of normalised and hashed again.
    """
    return _grams(text, cap, _ORDERS, lead)


def _grams(text: str, cap: int, orders: np.ndarray, lead: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram indices of ``grams`` and those of ``lead_grams`` from one kernel call.

    The lead's end is counted in lowered characters (lower() may lengthen one: "İ"), past the leading space.
    """
    end = len(text[:lead].lower())
    index, in_lead = judge_kernel.featurise(_codes(text, cap), _WORD, end, orders, _SHIFT, HALF)
    return index, in_lead


def lead_scores(texts: list[str], lead: int, table: np.ndarray, bias: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """``judge_kernel.score`` of each text's ``lead_grams(text, lead)``, one row per text, from one kernel call.

    The texts are cut, lowered and padded as ``lead_grams`` does one by one, laid end to end in one array.
    """
    pieces = [f" {text[: lead + 1].lower()} " for text in texts]
    codes = np.frombuffer("".join(pieces).encode("utf-32-le"), dtype=np.uint32)
    starts = np.zeros(len(pieces) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)), out=starts[1:])
    ends = np.fromiter((len(text[:lead].lower()) for text in texts), dtype=np.int64, count=len(texts))
    rows: np.ndarray = judge_kernel.lead_scores(codes, starts, ends, _WORD, _SHIFT, HALF, table, bias, scratch)
    return rows


def warm() -> None:
    """Compile (or load from the cache) the kernels now, so that the first article does not wait for them."""
    grams_and_lead("warm up", 10, 5)
    grams("warm up", 10, orders=(3,))
    lead_scores(["warm up"], 5, np.zeros((HALF, 2), dtype=np.float32), np.zeros(1), np.zeros(HALF, dtype=np.int32))


def count_rows(rows: list[np.ndarray], width: int = WIDTH) -> sparse.csr_matrix:
    """One row of n-gram counts per array of feature indices (duplicates counted), ``width`` columns."""
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    which = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    cols = np.concatenate(rows) if rows else np.empty(0, dtype=np.uint64)
    data = np.ones(len(cols), dtype=np.float64)
    counts = sparse.csr_matrix((data, (which, cols.astype(np.int64))), shape=(len(rows), width))
    counts.sum_duplicates()
    return counts
