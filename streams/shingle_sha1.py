"""SHA-1 of many short strings in one compiled call: the shingle hashes of story signatures, the same values.

A story signature hashes each of an article's ~400 word 3-shingles with SHA-1 and keeps the first four
bytes (datasketch's ``sha1_hash32``, which stored signatures were made with, so the values may not change).
Through hashlib each shingle costs a Python hash object and a digest call, ~0.27 us, although OpenSSL's
compression itself (SHA-NI here) takes a fraction of that: the calls were most of a signature's cost.
Here the shingles' UTF-8 bytes go to one numba kernel that runs SHA-1 on 32 of them side by side (one
block each: the loops over the lanes vectorise), and the rare shingle longer than one block (over 55
bytes) one at a time. Side by side in one run on a bench article's 424 shingles: hashlib 113-122 us,
this 27-31 us (a scalar compiled SHA-1, one message at a time, was 56 us). ``joined_runs`` hashes a
text's shingles as spans of its joined words, so no string is made per shingle either.
tests/streams/test_shingle_sha1.py holds every value to hashlib's, test_signature.py signatures to datasketch's.

Compiled once per machine and cached beside this file (``cache=True``); ``warm`` compiles or loads it, so
that the first matched article does not wait for it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["sha1_32", "joined_runs", "warm"]

LANES = 32
"""Shingles hashed side by side: the kernel alone took 41 us for 424 shingles with 8, 27 with 16, 16 with 32,
13 with 64 (a short article wastes the most lanes with 64)."""
_MASK = np.uint32(0xFFFFFFFF)
_H = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)


@njit(cache=True, nogil=True, inline="always")
def _rotl(x: np.uint32, n: int) -> np.uint32:
    return (x << np.uint32(n)) | (x >> np.uint32(32 - n))


@njit(cache=True, nogil=True, inline="always")
def _low_endian(h: np.uint32) -> np.uint32:
    # The digest's first four bytes are h0 big endian; datasketch reads them little endian.
    return (
        ((h & np.uint32(0xFF)) << np.uint32(24))
        | ((h & np.uint32(0xFF00)) << np.uint32(8))
        | ((h >> np.uint32(8)) & np.uint32(0xFF00))
        | (h >> np.uint32(24))
    )


@njit(cache=True, nogil=True)
def _one(data: np.ndarray, start: int, length: int) -> np.uint32:
    """The first word of one message's SHA-1, any length (block after block)."""
    w = np.empty(80, dtype=np.uint32)
    block = np.empty(64, dtype=np.uint8)
    h0, h1, h2, h3, h4 = (np.uint32(_H[0]), np.uint32(_H[1]), np.uint32(_H[2]), np.uint32(_H[3]), np.uint32(_H[4]))
    blocks = (length + 8) // 64 + 1
    for n in range(blocks):
        for j in range(64):
            p = n * 64 + j
            block[j] = data[start + p] if p < length else (0x80 if p == length else 0)
        if n == blocks - 1:
            bits = np.uint64(length) * np.uint64(8)
            for j in range(8):
                block[63 - j] = np.uint8((bits >> np.uint64(8 * j)) & np.uint64(0xFF))
        for t in range(16):
            w[t] = (
                (np.uint32(block[4 * t]) << np.uint32(24))
                | (np.uint32(block[4 * t + 1]) << np.uint32(16))
                | (np.uint32(block[4 * t + 2]) << np.uint32(8))
                | np.uint32(block[4 * t + 3])
            )
        for t in range(16, 80):
            x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]
            w[t] = (x << np.uint32(1)) | (x >> np.uint32(31))
        a, b, c, d, e = h0, h1, h2, h3, h4
        for t in range(80):
            if t < 20:
                f, k = (b & c) | (~b & d), np.uint32(0x5A827999)
            elif t < 40:
                f, k = b ^ c ^ d, np.uint32(0x6ED9EBA1)
            elif t < 60:
                f, k = (b & c) | (b & d) | (c & d), np.uint32(0x8F1BBCDC)
            else:
                f, k = b ^ c ^ d, np.uint32(0xCA62C1D6)
            tmp = np.uint32((((a << np.uint32(5)) | (a >> np.uint32(27))) + f + e + k + w[t]) & _MASK)
            e, d, c, b, a = d, c, (b << np.uint32(30)) | (b >> np.uint32(2)), a, tmp
        h0 = np.uint32((h0 + a) & _MASK)
        h1 = np.uint32((h1 + b) & _MASK)
        h2 = np.uint32((h2 + c) & _MASK)
        h3 = np.uint32((h3 + d) & _MASK)
        h4 = np.uint32((h4 + e) & _MASK)
    return _low_endian(h0)


