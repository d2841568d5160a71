"""Site furniture never reaches classification: teaser lines, inline teasers, footers."""

from pantau.sources.boilerplate import inline_teaser_at, is_boilerplate, strip_boilerplate
from pantau.streams.classify.text import mask_boilerplate


def test_teaser_lines_and_footers_are_dropped():
    text = (
        "Polisi menangkap dua tersangka penipuan daring.\n"
        "BACA JUGA:Harga cabai naik di pasar induk\n"
        "Mereka menjual akun palsu.\n"
        "Related Articles\n"
        "Gempa di Maluku"
    )
    assert strip_boilerplate(text) == ("Polisi menangkap dua tersangka penipuan daring.\nMereka menjual akun palsu.")
    assert is_boilerplate("Baca juga: Timnas menang") and not is_boilerplate("Polisi menangkap")


def test_an_inline_teaser_is_cut_from_the_colon_to_the_line_end():
    line = "Kelompok itu membobol bursa. Baca juga: KTT ASEAN dibuka di Jakarta"
    assert inline_teaser_at(line) == line.index("Baca")
    assert strip_boilerplate(line) == "Kelompok itu membobol bursa."
    # prose that merely says "baca juga" without the teaser's colon stays
    assert inline_teaser_at("Ia meminta warga baca juga aturan barunya") is None


def test_masking_keeps_offsets_and_blanks_the_inline_teaser():
    line = "Kelompok itu membobol bursa. Baca juga: KTT ASEAN dibuka"
    masked = mask_boilerplate(line)
    assert len(masked) == len(line)
    assert masked.startswith("Kelompok itu membobol bursa. ") and "ASEAN" not in masked


def test_a_bulleted_list_under_a_bare_teaser_heading_is_dropped_and_masked():
    text = (
        "Xe khách lật trên đèo, 5 người bị thương.\n\n"
        "Xem thêm:\n"
        "- Giả danh nhân viên hãng xe, lừa khách chuyển khoản\n"
        "- Sạt lở sau mưa lớn\n"
        "- Giá vàng nhẫn lập đỉnh mới"
    )
    assert strip_boilerplate(text) == "Xe khách lật trên đèo, 5 người bị thương."
    masked = mask_boilerplate(text)
    assert len(masked) == len(text) and "Giả danh" not in masked and "Sạt lở" not in masked
    # a list in the story itself, under no teaser heading, stays
    story = "Polisi menyita:\n- dua ponsel\n- satu laptop"
    assert strip_boilerplate(story) == story and mask_boilerplate(story) == story
    # a heading with a headline after its colon is one teaser line; the bullets below are the story's
    inline = "Baca juga: Harga cabai naik\n- dua ponsel disita"
    assert strip_boilerplate(inline) == "- dua ponsel disita"
