"""HTML fragments become clean text; site boilerplate never reaches the rules."""

from pantau.sources.boilerplate import is_boilerplate, strip_boilerplate
from pantau.sources.textclean import MAX_TEXT_CHARS, clean_line, html_to_text


def test_tags_removed_entities_decoded_paragraphs_kept():
    html = "<p>Polisi &amp; BSSN</p><p>menyelidiki&nbsp;serangan</p><script>alert(1)</script>"
    assert html_to_text(html) == "Polisi & BSSN\nmenyelidiki serangan"


def test_double_escaped_html_is_unwrapped():
    assert html_to_text("&lt;p&gt;Serangan &amp;amp; pemerasan&lt;/p&gt;") == "Serangan & pemerasan"


def test_teasers_and_footers_are_dropped():
    html = (
        "<p>Isi utama berita.</p><p>Baca juga: Polandia diserang peretas</p>"
        "<p>Kalimat kedua.</p><p>Berita Terkait</p><p>Judul lain tentang Israel</p>"
    )
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


def test_real_pages_lose_their_furniture_and_keep_their_story(seeds_dir):
    from ruamel.yaml import YAML

    index = {e["file"]: e for e in YAML(typ="safe").load((seeds_dir / "index.yaml").read_text())}
    for name, entry in index.items():
        raw = (seeds_dir / name).read_text(encoding="utf-8")
        cleaned = html_to_text(raw)
        assert not [line for line in cleaned.splitlines() if is_boilerplate(line)], name
        story = [line for line in raw.splitlines() if len(line) > 200]  # long lines are paragraphs
        assert all(line.strip() in cleaned for line in story), name
        if entry.get("title"):
            assert entry["title"][:30] in cleaned, name  # index titles differ in punctuation
    scrape = html_to_text((seeds_dir / "000_85e7d224f9f5be52.txt").read_text(encoding="utf-8"))
    raw_lines = (seeds_dir / "000_85e7d224f9f5be52.txt").read_text(encoding="utf-8").splitlines()
    assert len(scrape.splitlines()) <= len([line for line in raw_lines if line.strip()]) - 8


def test_page_furniture_patterns():
    for line in [
        "Halaman :",
        "Halaman 2 dari 3",
        "Dapatkan berita pilihan setiap pagi di aplikasi kami",
        "Sumber: https://contoh.id/berita/1",
        "Warga mengantre di depan kantor. Foto/Antara",
        "Peretas incar bank daerah...",
        "Baca Berita Lainnya",
        "loading...",
    ]:
        assert is_boilerplate(line), line
    for line in [
        "Polisi mengatakan: pelaku sudah ditangkap.",
        "Menurut sumber: tidak ada korban jiwa.",
        "Serangan itu terjadi pada malam hari... kata saksi, lalu semua layanan mati total.",
    ]:
        assert not is_boilerplate(line), line