@njit(cache=True, nogil=True)
def _lanes(data: np.ndarray, begins: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The first word (little endian) of the SHA-1 of each ``data[begins[i]:ends[i]]`` (spans may overlap)."""
    n = len(begins)
    out = np.empty(n, dtype=np.uint32)
    w = np.zeros((80, LANES), dtype=np.uint32)
    a = np.empty(LANES, dtype=np.uint32)
    b = np.empty(LANES, dtype=np.uint32)
    c = np.empty(LANES, dtype=np.uint32)
    d = np.empty(LANES, dtype=np.uint32)
    e = np.empty(LANES, dtype=np.uint32)
    owner = np.empty(LANES, dtype=np.int64)
    block = np.zeros(64, dtype=np.uint8)
    i = 0
    while i < n:
        k = 0  # lanes filled: messages of one block (55 bytes or fewer), padded
        while k < LANES and i < n:
            start, length = begins[i], ends[i] - begins[i]
            if length > 55:
                out[i] = _one(data, start, length)
                i += 1
                continue
            block[:] = 0
            block[:length] = data[start : start + length]
            block[length] = 0x80
            block[62] = np.uint8((length * 8) >> 8)
            block[63] = np.uint8((length * 8) & 0xFF)
            for t in range(16):
                w[t, k] = (
                    (np.uint32(block[4 * t]) << np.uint32(24))
                    | (np.uint32(block[4 * t + 1]) << np.uint32(16))
                    | (np.uint32(block[4 * t + 2]) << np.uint32(8))
                    | np.uint32(block[4 * t + 3])
                )
            owner[k] = i
            k += 1
            i += 1
        if k == 0:
            continue
        # Every lane runs the same rounds (unused lanes hash stale words, never read): the loops over the lanes
        # vectorise, one SIMD instruction for many messages.
        for t in range(16, 80):
            for lane in range(LANES):
                x = w[t - 3, lane] ^ w[t - 8, lane] ^ w[t - 14, lane] ^ w[t - 16, lane]
                w[t, lane] = (x << np.uint32(1)) | (x >> np.uint32(31))
        a[:] = np.uint32(_H[0])
        b[:] = np.uint32(_H[1])
        c[:] = np.uint32(_H[2])
        d[:] = np.uint32(_H[3])
        e[:] = np.uint32(_H[4])
        # One loop per kind of round (a branch inside the lanes' loop stops vectorisation).
        for t in range(20):
            for lane in range(LANES):
                x, y, z, v = a[lane], b[lane], c[lane], d[lane]
                tmp = np.uint32(
                    (_rotl(x, 5) + ((y & z) | (~y & v)) + e[lane] + np.uint32(0x5A827999) + w[t, lane]) & _MASK
                )
                e[lane], d[lane], c[lane], b[lane], a[lane] = v, z, _rotl(y, 30), x, tmp
        for t in range(20, 40):
            for lane in range(LANES):
                x, y, z, v = a[lane], b[lane], c[lane], d[lane]
                tmp = np.uint32((_rotl(x, 5) + (y ^ z ^ v) + e[lane] + np.uint32(0x6ED9EBA1) + w[t, lane]) & _MASK)
                e[lane], d[lane], c[lane], b[lane], a[lane] = v, z, _rotl(y, 30), x, tmp
        for t in range(40, 60):
            for lane in range(LANES):
                x, y, z, v = a[lane], b[lane], c[lane], d[lane]
                f = (y & z) | (y & v) | (z & v)
                tmp = np.uint32((_rotl(x, 5) + f + e[lane] + np.uint32(0x8F1BBCDC) + w[t, lane]) & _MASK)
                e[lane], d[lane], c[lane], b[lane], a[lane] = v, z, _rotl(y, 30), x, tmp
        for t in range(60, 80):
            for lane in range(LANES):
                x, y, z, v = a[lane], b[lane], c[lane], d[lane]
                tmp = np.uint32((_rotl(x, 5) + (y ^ z ^ v) + e[lane] + np.uint32(0xCA62C1D6) + w[t, lane]) & _MASK)
                e[lane], d[lane], c[lane], b[lane], a[lane] = v, z, _rotl(y, 30), x, tmp
        for lane in range(k):
            out[owner[lane]] = _low_endian(np.uint32((np.uint32(_H[0]) + a[lane]) & _MASK))
    return out


@njit(cache=True, nogil=True)
def _distinct(data: np.ndarray, begins: np.ndarray, ends: np.ndarray, hashes: np.ndarray) -> int:
    """How many different byte strings the spans hold: only spans of equal hash are compared, byte for byte."""
    order = np.argsort(hashes, kind="mergesort")
    count = len(order)
    group = 0  # where the run of equal hashes that order[k] belongs to starts
    for k in range(1, len(order)):
        if hashes[order[k]] != hashes[order[group]]:
            group = k
            continue
        i = order[k]
        for j in order[group:k]:
            if ends[i] - begins[i] == ends[j] - begins[j] and np.array_equal(
                data[begins[i] : ends[i]], data[begins[j] : ends[j]]
            ):
                count -= 1  # a repeat of an earlier span
                break
    return count


def sha1_32(texts: list[str]) -> np.ndarray:
    """Each text's 32-bit hash: the first four bytes of its UTF-8 SHA-1, little endian (as hashlib's digest)."""
    joined = "".join(texts)
    if joined.isascii():  # one character, one byte
        data = joined.encode("ascii")
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    else:
        encoded = [t.encode("utf-8") for t in texts]
        data = b"".join(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    hashes: np.ndarray = _lanes(np.frombuffer(data, dtype=np.uint8), starts[:-1], starts[1:])
    return hashes


def joined_runs(words: list[str], size: int) -> tuple[np.ndarray, int]:
    """``sha1_32`` of every run of ``size`` neighbouring words joined by spaces (repeats too), and how many of
    those runs differ: the hashes and the number of a text's word shingles, without a string for each.

    The words are joined once; each run is a span of that text, so its bytes are those of ``" ".join(run)``.
    ``words`` must hold more than ``size`` words and no spaces.
    """
    text = " ".join(words)
    if text.isascii():
        data = text.encode("ascii")
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    else:
        data = text.encode("utf-8")
        lengths = np.fromiter((len(w.encode("utf-8")) for w in words), dtype=np.int64, count=len(words))
    begins = np.zeros(len(words), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=begins[1:])  # each word starts one space after the one before ends
    ends = begins + lengths
    first, last = begins[: len(words) - size + 1], ends[size - 1 :]
    raw = np.frombuffer(data, dtype=np.uint8)
    hashes: np.ndarray = _lanes(raw, first, last)
    return hashes, int(_distinct(raw, first, last, hashes))


def warm() -> None:
    """Compile (or load from the cache) the kernels now, so that the first signature does not wait for them."""
    sha1_32(["warm up", "x" * 60])
    joined_runs(["warm", "up", "the", "kernels"], 3)
