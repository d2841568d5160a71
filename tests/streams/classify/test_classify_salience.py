"""Salience, round 5: the lead ends with the first paragraph, one sentence is one mention, company is not a mention."""

from __future__ import annotations

import re

import pytest

from pantau.core.errors import RulesError
from pantau.streams.classify import load_ruleset
from pantau.streams.classify.explain import near_misses
from pantau.streams.classify.salience import lead_end

PARAGRAPHS = """\
terms:
  dprk: [Korea Utara]
salience:
  lead_words: 60
  lead_paragraphs: 1
  min_hits: 2
rules:
  - id: dprk
    any: ["@dprk"]
"""

BUDGET = (
    "JAKARTA - DPR mengesahkan APBN 2026 dalam rapat paripurna hari Kamis.\n\n"
    "Anggaran pertahanan naik dua belas persen menjadi Rp 185 triliun tahun depan.\n\n"
    "Anggota Komisi I menyebut uji coba rudal Korea Utara sebagai salah satu alasannya."
)


def test_a_name_past_the_first_paragraph_is_a_passing_mention(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=PARAGRAPHS))
    assert rs.classify(article(BUDGET)).topics == ()  # 35 words in: inside lead_words, but the third paragraph
    misses = {m.topic: m for m in near_misses(rs, article(BUDGET), set())}
    assert misses["north-korea"].lacked.startswith("a passing mention: 1 hit(s), none in the title or the lead")
    first = "TOKYO - Korea Utara menembakkan dua rudal balistik pagi ini ke arah laut timur.\n\nJepang memprotes."
    match = rs.classify(article(first)).matches[0]
    assert match.notes == ("about the topic: a hit in the lead (the first 60 words of the first paragraph)",)


def test_a_dateline_or_a_kicker_line_does_not_end_the_lead(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=PARAGRAPHS))
    kicker = "EDITORIAL\n\nSetelah berbulan-bulan diam, Korea Utara kembali menembakkan rudal ke laut timur pagi ini."
    assert rs.classify(article(kicker)).topics == ("north-korea",)


def test_lead_end_finds_the_end_of_the_first_paragraphs():
    text = "Baris pendek\n\nIni paragraf pertama yang cukup panjang untuk dihitung, kata dia.\nKedua lagi juga."
    assert text[: lead_end(text, 1)].endswith("kata dia.")
    wrapped = "Sebuah kalimat yang dibungkus\nkeras oleh feed di tengah kalimat tetap satu paragraf panjang.\n\nLain."
    assert lead_end(text, 2) == len(text)  # no second paragraph end: the lead runs to the end
    assert wrapped[: lead_end(wrapped, 1)].endswith("satu paragraf panjang.")
    assert lead_end("tanpa jeda sama sekali", 1) == len("tanpa jeda sama sekali")


SENTENCES = """\
terms:
  theft: [pencurian, kripto, N. Korea]
salience:
  lead_words: 5
  min_hits: 2
  per_sentence: true
rules:
  - id: theft
    any: ["@theft"]
"""


def test_hits_in_one_sentence_are_one_mention(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=SENTENCES))
    lead = "Menteri luar negeri dua negara bertemu di Jakarta untuk membahas investasi dan perdagangan. "
    once = lead + "Ia juga menyinggung pencurian aset kripto oleh peretas."
    assert rs.classify(article(once)).topics == ()
    misses = {m.topic: m for m in near_misses(rs, article(once), set())}
    assert "1 sentence(s) with a hit, none in the title or the first 5 words" in misses["cybercrime"].lacked
    assert "or 2 sentences with a hit" in misses["cybercrime"].lacked
    twice = lead + "Pencurian itu besar. Aset kripto senilai Rp 1 triliun hilang."
    match = rs.classify(article(twice)).matches[0]
    assert match.notes == ("about the topic: 2 sentences with a hit",)


def test_a_full_stop_inside_a_hit_does_not_split_its_sentence(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=SENTENCES))
    lead = "Menteri luar negeri dua negara bertemu di Jakarta untuk membahas investasi dan perdagangan. "
    assert rs.classify(article(lead + "Ia menyebut N. Korea dan kripto curian.")).topics == ()


MENTIONS = """\
terms:
  asean: [ASEAN]
  frame: [menteri, KTT, sepakat]
  alias: [blok regional]
salience:
  lead_words: 10
  min_hits: 3
  mentions: ["@asean", "@alias"]
rules:
  - id: named
    query: '@asean NEAR/8 @frame'
  - id: told
    query: 'Myanmar AND @frame AND (junta OR pemilu)'
"""


