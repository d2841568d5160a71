"""A name listed among many (medal tables, draws, rankings) is no story; per-language sense windows."""

from __future__ import annotations

import pytest

from pantau.streams.classify import load_ruleset
from pantau.streams.classify.explain import near_misses
from pantau.streams.classify.lists import list_line_neighbour, list_neighbour
from pantau.streams.classify.text import build_shadow

NK = """\
terms:
  dprk: [Korea Utara, North Korea*, Triều Tiên, 북한]
senses:
  - why: one name in a list of many
    terms: ["@dprk"]
    in_list: 4
salience:
  lead_words: 60
  min_hits: 2
rules:
  - id: dprk
    any: ["@dprk"]
"""

ASEAN = """\
terms:
  asean: [ASEAN]
senses:
  - why: an ASEAN meeting as the occasion of another story
    terms: ["@asean"]
    before: [bên lề, di sela]
    window: 3
    windows: {vi: 8}
rules:
  - id: asean
    any: ["@asean"]
"""


def _listed(text: str, name: str, n: int = 4) -> str | None:
    start = text.index(name)
    near = list_neighbour(text, start, start + len(name), n)
    return None if near is None else text[near[0] : near[1]]


@pytest.mark.parametrize(
    ("text", "name", "neighbour"),
    [
        # a medal table: the lead-in's last name ("Japan") counts, the hit closes the list
        ("Malaysia was 9th, followed by Japan, India, Iran, Thailand and North Korea.", "North Korea", "Thailand"),
        # a listicle in Indonesian, "dan" before the last item
        ("Di antaranya Bangladesh, Kamboja, Korea Utara, Iran, Mongolia, dan Ghana.", "Korea Utara", "Kamboja"),
        # the list opens the sentence and its last item carries the verb
        ("Korea Utara, Iran, Suriah dan Kuba dianggap paling tertutup.", "Korea Utara", "Iran"),
        # Vietnamese names of two syllables, "và"
        ("Các nước chưa có 5G gồm Lào, Bhutan, Triều Tiên, Mông Cổ và Afghanistan.", "Triều Tiên", "Bhutan"),
        # Korean has no capitals: commas and a closing 등
        ("가장 느린 나라로 예멘, 투르크메니스탄, 북한, 에리트레아 등이 꼽혔다.", "북한", "투르크메니스탄"),
    ],
)
def test_a_name_among_many_listed_names_is_found_in_four_languages(text, name, neighbour):
    assert _listed(text, name) == neighbour


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # commas of ordinary prose: "kata KCNA" is not a name, so no list of four
        ("Korea Utara dan Rusia menandatangani pakta, kata KCNA, Selasa.", "Korea Utara"),
        ("Menurut Kim, Korea Utara, yang dipimpin Kim Jong Un, menolak tawaran itu.", "Korea Utara"),
        ("북한은 13일 오전, 동해상으로 탄도미사일 1발을 발사했다고, 합참이 밝혔다.", "북한"),
        # three names are a pair of neighbours, not a list (the group's letter "C" is no name)
        ("Bốc thăm xếp Việt Nam vào bảng C cùng Nhật Bản, Triều Tiên và Ấn Độ.", "Triều Tiên"),
        # a list in another sentence does not reach the hit
        ("Japan, India, Iran, Thailand. North Korea fired a missile.", "North Korea"),
        # the hit in the middle of a long item is not listed
        ("Iran, Suriah, Kuba, dan laporan tentang Korea Utara yang baru terbit.", "Korea Utara"),
    ],
)
def test_prose_with_commas_is_no_list(text, name):
    assert _listed(text, name) is None


def test_the_list_check_is_bounded_on_one_long_sentence():
    names = ", ".join(["Iran"] * 5000)
    text = names + ", North Korea, " + names
    assert _listed(text, "North Korea") == "Iran"  # found within the reach, not by reading 50,000 characters


def test_to_scan_inverts_to_original_even_on_the_slow_folding_path():
    shadow = build_shadow("Straße", "", "e\u0301te\u0301, Iran, Korea Utara")  # decomposed accents: an index map
    content = shadow.originals[2]
    s = content.index("Iran")
    start, end, field = shadow.to_scan(2, s, s + 4)
    assert field == 2 and shadow.text[start:end] == "iran"
    assert shadow.to_original(start, end) == (2, s, s + 4)


