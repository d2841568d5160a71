"""HTML fragments become clean text; site boilerplate never reaches the rules."""

from sources.boilerplate import is_boilerplate, strip_boilerplate
from sources.textclean import MAX_TEXT_CHARS, clean_line, html_to_text


def test_tags_removed_entities_decoded_paragraphs_kept():
    html = "<p>Polisi &amp; BSSN</p><p>menyelidiki&nbsp;serangan</p><script>alert(1)</script>"
    assert html_to_text(html) == "Polisi & BSSN\nmenyelidiki serangan"


def test_double_escaped_html_is_unwrapped():
    assert html_to_text("&lt;p&gt;Serangan &amp;amp; pemerasan&lt;/p&gt;") == "Serangan & pemerasan"


def test_teasers_and_footers_are_dropped():
    html = ("<p>Isi utama berita.</p><p>Baca juga: Polandia diserang peretas</p>"
            "<p>Kalimat kedua.</p><p>Berita Terkait</p><p>Judul lain tentang Israel</p>")
    assert html_to_text(html) == "Isi utama berita.\nKalimat kedua."


def test_nul_and_control_characters_are_removed():
    assert clean_line("Judul\x00 de\x07ngan\u200b <b>tanda</b>") == "Judul dengan tanda"


def test_decomposed_vietnamese_is_composed():
    assert clean_line("Hue\u0302\u0301") == "Huế"


def test_plain_text_with_angle_brackets_survives():
    assert html_to_text("1 < 2 dan 3 > 2") == "1 < 2 dan 3 > 2"


def test_text_is_capped():
    assert len(html_to_text("a" * (MAX_TEXT_CHARS * 3))) == MAX_TEXT_CHARS


def test_boilerplate_helpers_agree():
    assert is_boilerplate("BACA JUGA: sesuatu") and is_boilerplate("Halaman 2")
    assert not is_boilerplate("Korea Utara membantah tuduhan")
    assert strip_boilerplate("a\nxem thêm: b\nc\n© 2024 Media") == "a\nc"