def test_company_words_help_a_rule_match_but_are_no_mention(rules_dir, article):
    rs = load_ruleset(rules_dir(asean=MENTIONS))
    late = (
        "Harga telur naik di pasar induk pekan ini karena pasokan turun dari peternak. "
        "Menteri perdagangan ditemui usai menghadiri pertemuan menteri ASEAN dan berjanji operasi pasar. "
        "Menteri itu menyebut KTT tidak membahas telur."
    )
    assert rs.classify(article(late)).topics == ()  # one mention; the ministers and the summit do not add up
    misses = {m.topic: m for m in near_misses(rs, article(late), set())}
    assert misses["asean"].lacked.startswith("a passing mention: 1 hit(s)")
    many = "Pekan ini di Jakarta. " * 3 + "Menteri ASEAN sepakat. ASEAN menolak. KTT ASEAN ditutup."
    assert rs.classify(article(many)).topics == ("asean",)
    # a rule with none of the mention terms counts all of its own
    told = "Pekan ini di Jakarta. " * 3 + "Para menteri sepakat menolak pemilu junta Myanmar. KTT ditutup."
    assert rs.classify(article(told)).topics == ("asean",)


def test_an_unknown_list_in_mentions_is_refused_with_its_line(rules_dir):
    with pytest.raises(RulesError) as err:
        load_ruleset(rules_dir(asean=MENTIONS.replace('"@alias"]', '"@alais"]')))
    assert "unknown list '@alais'" in str(err.value)
    assert "did you mean 'alias'" in str(err.value)
    assert "refused: " in str(err.value)  # one error: the file's salience is checked once, not once per rule
    assert "asean.yaml:11:" in str(err.value)


BESIDE_CYBER = """\
terms:
  theft: [pencurian, kripto, peretas]
salience:
  lead_words: 80
  min_hits: 2
  beside: [north-korea]
rules:
  - id: theft
    any: ["@theft"]
  - id: with-the-state
    query: '@theft AND @north-korea.dprk'
"""

BESIDE_NK = """\
terms:
  dprk: [Korea Utara, Pyongyang]
rules:
  - id: dprk
    any: ["@dprk"]
"""

TALKS = (
    "SEOUL - Korea Utara menolak tawaran dialog militer dari Seoul, kata media pemerintah, Kamis.\n\n"
    "Pyongyang menyebut latihan gabungan sebagai alasan. Pejabat Seoul juga menyinggung pencurian kripto oleh peretas."
)


def test_one_sentence_beside_another_topics_story_is_a_passing_mention(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=BESIDE_CYBER, north_korea=BESIDE_NK))
    talks = article(TALKS, title="Pyongyang tolak dialog militer")
    assert rs.classify(talks).topics == ("north-korea",)  # the lead and 3 hits were enough before
    misses = {m.topic: m for m in near_misses(rs, talks, {"north-korea"})}
    assert misses["cybercrime"].lacked.startswith("a passing mention beside a story about north-korea: ")
    # the other story's words (Pyongyang in the title) are no mention of this topic
    assert (
        "1 sentence(s) with a hit, none in the title, the summary or the first sentence" in misses["cybercrime"].lacked
    )
    # without a North Korea story the same sentence in the lead still makes it
    alone = "Bank itu menyebut kerugian besar. Pejabat juga menyinggung pencurian kripto oleh peretas."
    assert rs.classify(article(alone)).topics == ("cybercrime",)


def test_beside_another_topic_a_title_first_sentence_or_two_sentences_still_make_it(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=BESIDE_CYBER, north_korea=BESIDE_NK))
    first = article("Peretas Korea Utara mencuri kripto senilai 1 miliar dolar dari bursa, kata FBI. Bursa tutup.")
    assert set(rs.classify(first).topics) == {"cybercrime", "north-korea"}
    titled = article(TALKS, title="Pyongyang dituding di balik pencurian kripto")
    assert set(rs.classify(titled).topics) == {"cybercrime", "north-korea"}
    two = article(TALKS + " Pencurian itu terjadi di bursa Jepang, kata FBI.", title="Pyongyang tolak dialog")
    assert set(rs.classify(two).topics) == {"cybercrime", "north-korea"}


def test_rules_diff_says_salience_decided_beside_another_topic(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=BESIDE_CYBER, north_korea=BESIDE_NK))
    d = rs.diagnose("theft", article(TALKS, title="Pyongyang tolak dialog militer"))
    assert d is not None and d.ok and not d.matches
    assert d.salience.startswith("a passing mention beside a story about north-korea")


def test_an_unknown_topic_beside_is_refused_with_its_line(rules_dir):
    with pytest.raises(RulesError) as err:
        load_ruleset(rules_dir(cybercrime=BESIDE_CYBER.replace("[north-korea]", "[nort-korea]"), north_korea=BESIDE_NK))
    assert "unknown topic 'nort-korea'" in str(err.value)
    assert re.search(r"cybercrime\.yaml:\d+:\d+: salience beside: unknown topic", str(err.value))


TITLE_ALONE = """\
terms:
  dprk: [North Korea*, Pyongyang]
salience:
  lead_words: 60
  lead_paragraphs: 1
  min_hits: 2
  title_alone_words: 40
rules:
  - id: dprk
    any: ["@dprk"]
"""

_REVIEW_BODY = (
    "Three stars\n\nThe new streaming drama opens with a snowstorm, a wrong turn and a botanist stuck in a tree "
    "on the wrong side of the border. The sergeant who cuts her down hides a box of pop cassettes. The writers "
    "lean into comedy, the production design is rich, and the lead's quiet glances carry a thin, borrowed plot "
    "to a reunion in Switzerland."
)


