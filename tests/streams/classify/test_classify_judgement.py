"""Denials, other senses and salience: hits that do not count, and stories only passing by a topic."""

from __future__ import annotations

import io
import json
import sys

from pantau.cli.main import main
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


def test_near_misses_name_what_the_closest_rule_lacked(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=CYBER, north_korea=NK))
    a = article(
        "Pemerintah senang dengan hasil indeks terbaru tahun ini sekali lagi. Di akhir daftar ada Korea Utara.",
        title="Bank: gangguan bukan serangan siber",
    )
    misses = {m.topic: m for m in near_misses(rs, a, set(rs.classify(a).topics))}
    assert misses["cybercrime"].rule == "incident"
    assert "denied" in misses["cybercrime"].lacked and "serangan siber" in misses["cybercrime"].lacked
    assert misses["north-korea"].lacked.startswith("a passing mention: 1 hit(s)")


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
