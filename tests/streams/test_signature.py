"""Story signatures in bulk are datasketch's, value for value, and the band index proposes what MinHashLSH does."""

from __future__ import annotations

import random
import re
import unicodedata

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from pantau.streams.signature import (
    BANDS,
    NUM_PERM,
    ROWS,
    BandIndex,
    freeze,
    jaccard,
    restore,
    shingles,
    sign,
)

_PERMUTATIONS = MinHash(num_perm=NUM_PERM, scheme="affine32").permutations


def _reference_shingles(text: str, size: int = 3) -> set[str]:
    """Shingles as first written: the words by regex, joined one shingle at a time."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_shingles_are_the_regex_readings_on_ascii_and_unicode_text(seeds_dir):
    rng = random.Random(8)
    ascii_only = [chr(c) for c in range(128)] + ["word", "Kata", "x_y", "42"] * 8
    unicode = ascii_only + list("éÉßẞİıſKΩ한국어\u0301\u00a0“”’—…½²٣") + ["tiếng", "Việt"]
    for alphabet in (ascii_only, unicode):
        for _ in range(500):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 120)))
            assert shingles(text) == _reference_shingles(text), repr(text)
    for text in _texts(seeds_dir):
        assert shingles(text) == _reference_shingles(text)


def _datasketch(text: str) -> MinHash:
    """The signature as the story index made it before: datasketch hashing each shingle with SHA-1."""
    sig = MinHash(num_perm=NUM_PERM, scheme="affine32", permutations=_PERMUTATIONS)
    sig.update_batch([g.encode("utf-8") for g in shingles(text)])
    return sig


def _texts(seeds_dir) -> list[str]:
    rng = random.Random(3)
    alphabet = "abc déf ĝhï Ωψ 한국어 tiếng việt \u0301 ½ 12 _x- \n\t"
    made = ["", "one", "two words", "exactly three words", "Hà Nội TRÁI PHÉP và tiền mã hoá"]
    made += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 400))) for _ in range(40)]
    made += [" ".join(f"w{rng.randrange(50_000)}" for _ in range(9_000))]  # more shingles than one permuted block
    made += [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    return made


def test_signatures_and_sizes_are_datasketchs_value_for_value(seeds_dir):
    for text in _texts(seeds_dir):
        signed = sign(text)
        expected = _datasketch(text)
        assert signed.size == len(shingles(text))
        assert signed.values.dtype == np.uint32
        assert np.array_equal(signed.values, expected.hashvalues), text[:60]
        assert restore(freeze(signed.values)).tolist() == expected.hashvalues.tolist()


def test_jaccard_is_datasketchs_estimate(seeds_dir):
    texts = _texts(seeds_dir)
    for a, b in zip(texts, texts[1:], strict=False):
        assert jaccard(sign(a).values, sign(b).values) == _datasketch(a).jaccard(_datasketch(b))


def test_the_band_layout_is_datasketchs_for_the_story_threshold():
    lsh = MinHashLSH(threshold=0.2, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (BANDS, ROWS)


def test_band_queries_propose_what_minhashlsh_proposes():
    rng = np.random.default_rng(5)
    # Few distinct values per position, so that many pairs share a band (and many do not).
    base = rng.integers(0, 4, size=(300, NUM_PERM), dtype=np.uint32)
    lsh = MinHashLSH(threshold=0.2, num_perm=NUM_PERM)
    bands = BandIndex()
    for i, values in enumerate(base[:200]):
        lsh.insert(f"k{i}", MinHash(num_perm=NUM_PERM, scheme="affine32", hashvalues=values))
        bands.insert(f"k{i}", values)
    for i in range(0, 200, 3):  # removal keeps both in step
        lsh.remove(f"k{i}")
        bands.remove(f"k{i}")
    assert len(bands) == len(lsh.keys)
    proposed = 0
    for values in base:
        expected = set(lsh.query(MinHash(num_perm=NUM_PERM, scheme="affine32", hashvalues=values)))
        assert bands.query(values) == expected
        proposed += len(expected)
    assert proposed > 300  # the comparison saw real candidates, not only empty answers


def test_a_band_index_forgets_removed_keys_and_ignores_a_second_insert():
    values = sign("peretas membobol bursa kripto di Seoul pekan lalu").values
    bands = BandIndex()
    bands.insert("a", values)
    bands.insert("a", np.zeros(NUM_PERM, dtype=np.uint32))  # already present: left as it was
    assert bands.query(values) == {"a"} and "a" in bands
    bands.remove("a")
    bands.remove("a")  # absent: nothing happens
    assert bands.query(values) == set() and len(bands) == 0


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_shingles_of_any_size_are_the_words_side_by_side(size):
    words = "a b c d e f".split()
    expected = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    assert shingles("A b C d e F", size) == expected