def test_a_long_story_that_names_the_topic_only_in_its_title_is_a_passing_mention(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=TITLE_ALONE))
    title = "Review: a North Korean soldier gets a human face"
    assert rs.classify(article(_REVIEW_BODY, title=title)).topics == ()
    misses = {m.topic: m for m in near_misses(rs, article(_REVIEW_BODY, title=title), set())}
    assert misses["north-korea"].lacked.startswith("a passing mention: only the title names it")
    assert "(a text of 40 words or more must name it again)" in misses["north-korea"].lacked
    # named again anywhere below the title (past the lead, too): the story is about it
    again = _REVIEW_BODY + "\n\nThe show was shot far from Pyongyang, in a studio near Seoul."
    match = rs.classify(article(again, title=title)).matches[0]
    assert match.notes == ("about the topic: a hit in the title",)


def test_a_one_line_wire_or_a_short_text_still_alerts_on_its_title(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=TITLE_ALONE))
    assert rs.classify(article("", title="N. Korea fires missile, North Korea says")).topics == ("north-korea",)
    short = "The launch came hours after the joint drills began, officials in Tokyo said."
    assert rs.classify(article(short, title="North Korea fires two missiles")).topics == ("north-korea",)
    # without title_alone_words a title hit is enough, however long the text (the default, as before)
    plain = load_ruleset(rules_dir(north_korea=TITLE_ALONE.replace("  title_alone_words: 40\n", "")))
    title = "Review: a North Korean soldier gets a human face"
    assert plain.classify(article(_REVIEW_BODY, title=title)).topics == ("north-korea",)


OTHER_NAMES = TITLE_ALONE.replace(
    "  dprk: [North Korea*, Pyongyang]\n",
    "  dprk: [North Korea*, Pyongyang]\n  other: [the regime, Reconnaissance General Bureau, Hyesan]\n",
).replace("  title_alone_words: 40\n", "  title_alone_words: 40\n  other_names: ['@other']\n")


def test_other_names_name_the_topic_again_and_add_a_hit_but_never_match_alone(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=OTHER_NAMES))
    title = "Note: Pyongyang-linked thefts top $2.3 billion"
    # the title's name, and the body names the North again only by its spy agency: about it
    again = _REVIEW_BODY + "\n\nAnalysts tie the thefts to the Reconnaissance General Bureau."
    match = rs.classify(article(again, title=title)).matches[0]
    assert match.notes == ("about the topic: a hit in the title, named again below it by another name",)
    assert load_ruleset(rules_dir(north_korea=TITLE_ALONE)).classify(article(again, title=title)).topics == ()
    # one name past the lead and an other name elsewhere: two hits, min_hits 2
    deep = _REVIEW_BODY + "\n\nThe money went to Pyongyang.\n\nThe regime denies it."
    match = rs.classify(article(deep, title="Exchange loses $96 million")).matches[0]
    assert match.notes == ("about the topic: 2 hits (1 by another name)",)
    lone = _REVIEW_BODY + "\n\nThe money went to Pyongyang."
    assert rs.classify(article(lone, title="Exchange loses $96 million")).topics == ()
    # other names alone never make a rule match, even in the title
    assert rs.classify(article("The regime denies it.", title="Hyesan prices soar")).topics == ()


TITLE_LIKE_TEXT = """\
terms:
  dprk: [Korea Utara]
senses:
  - why: a figure of speech
    terms: ["@dprk"]
    before: [bedanya]
    window: 3
salience:
  lead_words: 60
  min_hits: 2
  title_like_text: true
rules:
  - id: dprk
    any: ["@dprk"]
"""

_DEBATE = '"Kalau semua rahasia, apa bedanya kita dengan Korea Utara?" kata anggota fraksi.'


def test_a_title_hit_over_a_text_that_uses_the_name_only_in_another_sense_is_read_that_way(rules_dir, article):
    rs = load_ruleset(rules_dir(north_korea=TITLE_LIKE_TEXT))
    title = "Fraksi: Jangan Sampai Kita Jadi Korea Utara"
    assert rs.classify(article(_DEBATE, title=title)).topics == ()
    misses = {m.topic: m for m in near_misses(rs, article(_DEBATE, title=title), set())}
    assert misses["north-korea"].lacked.startswith(
        "a passing mention: the text below the title names it only where it did not count"
    )
    # a text that names it once more, in its own sense, makes the title count again
    real = _DEBATE + " Korea Utara menembakkan rudal pagi ini."
    assert rs.classify(article(real, title=title)).topics == ("north-korea",)
    # a text that never names it: the title alone still makes a short story (as before)
    assert rs.classify(article("Rudal jatuh di laut timur.", title="Korea Utara tembakkan rudal")).topics == (
        "north-korea",
    )
    # without title_like_text, the title's hit is enough (the default)
    plain = load_ruleset(rules_dir(north_korea=TITLE_LIKE_TEXT.replace("  title_like_text: true\n", "")))
    assert plain.classify(article(_DEBATE, title=title)).topics == ("north-korea",)