def test_a_listed_name_does_not_make_the_story_and_the_explanation_says_so(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=NK))
    medals = article(
        "Malaysia finished with 11 golds. China topped the table, followed by Japan, South Korea, India, "
        "Iran, Thailand and North Korea.",
        title="Asian Games: Malaysia's best haul",
        language="en",
    )
    assert rs.classify(medals).topics == ()
    miss = {m.topic: m for m in near_misses(rs, medals, set())}["north-korea"]
    assert "not counted: «North Korea»" in miss.lacked and "one name in a list of many" in miss.lacked
    # the same name as the story's subject still counts, in the same article shape
    story = article("North Korea fired two missiles, Japan said. North Korea warned of more.", language="en")
    assert rs.classify(story).topics == ("north-korea",)
    # a listed title hit is another sense: the lead alone no longer makes the story
    titled = article("Korea Utara menolak tawaran itu.", title="Iran, Suriah, Kuba, dan Korea Utara di ujung daftar")
    got = rs.classify(titled)
    assert got.topics == ()


def test_a_list_sense_can_be_switched_off_like_every_sense(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=NK))
    listed = article("Di antaranya Bangladesh, Kamboja, Korea Utara, Iran, Mongolia, dan Ghana.")
    assert rs.classify(listed).topics == ()
    rs.use_cues = False
    assert rs.classify(listed).topics == ("north-korea",)


def test_a_sense_reaches_as_far_as_the_articles_language_needs(rules_dir, article):
    rs = load_ruleset(rules_dir(asean=ASEAN))
    # Vietnamese: six syllables between cue and hit, within the vi window of 8
    vi = article("Bên lề Hội nghị Bộ trưởng Kinh tế ASEAN, bộ trưởng nói giá xăng sẽ giảm.", language="vi")
    assert rs.classify(vi).topics == ()
    # Indonesian: the same distance is beyond the default window of 3
    far = article("Di sela pertemuan para menteri ekonomi se-kawasan ASEAN, harga telur dibahas.")
    assert rs.classify(far).topics == ("asean",)
    near = article("Di sela KTT ASEAN, menteri bicara harga telur.")
    assert rs.classify(near).topics == ()


def test_a_sense_window_out_of_range_is_refused_with_its_language(rules_dir):
    from pantau.streams.classify.loader import check_ruleset

    bad = ASEAN.replace("windows: {vi: 8}", "windows: {vi: 80}")
    report = check_ruleset(rules_dir(asean=bad))
    assert any("vi: 80 is out of range" in p.message for p in report.errors)


def test_a_passing_mention_near_miss_names_the_hits_a_sense_took_away(rules_dir, article):
    salient_asean = ASEAN.replace("rules:", "salience:\n  lead_words: 5\n  min_hits: 2\nrules:")
    rs = load_ruleset(rules_dir(asean=salient_asean))
    a = article("Harga telur naik di pasar induk pekan ini. Di sela KTT ASEAN, menteri bicara. Menteri ASEAN hadir.")
    assert rs.classify(a).topics == ()
    miss = {m.topic: m for m in near_misses(rs, a, set())}["asean"]
    assert miss.lacked.startswith("a passing mention: 1 hit(s)")
    assert "not counted: «ASEAN» (content, next to «Di sela»)" in miss.lacked


AGENDA = """\
terms:
  asean: [ASEAN]
  frame: [menteri, sekretaris jenderal, ministers]
senses:
  - why: one line of a list (an agenda, a week ahead)
    terms: ["@asean"]
    in_lines: 3
rules:
  - id: asean
    query: '@asean NEAR/8 @frame'
"""


