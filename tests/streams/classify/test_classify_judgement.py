"""Denials, other senses and salience: hits that do not count, and stories only passing by a topic."""

from __future__ import annotations

import io
import json
import sys

import pytest

from pantau.cli.main import main
from pantau.core.errors import RulesError
from pantau.streams.classify import load_ruleset
from pantau.streams.classify.explain import near_misses

CYBER = """\
terms:
  incident: [serangan siber, retas, ransomware, hacker, 해킹]
denials:
  before: [bukan, tidak ada indikasi, ruled out, không phải, tidak diretas]
  after: [아닌]
  unless: [bukan hanya]
  window: 3
senses:
  - why: a hackathon
    terms: [hacker]
    before: [hackathon]
    anywhere: true
rules:
  - id: incident
    any: ["@incident"]
"""

NK = """\
terms:
  dprk: [Korea Utara]
  countries: [Jepang, Suriah, Afganistan, Rusia]
senses:
  - why: one country in a list
    terms: ["@dprk"]
    before: ["@countries"]
    after: ["@countries"]
    window: 3
    min_cues: 2
salience:
  lead_words: 10
  min_hits: 2
rules:
  - id: dprk
    any: ["@dprk"]
"""


def test_a_denied_hit_does_not_count_and_the_match_says_which_did_not(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=CYBER))
    assert rs.classify(article(title="Bank: gangguan bukan serangan siber")).topics == ()
    assert rs.classify(article("Polisi: tidak ada indikasi peretasan pada sistem.")).topics == ()
    assert rs.classify(article("The airline ruled out ransomware.", language="en")).topics == ()
    assert rs.classify(article("Sự cố không phải do hacker.", language="vi")).topics == ()
    assert rs.classify(article("행안부는 해킹은 아닌 것으로 파악했다.", language="ko")).topics == ()
    assert rs.classify(article("Sistem tidak diretas, kata Kominfo.")).topics == ()
    got = rs.classify(
        article("Bukan gangguan biasa, ini serangan siber. Peretas meminta tebusan bukan serangan siber lagi.")
    )
    assert got.topics == ("cybercrime",)  # the comma ends the denial's clause
    assert any("not counted: «serangan siber»" in n and "denied" in n for n in got.matches[0].notes)


def test_not_only_is_no_denial_and_a_denial_stops_at_the_clause(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=CYBER))
    assert rs.classify(article("Korban bukan hanya serangan siber tetapi juga pemerasan.")).topics == ("cybercrime",)
    assert rs.classify(article("Bukan rahasia lagi. Serangan siber melumpuhkan bank.")).topics == ("cybercrime",)
    assert rs.classify(article("Bukan satu dua kali, kata polisi, tapi lima kali situs itu diretas.")).topics == (
        "cybercrime",
    )


def test_another_sense_anywhere_in_the_article(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=CYBER))
    assert (
        rs.classify(article("Para hacker membangun aplikasi banjir.", title="Mahasiswa juara hackathon")).topics == ()
    )
    assert rs.classify(article("Para hacker mencuri data.", title="Hacker bobol data")).topics == ("cybercrime",)


def test_a_country_in_a_list_and_a_passing_mention_do_not_make_the_story(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=NK))
    listed = (
        "Paspor Indonesia naik peringkat. " * 4 + "Di posisi bawah ada Suriah, Korea Utara, Afganistan dan lainnya."
    )
    assert rs.classify(article(listed)).topics == ()
    once = "Paspor Indonesia naik peringkat tahun ini menurut indeks terbaru. Pemerintah senang. Di akhir daftar Korea Utara."  # noqa: E501
    assert rs.classify(article(once)).topics == ()
    assert rs.classify(article("Korea Utara meluncurkan rudal.")).topics == ("north-korea",)
    twice = (
        "Pemerintah senang dengan hasil indeks terbaru tahun ini sekali lagi. Korea Utara menolak. Korea Utara marah."
    )
    match = rs.classify(article(twice)).matches[0]
    assert match.notes == ("about the topic: 2 hits",)
    titled = rs.classify(article("Rudal diluncurkan.", title="Korea Utara uji rudal")).matches[0]
    assert titled.notes == ("about the topic: a hit in the title",)


def _denied_outage_and_a_list_mention(article):
    return article(
        "Pemerintah senang dengan hasil indeks terbaru tahun ini sekali lagi. Di akhir daftar ada Korea Utara.",
        title="Bank: gangguan bukan serangan siber",
    )


