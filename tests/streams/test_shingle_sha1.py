"""The compiled shingle hashing gives hashlib's SHA-1 values, whatever the text's length or script."""

from __future__ import annotations

import hashlib
import random

import numpy as np

from pantau.streams.shingle_sha1 import LANES, joined_runs, sha1_32
from pantau.streams.signature import minhash, shingle_hashes, shingles, sign


def _hashlib(texts: list[str]) -> list[int]:
    return [int.from_bytes(hashlib.sha1(t.encode("utf-8")).digest()[:4], "little") for t in texts]


def test_every_length_around_the_block_edges_hashes_as_hashlib() -> None:
    # 55 bytes is the most one padded block holds; 56-119 take two blocks, 120 three.
    texts = ["x" * n for n in range(0, 130)] + ["é" * n for n in (27, 28, 60)] + ["북한 " * 19]
    assert sha1_32(texts).tolist() == _hashlib(texts)


def test_random_texts_of_many_scripts_in_batches_that_fill_and_do_not_fill_the_lanes() -> None:
    rng = random.Random(13)
    alphabet = "ab cdé Ñ北한\U0001f600-"
    for count in (0, 1, LANES - 1, LANES, LANES + 1, 3 * LANES + 5):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90))) for _ in range(count)]
        got = sha1_32(texts)
        assert got.dtype == np.uint32 and got.tolist() == _hashlib(texts)


def test_an_articles_shingle_hashes_are_datasketchs_sha1_hash32() -> None:
    from datasketch.hashfunc import sha1_hash32

    grams = shingles("Korea Utara meluncurkan rudal balistik ke Laut Jepang, kata militer Korea Selatan. " * 3)
    assert sorted(shingle_hashes(grams).tolist()) == sorted(sha1_hash32(g.encode("utf-8")) for g in grams)


def _by_strings(text: str) -> tuple[list[int], int]:
    """The signature as round 12 made it: a set of shingle strings, each hashed by hashlib."""
    grams = shingles(text)
    return minhash(np.array(_hashlib(sorted(grams)), dtype=np.uint32)).tolist(), len(grams)


def test_a_signature_from_spans_of_the_joined_words_is_the_one_from_a_set_of_shingle_strings() -> None:
    rng = random.Random(12)
    vocab = ["korea", "utara", "rudal", "Ñandú", "북한", "siber", "x" * 60, "a", "dan"]
    texts = [
        "",
        "satu",
        "satu dua tiga",
        "satu dua tiga empat",
        "a b c a b c a b c a b c",  # every shingle repeats: 3 distinct of 10
        "Kim Jong-un, Kim Jong-un! Kim Jong-un?",
        *(" ".join(rng.choice(vocab) for _ in range(rng.randint(4, 300))) for _ in range(40)),
    ]
    for text in texts:
        signed = sign(text)
        assert (signed.values.tolist(), signed.size) == _by_strings(text), text[:60]


def test_different_shingles_with_the_same_32_bit_hash_are_counted_apart() -> None:
    # "w16578" and "w75957" share the first four bytes of their SHA-1 (found by a birthday search).
    assert _hashlib(["w16578"]) == _hashlib(["w75957"])
    hashes, distinct = joined_runs(["w16578", "w75957", "w16578", "w36343", "w87714"], 1)
    assert distinct == 4 and hashes.tolist() == _hashlib(["w16578", "w75957", "w16578", "w36343", "w87714"])
    assert joined_runs(["w16578", "w75957", "w16578", "w75957"], 1)[1] == 2
