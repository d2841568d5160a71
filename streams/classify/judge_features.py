"""The judge's features: hashed character and word n-grams of a text, computed in bulk with numpy.

The judge used scikit-learn's HashingVectorizer, which builds every n-gram as a Python string and
hashes it one at a time: 3.8 ms per article for the veto, three quarters of all classification
cost. Here the text becomes one array of code points and every n-gram's hash comes from a rolling
polynomial hash over it (prefix sums modulo 2**64, so a substring's hash is two lookups and a
multiply), for every n-gram order at once. Training (judge_train.py) and serving (judge.py) call
the same function, so the model always sees the features it learned from.

What is read: the text lowercased, every run of characters that are not letters or digits made
one space. Character n-grams (2-5) stay inside a word and its two edges, as "char_wb" did; word
n-grams are words and each pair of neighbouring words. The two kinds hash into separate halves of
the feature space. The judge alone reads the word n-grams of the lead (the words that end within
its first characters); an article read by both models gets both from one pass (``grams_and_lead``).
"""

from __future__ import annotations

import re
import threading
import unicodedata

import numpy as np
from scipy import sparse

__all__ = [
    "FEATURES",
    "FEATURE_BITS",
    "WIDTH",
    "normalise",
    "grams",
    "lead_grams",
    "grams_and_lead",
    "tally",
    "count_rows",
]

FEATURES = "pantau-ngrams-2"
"""Names this featuriser in model files: a model made by another one is refused (judge.load_judge)."""

FEATURE_BITS = 18
HALF = 1 << FEATURE_BITS
WIDTH = 2 * HALF
"""Word n-grams hash into [0, HALF), character n-grams into [HALF, WIDTH): the judge alone reads words only."""
CHAR_ORDERS = (2, 3, 4, 5)

_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_BASE_INV = pow(_BASE, -1, 2**64)
_SHIFT = np.uint64(64 - FEATURE_BITS)
_MIX = np.uint64(0xBF58476D1CE4E5B9)  # multiply-shift: the top bits of an odd multiple
_HALF_U = np.uint64(HALF)


def _powers(base: int, n: int) -> np.ndarray:
    """base**0 .. base**(n-1) modulo 2**64 (numpy's uint64 products wrap, which is the modulus wanted)."""
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    step = np.uint64(base)
    with np.errstate(over="ignore"):
        for i in range(1, n):
            out[i] = out[i - 1] * step
    return out


_INV = _powers(_BASE_INV, 4096)
_POW_MIX = _powers(_BASE, 4096) * _MIX  # base**i times the multiply-shift constant, folded in once
_POW_MIX_BEFORE = np.concatenate(([np.uint64(0)], _POW_MIX[:-1]))  # [i]: base**(i-1) times the constant
_START = np.arange(4096, dtype=np.int64)
_ZERO = np.zeros(1, dtype=np.uint64)
_ORDERS = np.array(CHAR_ORDERS, dtype=np.int64)[:, None]


def _grow(n: int) -> None:
    """Make the power tables long enough for a text of ``n`` code points."""
    global _POW_MIX, _POW_MIX_BEFORE, _INV, _START
    if n > len(_INV):
        _INV, _START = _powers(_BASE_INV, 2 * n), np.arange(2 * n, dtype=np.int64)
        with np.errstate(over="ignore"):
            _POW_MIX = _powers(_BASE, 2 * n) * _MIX
        _POW_MIX_BEFORE = np.concatenate(([np.uint64(0)], _POW_MIX[:-1]))


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
_SPACE = np.uint32(32)


def normalise(text: str, cap: int) -> np.ndarray:
    """The code points the judge reads: the first ``cap`` characters lowercased, every run of characters that are
    not letters, digits or marks one space, with one space before and after (an empty text is one space)."""
    return _normalise(text, cap, None)[0]


def _normalise(text: str, cap: int, lead: int | None) -> tuple[np.ndarray, int]:
    """``normalise``, and with ``lead`` the cut: a word of the first ``lead`` characters ends before it.

    The cut is the number of code points kept up to the ``lead``-th character of the text: the space after a word
    that ends within those characters stands at or before it (and after it for a word that runs on).
    """
    codes = np.frombuffer(f" {text[:cap].lower()} ".encode("utf-32-le"), dtype=np.uint32)
    word = _WORD[codes]
    keep = word.copy()
    keep[0] = True  # the first space; after that, the first separator after each word
    keep[1:] |= word[:-1]
    kept: np.ndarray = np.where(word, codes, _SPACE)[keep]
    if lead is None:
        return kept, len(kept)
    # lower() may lengthen a character ("İ"): count the lead in lowered characters.
    return kept, int(np.count_nonzero(keep[: len(text[:lead].lower()) + 1]))


def grams(text: str, cap: int, *, chars: bool = True, orders: tuple[int, ...] = CHAR_ORDERS) -> np.ndarray:
    """The feature indices of every n-gram of the first ``cap`` characters of ``text`` (a repeated n-gram repeats).

    Word n-grams (1-2) always, in [0, HALF); character n-grams (``orders``, within words) only when ``chars``,
    in [HALF, WIDTH). Few numpy calls on short arrays: each call's fixed cost is most of the time here.
    """
    return _grams(text, cap, chars, orders, None)[0]


