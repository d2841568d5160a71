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
operation laid out so that the minimum is taken along contiguous memory.

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

from pantau.streams.shingle_sha1 import sha1_32

__all__ = ["NUM_PERM", "SHINGLE", "Signed", "shingles", "sign", "freeze", "restore", "jaccard", "BandIndex"]

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
_B_COL = _B.reshape(-1, 1)
_EMPTY = np.iinfo(np.uint32).max
_CHUNK = 4096
"""Shingles permuted at once: bounds the temporary array (128 x 4096 x 4 bytes) for a hostile, huge text."""


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


def _fmix32(h: np.ndarray) -> np.ndarray:
    # datasketch's affine32 pre-mix (the MurmurHash3 finaliser), in place.
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def minhash(hashes: np.ndarray) -> np.ndarray:
    """The ``NUM_PERM`` minima of 32-bit hashes under datasketch's affine32 permutations (its update_batch)."""
    values = np.full(NUM_PERM, _EMPTY, dtype=np.uint32)
    mixed = _fmix32(hashes.astype(np.uint32))
    with np.errstate(over="ignore"):
        for start in range(0, len(mixed), _CHUNK):
            # One row per permutation: each minimum runs along contiguous memory.
            block = np.multiply.outer(_A, mixed[start : start + _CHUNK])
            block += _B_COL
            np.minimum(values, block.min(axis=1), out=values)
    return values


class Signed:
    """An article's signature and the number of distinct shingles it was made of."""

    __slots__ = ("values", "size")

    def __init__(self, values: np.ndarray, size: int) -> None:
        self.values = values
        self.size = size


def sign(text: str) -> Signed:
    """The MinHash signature of ``text``'s word 3-shingles, and how many distinct shingles it has."""
    grams = shingles(text)
    return Signed(minhash(shingle_hashes(grams)), len(grams))


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
