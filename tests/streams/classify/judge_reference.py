"""Round 8's judge featuriser and scoring in numpy (main 5d33d6b), kept as the oracle for the compiled kernels.

streams/classify/judge_kernel.py must give the same feature indices bit for bit, in the same order, and the
same scores to float rounding: the shipped model was trained on these features (tests/streams/classify/
test_judge_kernel.py compares them on every fixture set).
"""

from __future__ import annotations

import math

import numpy as np

from pantau.streams.classify.judge_features import _BASE, _WORD, CHAR_ORDERS, FEATURE_BITS, HALF, WIDTH

_BASE_INV = pow(_BASE, -1, 2**64)
_SHIFT = np.uint64(64 - FEATURE_BITS)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SPACE = np.uint32(32)


def _powers(base: int, n: int) -> np.ndarray:
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    step = np.uint64(base)
    with np.errstate(over="ignore"):
        for i in range(1, n):
            out[i] = out[i - 1] * step
    return out


_INV = _powers(_BASE_INV, 8192)
with np.errstate(over="ignore"):
    _POW_MIX = _powers(_BASE, 8192) * _MIX
_POW_MIX_BEFORE = np.concatenate(([np.uint64(0)], _POW_MIX[:-1]))
_START = np.arange(8192, dtype=np.int64)
_ZERO = np.zeros(1, dtype=np.uint64)


def normalise(text: str, cap: int, lead: int | None) -> tuple[np.ndarray, int]:
    """Round 8's ``_normalise``: the kept code points and the lead's cut."""
    codes = np.frombuffer(f" {text[:cap].lower()} ".encode("utf-32-le"), dtype=np.uint32)
    word = _WORD[codes]
    keep = word.copy()
    keep[0] = True
    keep[1:] |= word[:-1]
    kept: np.ndarray = np.where(word, codes, _SPACE)[keep]
    if lead is None:
        return kept, len(kept)
    return kept, int(np.count_nonzero(keep[: len(text[:lead].lower()) + 1]))


def grams(
    text: str, cap: int, chars: bool = True, orders: tuple[int, ...] = CHAR_ORDERS, lead: int | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Round 8's ``_grams``: (indices, the lead's word indices or None); texts up to 8,000 code points."""
    codes, cut = normalise(text, cap, lead)
    n = len(codes)
    if n < 3:
        empty = np.empty(0, dtype=np.intp)
        return empty, None if lead is None else empty
    with np.errstate(over="ignore"):
        sums = np.cumsum(codes * _INV[:n])
        gaps = np.flatnonzero(codes == _SPACE)
        low = np.concatenate((gaps[:-1], gaps[:-2]))
        high = np.concatenate((gaps[1:], gaps[2:]))
        index: np.ndarray = ((sums[high] - sums[low]) * _POW_MIX[high] >> _SHIFT).view(np.intp)
        in_lead = None if lead is None else (index if cut >= n - 1 else index[high <= cut])
        if not chars:
            return index, in_lead
        spaces = np.cumsum(codes == _SPACE)
        before = np.concatenate((_ZERO, sums))
        start = _START[:n]
        sizes = np.array(orders, dtype=np.int64)[:, None]
        stop = np.minimum(start + sizes, n)
        ok = (spaces[stop - 2] == spaces[start]) & (stop - start == sizes)
        hashes = ((before[stop] - before[start]) * _POW_MIX_BEFORE[stop] + sizes.astype(np.uint64) * _MIX)[ok]
    return np.concatenate((index, ((hashes >> _SHIFT) + np.uint64(HALF)).view(np.intp))), in_lead


def scores(index: np.ndarray, table: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Round 8's ``_Models.scores`` (float32 table, BLAS products)."""
    counts = np.zeros(WIDTH, dtype=np.float32)
    np.add.at(counts, index, np.float32(1.0))
    tf = counts[index]
    grow = np.log(tf)
    grow += 1.0
    share = grow / tf
    rows = table[index]
    norm = math.sqrt(float((grow * share) @ rows[:, 0])) or 1.0
    z: np.ndarray = (share @ rows[:, 1:]) / norm + bias
    return z
