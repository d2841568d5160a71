"""Word boundaries by Unicode letters, Indonesian affixes, Korean particles."""

from __future__ import annotations

import pytest

from pantau.streams.classify import load_ruleset
from pantau.streams.classify.morphology import expands, indonesian_stems

RULE = """
rules:
  - id: r
    any: [{terms}]
"""


def matched(rules_dir, article, terms: str, text: str, language: str = "id") -> list[str]:
    rs = load_ruleset(rules_dir(t=RULE.format(terms=terms)))
    return [h.text for m in rs.classify(article(text, language=language)).matches for h in m.hits]


@pytest.mark.parametrize(
    "form",
    ["retas", "diretas", "meretas", "peretas", "peretasan", "diretasnya", "Peretas"],
)
def test_indonesian_affixed_forms_match_the_root(rules_dir, article, form):
    assert matched(rules_dir, article, "retas", f"Situs itu {form} kemarin.") == [form]


def test_nasal_assimilation(rules_dir, article):
    assert matched(rules_dir, article, "tipu", "penipuan dan menipu") == ["penipuan", "menipu"]
    assert matched(rules_dir, article, "serang", "penyerang menyerang") == ["penyerang", "menyerang"]


def test_exact_terms_do_not_expand(rules_dir, article):
    assert matched(rules_dir, article, "{term: retas, exact: true}", "peretas meretas retas") == ["retas"]


def test_phrases_stay_phrases_but_their_last_word_takes_suffixes(rules_dir, article):
    text = "kejahatan siber, kejahatan sibernya, kekejahatan siber, kejahatan di siber"
    assert matched(rules_dir, article, "kejahatan siber", text) == ["kejahatan siber", "kejahatan sibernya"]
    assert matched(rules_dir, article, "data breach", "two data breaches", language="en") == ["data breaches"]
    assert matched(rules_dir, article, "data breach", "data breachlike", language="en") == []


def test_no_match_inside_other_words(rules_dir, article):
    assert matched(rules_dir, article, "hack", "a hackathon") == []
    assert matched(rules_dir, article, "hu", "Huế và hu", language="vi") == ["hu"]
    assert matched(rules_dir, article, "hack", "hackers hacked it") == ["hackers", "hacked"]


def test_trailing_wildcard_extends_to_the_word_end(rules_dir, article):
    assert matched(rules_dir, article, '"hack*"', "a hackathon") == ["hackathon"]


def test_hyphen_and_space_variants(rules_dir, article):
    found = matched(
        rules_dir, article, "Kim Jong-un", "Kim Jong Un, KIM JONG-UN, Kim Jongun, Kim Jong-kook", language="en"
    )
    assert found == ["Kim Jong Un", "KIM JONG-UN", "Kim Jongun"]


def test_vietnamese_without_diacritics_matches_terms_with_them(rules_dir, article):
    assert matched(rules_dir, article, "Triều Tiên", "Trieu Tien phong ten lua", language="vi") == ["Trieu Tien"]


def test_korean_particles_but_not_other_syllables(rules_dir, article):
    found = matched(rules_dir, article, "북한", "북한이 발사했다. 북한의 미사일. 북한산 등산. 남북한", language="ko")
    assert found == ["북한이", "북한의"]


def test_korean_polite_endings_and_the_copula_but_not_other_syllables(rules_dir, article):
    text = "해킹했습니다. 가짜 사이트였습니다. 단순 해킹이었다. 해킹입니다. 해킹대회. 사이트맵"
    found = matched(rules_dir, article, "해킹", text, language="ko")
    assert found == ["해킹했습니다", "해킹이었다", "해킹입니다"]
    assert matched(rules_dir, article, "사이트", text, language="ko") == ["사이트였습니다"]


def test_expansion_policy():
    assert expands("retas") and not expands("ti") and not expands("kejahatan siber")
    assert "meretas" in indonesian_stems("retas") and "mengirim" in indonesian_stems("kirim")