def test_a_hit_on_one_line_of_an_agenda_or_a_week_ahead_does_not_count(rules_dir, article):
    rs = load_ruleset(rules_dir(asean=AGENDA))
    agenda = (
        "Jakarta - Berikut agenda hari ini:\n\n"
        "1. Upacara di Kalibata, pukul 07.30.\n"
        "2. Rapat paripurna DPR, pukul 10.00.\n"
        "3. Menteri Luar Negeri menerima Sekretaris Jenderal ASEAN, pukul 11.00.\n"
        "4. Pameran buku di JCC.\n"
    )
    assert rs.classify(article(agenda, title="Agenda hari ini")).topics == ()
    misses = {m.topic: m for m in near_misses(rs, article(agenda, title="Agenda hari ini"), set())}
    assert "one line of a list" in misses["asean"].lacked
    week = (
        "Key events this week:\n\nMONDAY: China trade data.\n\nTUESDAY: ASEAN economic ministers meet in Manila.\n\n"
        "WEDNESDAY: US inflation.\n"
    )
    assert rs.classify(article(week, title="Week ahead", language="en")).topics == ()


def test_prose_paragraphs_and_a_short_list_are_no_list_of_lines(rules_dir, article):
    rs = load_ruleset(rules_dir(asean=AGENDA))
    prose = (
        "Para menteri luar negeri ASEAN bertemu di Jakarta.\n\n"
        "Mereka membahas Myanmar: junta diminta menghentikan serangan.\n\nPertemuan ditutup sore hari."
    )
    assert rs.classify(article(prose)).topics == ("asean",)
    two = "Agenda:\n1. Rapat DPR.\n2. Menteri Luar Negeri menerima Sekretaris Jenderal ASEAN.\n\nLainnya menyusul."
    assert rs.classify(article(two)).topics == ("asean",)  # two list lines are not three


def test_list_line_neighbour_finds_a_run_of_list_lines():
    text = "Intro line here.\n\n- satu\n- dua ASEAN\n\n- tiga\nPenutup."
    at = text.index("ASEAN")
    near = list_line_neighbour(text, at, 3)
    assert near is not None and text[near[0] : near[1]] == "- satu"
    assert list_line_neighbour(text, at, 4) is None
    assert list_line_neighbour("Prosa ASEAN biasa.\n- a\n- b\n- c", 6, 3) is None  # the hit's own line is prose


def test_a_releases_bulleted_paragraphs_and_a_transcripts_turns_are_prose_not_list_lines(rules_dir, article):
    rs = load_ruleset(rules_dir(asean=AGENDA.replace("ministers]", "ministers, 사무총장]")))
    release = (
        "보 도 자 료\n\n"
        "■ 경찰청은 마닐라에서 열린 아세안폴 총회에 참석해 공동대응 방안을 제안했다고 밝혔다.\n\n"
        "■ 회원국 경찰청장들은 정보 공유에 합의했다.\n\n"
        "■ 경찰청은 ASEAN 사무총장과 면담했다.\n"
    )
    assert rs.classify(article(release, title="[보도자료] 경찰청, 스캠 공조 제안", language="ko")).topics == ("asean",)
    turn = (
        "RATNA: Para menteri ASEAN sepakat mempercepat integrasi pembayaran digital dan konektivitas listrik "
        "kawasan, dan bagi daerah perbatasan seperti Kalimantan Barat ini berarti peluang menjual listrik dan hasil "
        "bumi ke Sarawak dengan aturan yang lebih sederhana serta biaya lebih rendah."
    )
    transcript = f"PEMANDU: Selamat pagi.\n\n{turn}\n\nPEMANDU: Terima kasih.\n\nRATNA: Sama-sama."
    assert rs.classify(article(transcript, title="Transkrip dialog radio")).topics == ("asean",)
    # a Korean digest's items end without a sentence's ending, and a day's agenda glues its bullet to the time
    digest = "△ 코스피 2,600선 후퇴\n△ ASEAN 사무총장 방한\n△ 서울 아침 영하 8도\n"
    assert rs.classify(article(digest, title="[간추린 뉴스]", language="ko")).topics == ()
    agenda = "▲경제\n-08:00 물가 브리핑(세종)\n-10:00 장관, ASEAN 사무총장 접견(외교부)\n-15:00 설명회(한은)\n"
    assert rs.classify(article(agenda, title="[오늘의 주요 일정]", language="ko")).topics == ()
