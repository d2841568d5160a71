"""The judge's featuriser (streams/classify/judge_features.py) and the model file's featuriser version."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from pantau.core.errors import RulesError
from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify import judge_features as jf
from pantau.streams.classify.judge import MODEL_FILE, judge_path
from tests.streams.classify import judge_reference

_M = 2**64


def _read(text: str, cap: int) -> np.ndarray:
    """The code points the judge reads (round 8's normalisation; the kernel matches it bit for bit:
    test_judge_kernel.py)."""
    return judge_reference.normalise(text, cap, None)[0]


def _hash(text: str) -> int:
    """The polynomial hash of a string, one character at a time (what the bulk arithmetic must equal)."""
    h = 0
    for ch in text:
        h = (h * jf._BASE + ord(ch)) % _M
    return h


def _index(h: int) -> int:
    return (h * int(jf._MIX) % _M) >> (64 - jf.FEATURE_BITS)


def _plain(text: str, cap: int, chars: bool) -> list[int]:
    """The same features built the slow, obvious way: split into words, then every n-gram as a string."""
    words = "".join(map(chr, _read(text, cap))).split()
    out = [_index(_hash(w + " ")) for w in words]
    out += [_index(_hash(f"{a} {b} ")) for a, b in zip(words, words[1:], strict=False)]
    if chars:
        for word in words:
            padded = f" {word} "
            for k in jf.CHAR_ORDERS:
                out += [_index((_hash(padded[i : i + k]) + k) % _M) + jf.HALF for i in range(len(padded) - k + 1)]
    return out


TEXTS = [
    "Polisi MENANGKAP peretas! yang menjual data-pribadi, 북한 해커 tin tặc Việt Nam a b. É",
    "Pyongyang fired a missile; 북한이 미사일을 발사했다 (KCNA).",
    "a",
    "!!",
    "",
    "İstanbul ÇAĞ 😀😀 end_of_line",
    "ransomware " * 200,
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("cap", [5, 600, 1200, 5000])
def test_bulk_n_gram_hashes_equal_hashing_each_n_gram_one_at_a_time(text, cap):
    for chars in (True, False):
        assert Counter(jf.grams(text, cap, chars=chars).tolist()) == Counter(_plain(text, cap, chars))


def test_the_text_read_is_lowercased_with_one_space_for_each_run_of_non_letters():
    assert "".join(map(chr, _read("  ...Hello, World!! 😀 x_y Tặc", 100))) == " hello world x y tặc "
    decomposed = "Vie\u0302\u0323t"  # Vietnamese typed with combining accents: still one word
    assert "".join(map(chr, _read(decomposed, 100))) == f" {decomposed.lower()} "
    assert "".join(map(chr, _read("abcdef", 3))) == " abc "


def test_words_and_characters_hash_into_separate_halves():
    veto = jf.grams("Peretas membobol server bank", 1200)
    alone = jf.grams("Peretas membobol server bank", 1200, chars=False)
    assert alone.max() < jf.HALF and (veto >= jf.HALF).sum() == len(veto) - len(alone)


def test_batch_counts_count_each_repeat():
    rows = [jf.grams(t, 1200) for t in TEXTS]
    counts = jf.count_rows(rows)
    for row, index in zip(counts, rows, strict=True):
        expected = Counter(index.tolist())
        assert dict(zip(row.indices.tolist(), row.data.tolist(), strict=True)) == expected


def _old_model(tmp_path: Path) -> Path:
    """A copy of the shipped rules whose model says it was made by another featuriser (round 6's)."""
    rules = shutil.copytree(default_rules_dir(), tmp_path / "rules")
    with np.load(judge_path(rules), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(bytes(arrays.pop("meta")).decode("utf-8"))
    del meta["features"]
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(judge_path(rules), **arrays)
    return rules


def test_a_model_made_by_another_featuriser_is_refused_naming_the_file_and_the_command(tmp_path):
    rules = _old_model(tmp_path)
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules)
    text = str(caught.value)
    assert MODEL_FILE in text and "trained on features" in text and jf.FEATURES in text
    assert "pantau rules train" in text


def test_rules_train_replaces_a_model_it_cannot_read(tmp_path, capsys):
    from pantau.cli.main import main

    rules = _old_model(tmp_path)
    (rules / "judge" / "judge.yaml").write_text(
        "topics:\n  cybercrime: {veto: 0.15, alone: 0.85}\ntrain: [../corpus]\n", encoding="utf-8"
    )
    assert main(["rules", "train", str(rules)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert load_ruleset(rules).judge is not None


def _lead_plain(text: str, lead: int) -> list[int]:
    """Word n-grams of the words that end within the first ``lead`` characters, found one word at a time."""
    low = text.lower()
    end = len(text[:lead].lower())
    words, word = [], ""
    for i, ch in enumerate(low + " "):
        if ord(ch) < len(jf._WORD) and jf._WORD[ord(ch)]:
            word += ch
            continue
        if word and i <= end:
            words.append(word)
        word = ""
    out = [_index(_hash(w + " ")) for w in words]
    return out + [_index(_hash(f"{a} {b} ")) for a, b in zip(words, words[1:], strict=False)]


@pytest.mark.parametrize("text", [*TEXTS, "Peretas membobol server bank daerah", "ab, cd!! efgh ij"])
@pytest.mark.parametrize("lead", [0, 1, 2, 4, 5, 7, 8, 11, 600])
def test_the_lead_is_the_words_that_end_within_it_and_one_pass_finds_both(text, lead):
    assert Counter(jf.lead_grams(text, lead).tolist()) == Counter(_lead_plain(text, lead))
    for cap in (lead + 1, lead + 3, 1200):
        index, in_lead = jf.grams_and_lead(text, cap, lead)
        assert index.tolist() == jf.grams(text, cap).tolist()
        assert Counter(in_lead.tolist()) == Counter(jf.lead_grams(text, lead).tolist())


def test_a_word_cut_by_the_lead_is_left_out_not_read_in_half():
    assert Counter(jf.lead_grams("hacker attack", 9).tolist()) == Counter(_lead_plain("hacker", 6))
    assert "".join(map(chr, _read("hacker attack", 9))) == " hacker at "  # what reading 9 characters sees


def test_indices_are_signed_so_numpy_takes_its_fast_indexing_path():
    for index in (jf.grams("Peretas membobol server bank", 1200), jf.lead_grams("Peretas membobol server", 600)):
        assert index.dtype == np.intp and index.min() >= 0 and index.max() < jf.WIDTH
    assert jf.grams("", 1200).dtype == np.intp