def test_near_misses_name_what_the_closest_rule_lacked(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=CYBER, north_korea=NK))
    a = _denied_outage_and_a_list_mention(article)
    misses = {m.topic: m for m in near_misses(rs, a, set(rs.classify(a).topics))}
    assert misses["cybercrime"].rule == "incident"
    assert "denied" in misses["cybercrime"].lacked and "serangan siber" in misses["cybercrime"].lacked
    assert misses["north-korea"].lacked.startswith("a passing mention: 1 hit(s)")


def test_the_try_page_gives_each_near_miss_the_reason_explain_gives(rules_dir, article):
    from pantau.web.tryout import judge

    rs = load_ruleset(rules_dir(cybercrime=CYBER, north_korea=NK))
    a = _denied_outage_and_a_list_mention(article)
    explained = {m.topic: m for m in near_misses(rs, a, set(rs.classify(a).topics))}
    near = {v.topic: {n.rule: n.reason for n in v.near} for v in judge(rs, a)}
    assert near["cybercrime"]["incident"] == explained["cybercrime"].lacked  # the denial, not "conditions"
    assert "denied" in near["cybercrime"]["incident"]
    assert near["north-korea"][explained["north-korea"].rule].startswith("a passing mention: 1 hit(s)")


def test_judgement_can_be_switched_off_for_benchmarks(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=CYBER))
    a = article(title="Bank: gangguan bukan serangan siber")
    rs.use_cues = False
    assert rs.classify(a).topics == ("cybercrime",)
    nk = load_ruleset(rules_dir(north_korea=NK))
    once = article(
        "Paspor Indonesia naik peringkat tahun ini menurut indeks terbaru. Pemerintah senang. Di akhir Korea Utara."
    )
    assert nk.classify(once).topics == ()
    nk.use_salience = False
    assert nk.classify(once).topics == ("north-korea",)


def test_classify_explain_prints_matches_and_near_misses(rules_dir, monkeypatch, capsys):
    directory = rules_dir(cybercrime=CYBER, north_korea=NK)
    line = json.dumps({"title": "Bank: gangguan bukan serangan siber", "content": "Korea Utara meluncurkan rudal."})
    monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\n"))
    assert main(["classify", "--explain", "--rules", str(directory)]) == 0
    out = capsys.readouterr().out
    assert "+ north-korea: rule dprk" in out
    assert "- cybercrime: not matched. closest rule incident" in out
    assert "lacked: not counted: «serangan siber» (title, next to «bukan»): denied" in out


PER_LANGUAGE = """\
terms:
  incident: [serangan siber, tấn công mạng, hacker, 해킹, cyberattack, retas]
  before: [bukan, không phải, not a]
  after: [아닌, 무관, dibantah, ruled out]
denials:
  before: ["@before"]
  after: ["@after"]
  window: 1
  windows: {vi: 6, en: 6}
rules:
  - id: incident
    any: ["@incident"]
"""


def test_a_denial_reaches_as_far_as_its_language_needs(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=PER_LANGUAGE))
    # Vietnamese counts every syllable as a word: four syllables between cue and hit are still one clause
    assert rs.classify(article("Đây không phải là một cuộc tấn công mạng.", language="vi")).topics == ()
    # with no declared language, the letters tell Vietnamese apart (no detector run for a window)
    assert rs.classify(article("Đây không phải là một cuộc tấn công mạng.", language=None)).topics == ()
    assert rs.classify(article("It was not a hack or any kind of cyberattack.", language="en")).topics == ()
    # the same distance in Indonesian is beyond its window of one word
    assert rs.classify(article("Ini bukan gangguan teknis biasa melainkan serangan siber.")).topics == ("cybercrime",)
    assert rs.classify(article("Ini bukan lagi sekadar serangan siber.")).topics == ("cybercrime",)
    assert rs.classify(article("Ini bukan serangan siber.")).topics == ()


def test_a_denial_after_the_hit_korean_endings_and_passives(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=PER_LANGUAGE))
    assert rs.classify(article("회사는 해킹과는 무관하다고 밝혔다.", language="ko")).topics == ()
    assert rs.classify(article("Kabar portal diretas dibantah kementerian.")).topics == ()
    assert rs.classify(article("A cyberattack was ruled out.", language="en")).topics == ()
    # a noun term finds its 하다/당하다 verb forms: 해킹당했다 is hacked
    assert rs.classify(article("은행 서버가 해킹당했다.", language="ko")).topics == ("cybercrime",)
    assert rs.classify(article("경찰이 해킹범을 검거했다.", language="ko")).topics == ("cybercrime",)  # the offender


