"""Folding keeps offsets into the original text; boilerplate never reaches matching."""

from __future__ import annotations

import unicodedata

from pantau.streams.classify.text import build_shadow, fold_field, fold_term, mask_boilerplate


def test_ascii_fold_keeps_length_and_maps_hyphens_to_spaces():
    folded = fold_field("Kim Jong-un")
    assert folded.text == "kim jong un" and folded.index is None
    assert fold_field("Korea's, DPRK.").text == "korea s  dprk "


def test_vietnamese_diacritics_are_removed_without_changing_offsets():
    text = "Hội nghị ở Huế, Triều Tiên"
    folded = fold_field(text)
    assert folded.text == "hoi nghi o hue  trieu tien"
    assert len(folded.text) == len(text)


def test_punctuation_curly_quotes_and_dashes_separate_words():
    text = "“siber” — ‘x’ (U.S.)"
    folded = fold_field(text)
    assert folded.text.split() == ["siber", "x", "u", "s"] and len(folded.text) == len(text)


def test_decomposed_input_maps_back_to_original_offsets():
    text = unicodedata.normalize("NFD", "Triều Tiên phóng")
    folded = fold_field(text)
    assert folded.text == "trieu tien phong"
    start = folded.text.index("phong")
    assert text[folded.original(start) : folded.original(start + 5)] == unicodedata.normalize("NFD", "phóng")


def test_longer_case_folds_keep_a_map():
    folded = fold_field("Große Straße")
    assert folded.text == "grosse strasse"
    start = folded.text.index("strasse")
    assert "Große Straße"[folded.original(start) : folded.original(start + 7)] == "Straße"


def test_fold_term_collapses_spaces():
    assert fold_term("  Kim   Jong-Un ") == "kim jong un"


def test_teaser_lines_are_blanked_with_the_same_length():
    text = "Berita utama.\nBACA JUGA: Israel diserang peretas\nIsi lanjutan."
    masked = mask_boilerplate(text)
    assert len(masked) == len(text)
    assert "peretas" not in masked and "Isi lanjutan." in masked


def test_footer_blanks_everything_after_it():
    text = "Isi berita.\nRelated Articles\nPeretas beraksi lagi"
    masked = mask_boilerplate(text)
    assert masked.startswith("Isi berita.") and "Peretas" not in masked


def test_shadow_separates_fields_and_maps_offsets_per_field():
    shadow = build_shadow("Judul", "Ringkas", "Isi Kim Jong-un")
    assert shadow.text == " judul \x00 ringkas \x00 isi kim jong un "
    start = shadow.text.index("kim jong un")
    assert shadow.to_original(start, start + 11) == (2, 4, 15)
    assert shadow.field_of(1) == 0 and shadow.field_of(shadow.starts[1]) == 1 and shadow.field_of(shadow.starts[2]) == 2
