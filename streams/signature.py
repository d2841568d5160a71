"""Story signatures: the MinHash of an article's word 3-shingles, and the LSH band index over them, in bulk.

:mod:`pantau.streams.stories` decides which articles are one story; this module
makes its per-article cost small without changing a single signature. The
values are exactly datasketch's ``MinHash(num_perm=128, scheme="affine32")``
after ``update_batch`` of the UTF-8 shingles (SHA-1, first four bytes, little
endian), so signatures stored before stay comparable and grouping is the same
(tests/streams/test_signature.py checks both against datasketch). What changed
is how they are computed: datasketch calls a Python function per shingle; here
the shingles' UTF-8 bytes are SHA-1 hashed in one compiled call (streams/shingle_sha1.py; through hashlib's
``map`` until round 13), and the 128 affine permutations run as one numpy
operation laid out so that the minimum is taken along contiguous memory (a compiled loop since round 13).

The band index is ``datasketch.MinHashLSH(threshold=0.2, num_perm=128)``'s
layout (28 bands of 2 values; the same tests check the candidates agree), with
each band read as one 64-bit integer: an insert or a query is 28 dictionary
operations instead of 28 byte-string copies and pickles.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from datasketch import MinHash
from numba import njit

from pantau.streams.shingle_sha1 import joined_runs, sha1_32
from pantau.streams.shingle_sha1 import warm as shingle_sha1_warm

__all__ = [
    "NUM_PERM",
    "SHINGLE",
    "Signed",
    "shingles",
    "sign",
    "minhash",
    "freeze",
    "restore",
    "jaccard",
    "BandIndex",
    "warm",
]

NUM_PERM = 128
SHINGLE = 3
BANDS, ROWS = 28, 2
"""datasketch's band layout for threshold 0.2 and 128 permutations (its false positive/negative optimum)."""

_WORD = re.compile(r"\w+")
# In ASCII text \w is [A-Za-z0-9_]: the other ASCII characters become spaces and str.split finds the same words,
# three times faster than the regex.
_ASCII_GAPS = str.maketrans({c: " " for c in range(128) if not _WORD.fullmatch(chr(c))})
# datasketch's affine32 permutations for seed 1, drawn once (not for every signature).
_A, _B = (np.asarray(p, dtype=np.uint32) for p in MinHash(num_perm=NUM_PERM, scheme="affine32").permutations)


def words(text: str) -> list[str]:
    """The words (runs of Unicode word characters) of NFC, case-folded ``text``."""
    if text.isascii():
        return text.lower().translate(_ASCII_GAPS).split()
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Word ``size``-shingles of NFC, case-folded text (Unicode word characters)."""
    words_ = words(text)
    if len(words_) <= size:
        return {" ".join(words_)} if words_ else set()
    return set(map(" ".join, zip(*(words_[i:] for i in range(size)), strict=False)))


def shingle_hashes(grams: set[str]) -> np.ndarray:
    """Each shingle's 32-bit hash: the first four bytes of its UTF-8 SHA-1, little endian (datasketch's sha1_hash32)."""
    return sha1_32(list(grams))  # one compiled call for all of them (shingle_sha1.py), the values hashlib gives


@njit(cache=True, nogil=True)
def _minhash(hashes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``minhash`` compiled: each hash pre-mixed, then every permutation's minimum (the inner loop vectorises)."""
    mask = np.uint32(0xFFFFFFFF)
    values = np.full(len(a), mask, dtype=np.uint32)
    for h in hashes:
        # datasketch's affine32 pre-mix (the MurmurHash3 finaliser), modulo 2**32.
        h = np.uint32(h)
        h ^= h >> np.uint32(16)
        h = np.uint32((h * np.uint32(0x85EBCA6B)) & mask)
        h ^= h >> np.uint32(13)
        h = np.uint32((h * np.uint32(0xC2B2AE35)) & mask)
        h ^= h >> np.uint32(16)
        for p in range(len(a)):
            v = np.uint32((a[p] * h + b[p]) & mask)
            if v < values[p]:
                values[p] = v
    return values


def minhash(hashes: np.ndarray) -> np.ndarray:
    """The ``NUM_PERM`` minima of 32-bit hashes under datasketch's affine32 permutations (its update_batch)."""
    # Compiled since round 13: 29 -> 4 us for 424 shingles (numpy's outer product and minimum before).
    values: np.ndarray = _minhash(np.ascontiguousarray(hashes, dtype=np.uint32), _A, _B)
    return values


def warm() -> None:
    """Compile (or load from the cache) the signature kernels now, so that the first article does not wait."""
    shingle_sha1_warm()
    sign("warm up the signature kernels")


class Signed:
    """An article's signature and the number of distinct shingles it was made of."""

    __slots__ = ("values", "size")

    def __init__(self, values: np.ndarray, size: int) -> None:
        self.values = values
        self.size = size


def sign(text: str) -> Signed:
    """The MinHash signature of ``text``'s word 3-shingles, and how many distinct shingles it has."""
    words_ = words(text)
    if len(words_) <= SHINGLE:
        grams = {" ".join(words_)} if words_ else set()
        return Signed(minhash(shingle_hashes(grams)), len(grams))
    # Hashed as spans of the joined words, repeats included: a minimum does not change for a value seen twice,
    # and the count of distinct shingles is that of ``shingles(text)`` (no set of strings is built).
    hashes, size = joined_runs(words_, SHINGLE)
    return Signed(minhash(hashes), size)


def freeze(values: np.ndarray) -> bytes:
    """The signature as stored: 128 little-endian uint32."""
    return values.astype("<u4", copy=False).tobytes()


def restore(blob: bytes) -> np.ndarray:
    """A stored signature."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two signatures estimate: the share of equal values (datasketch's MinHash.jaccard)."""
    return int(np.count_nonzero(a == b)) / NUM_PERM


def _bands(values: np.ndarray) -> list[int]:
    # Two uint32 side by side are one uint64: a band matches exactly when both of its values do.
    return np.ascontiguousarray(values[: BANDS * ROWS]).view(np.uint64).tolist()


class BandIndex:
    """Keys by signature band: a query returns every key that shares a whole band with the signature."""

    def __init__(self) -> None:
        self._tables: list[dict[int, set[str]]] = [{} for _ in range(BANDS)]
        self._keys: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._keys

    def insert(self, key: str, values: np.ndarray) -> None:
        """Index ``key`` under each band of its signature (a key already present is left as it is)."""
        if key in self._keys:
            return
        bands = self._keys[key] = _bands(values)
        for table, band in zip(self._tables, bands, strict=True):
            members = table.get(band)
            if members is None:
                table[band] = {key}
            else:
                members.add(key)

    def query(self, values: np.ndarray) -> set[str]:
        """The keys sharing at least one band with ``values``."""
        found: set[str] = set()
        for table, band in zip(self._tables, _bands(values), strict=True):
            members = table.get(band)
            if members:
                found |= members
        return found

    def remove(self, key: str) -> None:
        """Forget ``key`` (nothing happens when it is absent)."""
        bands = self._keys.pop(key, None)
        if bands is None:
            return
        for table, band in zip(self._tables, bands, strict=True):
            members = table.get(band)
            if members is not None:
                members.discard(key)
                if not members:
                    del table[band]