def test_a_denial_stops_at_but_and_at_a_colon(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=PER_LANGUAGE))
    assert rs.classify(article("It was not a drill: a cyberattack hit the port.", language="en")).topics == (
        "cybercrime",
    )
    assert rs.classify(article("Nguyên nhân không phải lỗi mà là tấn công mạng.", language="vi")).topics == (
        "cybercrime",
    )


BRAND = """\
terms:
  asean: [ASEAN]
senses:
  - why: a hotel named after ASEAN
    terms: ["@asean"]
    before: [hotel]
    window: 1
salience:
  lead_words: 30
  min_hits: 2
rules:
  - id: asean
    any: ["@asean"]
"""


def test_a_headline_of_another_sense_makes_the_lead_not_enough(rules_dir, article):
    rs = load_ruleset(rules_dir(asean=BRAND))
    hotel = article("Hotel itu dibuka tahun 1990. Nama ASEAN dipertahankan pemiliknya.", title="Hotel ASEAN direnovasi")
    assert rs.classify(hotel).topics == ()
    misses = {m.topic: m for m in near_misses(rs, hotel, set())}
    assert "the title's hit did not count" in misses["asean"].lacked
    # without the hotel in the headline the same lead makes the story
    assert rs.classify(article("Nama ASEAN dipertahankan.", title="Gedung direnovasi")).topics == ("asean",)
    # and two counted hits still do
    twice = article("Menteri ASEAN bertemu. Sekretariat ASEAN menyiapkan KTT.", title="Hotel ASEAN jadi tuan rumah")
    assert rs.classify(twice).topics == ("asean",)


ACCENTS = """\
terms:
  fake: [giả, Triều Tiên]
rules:
  - id: fake
    any: ["@fake"]
"""


def test_accented_terms_keep_their_accents_in_accented_text(rules_dir, article):
    rs = load_ruleset(rules_dir(t=ACCENTS))
    assert rs.classify(article("Ứng dụng giả mạo ngân hàng.", language="vi")).topics == ("t",)
    assert rs.classify(article("Sản phẩm có giá rẻ cho quốc gia.", language="vi")).topics == ()
    assert rs.classify(article("Giá 2 triệu tiền mặt.", language="vi")).topics == ()
    # typed without accents, the folded form is all there is to go on
    assert rs.classify(article("Trieu Tien phong ten lua.", language="vi")).topics == ("t",)
    # but one accented syllable never finds another language's word: "giả" is not "gia"
    assert rs.classify(article("The GIA certificate came with the diamond.", language="en")).topics == ()


LANGS = """\
terms:
  fraud: [penipuan, lừa đảo]
  online: [online, aplikasi, trực tuyến]
rules:
  - id: fraud-vi
    query: 'lừa đảo NEAR/10 @online'
    languages: [vi]
  - id: fraud-id
    query: 'penipuan NEAR/2 @online'
"""


def test_a_near_miss_prefers_the_articles_own_language(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=LANGS))
    a = article("Polisi menyelidiki penipuan yang terjadi lewat sebuah aplikasi pinjaman.")
    (miss,) = near_misses(rs, a, set())
    assert miss.rule == "fraud-id" and "conditions are not met" in miss.lacked


ADVICE = """\
terms:
  scam: [mengaku petugas, penipuan online]
senses:
  - why: advice in the story, not a report
    before: [waspadai, mewaspadai]
    window: 3
    fields: [summary, content]
rules:
  - id: scam
    any: ["@scam"]
"""


def test_a_sense_limited_to_the_body_leaves_the_headline_counting(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=ADVICE))
    tip = article("Sistem diperbarui malam ini. Bank meminta nasabah mewaspadai pihak yang mengaku petugas.")
    assert rs.classify(tip).topics == ()
    misses = {m.topic: m for m in near_misses(rs, tip, set())}
    assert "advice in the story, not a report" in misses["cybercrime"].lacked
    # the same warning as the headline is the story (a scam wave), and counts
    wave = article("Modusnya menyebar lewat WhatsApp.", title="Waspadai Penipuan Online Catut Nama Bank")
    assert rs.classify(wave).topics == ("cybercrime",)
    # a report of the crime in the body still counts next to the tip
    told = article("Pelaku mengaku petugas dan menguras rekening. Polisi minta warga mewaspadai penipuan online.")
    got = rs.classify(told)
    assert got.topics == ("cybercrime",)
    assert any("not counted: «penipuan online»" in n for n in got.matches[0].notes)