def lead_grams(text: str, lead: int) -> np.ndarray:
    """The word n-grams (1-2) of the words that end within the first ``lead`` characters of ``text``.

    What ``grams_and_lead`` gives as its second part, reading no more than the lead (a word cut by the
    lead is left out, so a longer read finds the same words).
    """
    in_lead = _grams(text, lead + 1, False, CHAR_ORDERS, lead)[1]
    assert in_lead is not None
    return in_lead


def grams_and_lead(text: str, cap: int, lead: int) -> tuple[np.ndarray, np.ndarray]:
    """``grams(text, cap)`` and ``lead_grams(text, lead)`` from one pass over the text (``lead`` < ``cap``).

    The judge's veto reads characters and words of ``cap`` characters, its alone model the words of the lead: an
    article with a weak rule match and other topics to judge alone needs both, and the lead's words are a
    subset of the veto's, so they are picked out instead of normalised and hashed again.
    """
    index, lead_index = _grams(text, cap, True, CHAR_ORDERS, lead)
    assert lead_index is not None
    return index, lead_index


def _grams(
    text: str, cap: int, chars: bool, orders: tuple[int, ...], lead: int | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The n-gram indices of ``grams``, and with ``lead`` those of ``lead_grams`` (None without)."""
    codes, cut = _normalise(text, cap, lead)
    n = len(codes)
    if n < 3:
        empty = np.empty(0, dtype=np.intp)
        return empty, None if lead is None else empty
    if n >= len(_INV):
        _grow(n + 1)
    with np.errstate(over="ignore"):
        # sums[i] = sum of codes[j] * base**-j for j <= i, so the hash of padded[l+1 : r+1] is
        # (sums[r] - sums[l]) * base**r = sum of codes[j] * base**(r-j), wherever it stands (then multiply-shift).
        sums = np.cumsum(codes * _INV[:n])
        gaps = np.flatnonzero(codes == _SPACE)
        # each word with the space after it (padded[gaps[k]+1 : gaps[k+1]+1]), then each pair of neighbours
        low = np.concatenate((gaps[:-1], gaps[:-2]))
        high = np.concatenate((gaps[1:], gaps[2:]))
        # Indices are below 2**63, so they read the same signed: numpy's gathers and np.add.at take their fast
        # path on signed indices (an unsigned one is converted at each use; measured, judge scoring ~20 % cheaper).
        index: np.ndarray = ((sums[high] - sums[low]) * _POW_MIX[high] >> _SHIFT).view(np.intp)
        # the lead's n-grams: those whose last word's space stands at or before the cut
        in_lead = None if lead is None else (index if cut >= n - 1 else index[high <= cut])
        if not chars:
            return index, in_lead
        spaces = np.cumsum(codes == _SPACE)  # spaces[i]: spaces in padded[: i + 1]
        before = np.concatenate((_ZERO, sums))  # before[i]: the sum over padded[:i]
        # Every order at once: row j holds the n-grams padded[s : s + orders[j]] for each s. They stay inside
        # a word and its edges (no space strictly inside), and within the text.
        start = _START[:n]
        sizes = _ORDERS if orders == CHAR_ORDERS else np.array(orders, dtype=np.int64)[:, None]
        stop = np.minimum(start + sizes, n)
        ok = (spaces[stop - 2] == spaces[start]) & (stop - start == sizes)
        hashes = ((before[stop] - before[start]) * _POW_MIX_BEFORE[stop] + sizes.astype(np.uint64) * _MIX)[ok]
    return np.concatenate((index, ((hashes >> _SHIFT) + _HALF_U).view(np.intp))), in_lead


def tally(index: np.ndarray) -> np.ndarray:
    """For each entry of ``index``, how many times its value occurs in ``index`` (counts without sorting)."""
    scratch = getattr(_SCRATCH, "counts", None)
    if scratch is None:
        scratch = _SCRATCH.counts = np.zeros(WIDTH, dtype=np.float32)
    np.add.at(scratch, index, _ONE)
    counts: np.ndarray = scratch[index]
    scratch[index] = 0.0  # all zeros again for the next text
    return counts


_ONE = np.float32(1.0)


_SCRATCH = threading.local()
"""One counting array per thread (a web request and the stream may classify at once)."""


def count_rows(rows: list[np.ndarray], width: int = WIDTH) -> sparse.csr_matrix:
    """One row of n-gram counts per array of feature indices (duplicates counted), ``width`` columns."""
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    which = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    cols = np.concatenate(rows) if rows else np.empty(0, dtype=np.uint64)
    data = np.ones(len(cols), dtype=np.float64)
    counts = sparse.csr_matrix((data, (which, cols.astype(np.int64))), shape=(len(rows), width))
    counts.sum_duplicates()
    return counts