def test_a_sense_with_an_unknown_field_is_refused_with_its_line(rules_dir):
    bad = ADVICE.replace("fields: [summary, content]", "fields: [body]")
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir(cybercrime=bad))
    assert "fields" in str(caught.value)


HEADLINE = """\
terms:
  incident: [retas, ransomware, forum gelap, web gelap]
  site: [situs]
  fake: [tiruan, palsu]
denials:
  before: [bantah, tidak ada]
  window: 3
  headline:
    needs: ["@incident"]
    min_hits: 2
rules:
  - id: incident
    any: ["@incident"]
  - id: fake-site
    query: '@site NEAR/3 @fake'
"""


def test_a_denying_headline_scopes_the_story_to_strong_terms(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=HEADLINE))
    denial = article(
        "Situs sempat lambat. Situs tiruan beredar di grup WhatsApp.", title="Kementerian Bantah Situs Diretas"
    )
    assert rs.classify(denial).topics == ()
    misses = {m.topic: m for m in near_misses(rs, denial, set())}
    assert misses["cybercrime"].rule == "fake-site"
    assert misses["cybercrime"].lacked.startswith("the headline denies the topic: 0 hit(s)")
    # without the denying headline the same body is a fake-site story
    plain = article("Situs sempat lambat. Situs tiruan beredar di grup WhatsApp.", title="Pendaftaran sekolah dibuka")
    assert rs.classify(plain).topics == ("cybercrime",)
    # two counted names of the crime in the body overturn the headline
    claim = article(
        "Kelompok ransomware mengklaim mencuri data dan mengunggahnya ke web gelap.", title="Bank Bantah Diretas"
    )
    assert rs.classify(claim).topics == ("cybercrime",)
    # one is not enough
    once = article("Kelompok ransomware disebut-sebut, tetapi tak terbukti.", title="Bank Bantah Diretas")
    assert rs.classify(once).topics == ()
    # a headline that also asserts the crime is no denial of the story
    both = article("", title="BKN Bantah Diretas, tetapi Data Dijual di Forum Gelap")
    assert rs.classify(both).topics == ("cybercrime",)


def test_a_headline_denying_only_a_weak_word_does_not_scope_the_story(rules_dir, article):
    # "OJK: bukan investasi berizin" denies a company word, not the crime: the body still counts
    rs = load_ruleset(rules_dir(cybercrime=HEADLINE))
    weak = article("Situs tiruan beredar di grup WhatsApp.", title="Tidak ada situs resmi untuk bansos")
    assert rs.classify(weak).topics == ("cybercrime",)
    # denying a name of the crime still scopes the same body
    strong = article("Situs tiruan beredar di grup WhatsApp.", title="Kementerian bantah diretas")
    assert rs.classify(strong).topics == ()


def test_without_a_headline_scope_a_denied_title_needs_only_salience(rules_dir, article):
    plain = HEADLINE.replace('  headline:\n    needs: ["@incident"]\n    min_hits: 2\n', "")
    rs = load_ruleset(rules_dir(cybercrime=plain))
    denial = article(
        "Situs sempat lambat. Situs tiruan beredar di grup WhatsApp.", title="Kementerian Bantah Situs Diretas"
    )
    assert rs.classify(denial).topics == ("cybercrime",)


def test_rules_diff_names_the_headline_denial_as_what_decided(capsys, monkeypatch, rules_dir, tmp_path):
    plain = HEADLINE.replace('  headline:\n    needs: ["@incident"]\n    min_hits: 2\n', "")
    old, new = rules_dir(tmp_path / "old", cybercrime=plain), rules_dir(tmp_path / "new", cybercrime=HEADLINE)
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        json.dumps({"title": "Kementerian Bantah Situs Diretas", "content": "Situs tiruan beredar di grup WhatsApp."})
        + "\n"
    )
    monkeypatch.setattr(sys, "argv", ["pantau"])
    code = main(["rules", "diff", str(old), str(new), str(articles)])
    printed = capsys.readouterr().out
    assert "rule fake-site: the headline's denial decided, the headline denies the topic: 0 hit(s)" in printed
    assert code == 0
