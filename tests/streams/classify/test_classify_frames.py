"""Frames: a headline that frames the story as a lesson or a launch needs telling terms to make the topic."""

from __future__ import annotations

import json
import sys

import pytest

from pantau.cli.main import main
from pantau.core.errors import RulesError
from pantau.streams.classify import load_ruleset
from pantau.streams.classify.explain import near_misses

FRAMED = """\
terms:
  incident: [phishing, retas, ransomware, penipuan]
  lesson: [pelatihan, latih, lomba, tập huấn]
  launch: [fitur]
  telling: [korban, kerugian, ditangkap, pelaku, bắt giữ, nạn nhân]
frames:
  - why: a lesson or a contest
    title: ["@lesson"]
    needs: ["@telling"]
    min_hits: 2
  - why: a product feature
    title: ["@launch"]
    needs: ["@telling"]
rules:
  - id: incident
    any: ["@incident"]
"""


def test_a_lesson_headline_takes_the_crime_words_of_its_body_away(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=FRAMED))
    lesson = article("Peserta belajar mengenali email phishing dan ransomware.", title="BSSN Latih 60 Guru SMK")
    assert rs.classify(lesson).topics == ()
    misses = {m.topic: m for m in near_misses(rs, lesson, set())}
    assert misses["cybercrime"].lacked == (
        "the headline frames the story as a lesson or a contest: 0 hit(s) of the terms that overturn it (needs 2)"
    )
    # the same body under a plain headline is a crime story
    plain = article("Peserta belajar mengenali email phishing dan ransomware.", title="Kabar dari Kupang")
    assert rs.classify(plain).topics == ("cybercrime",)


def test_two_telling_terms_overturn_the_frame_and_one_does_not(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=FRAMED))
    caught = article("Pelaku ditangkap setelah meretas sistem kampus.", title="Mantan Juara Lomba Siber")
    assert rs.classify(caught).topics == ("cybercrime",)
    taught = article("Narasumber menjelaskan cara peretas memancing korban lewat phishing.", title="Pelatihan Desa")
    assert rs.classify(taught).topics == ()
    vi = article("Công an bắt giữ đối tượng, nạn nhân mất tiền vì phishing.", title="Tập huấn xong", language="vi")
    assert rs.classify(vi).topics == ("cybercrime",)


def test_a_frame_counts_only_in_the_headline_and_each_frame_has_its_own_needs(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=FRAMED))
    # the lesson word in the body frames nothing: the headline tells the crime
    body = article("Ia pernah ikut pelatihan. Akunnya diretas lewat phishing.", title="Akun Guru Diretas")
    assert rs.classify(body).topics == ("cybercrime",)
    # the launch frame needs one telling term only
    feature = article("Fitur menandai panggilan penipuan.", title="Ponsel Baru Bawa Fitur Deteksi Penipuan")
    assert rs.classify(feature).topics == ()
    victims = article("Fitur itu dibuat setelah ribuan korban penipuan.", title="Ponsel Baru Bawa Fitur Anti Penipuan")
    assert rs.classify(victims).topics == ("cybercrime",)


def test_frames_are_switched_off_with_the_other_cues_for_benchmarks(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=FRAMED))
    lesson = article("Peserta belajar mengenali email phishing.", title="BSSN Latih 60 Guru SMK")
    rs.use_cues = False
    assert rs.classify(lesson).topics == ("cybercrime",)


def test_a_frame_without_needs_is_refused_with_its_place(rules_dir):
    bad = FRAMED.replace('    needs: ["@telling"]\n    min_hits: 2\n', "", 1)
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir(cybercrime=bad))
    assert "needs" in str(caught.value)
    unknown = FRAMED.replace('title: ["@lesson"]', 'title: ["@lessons"]')
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_dir(cybercrime=unknown))
    assert "@lessons" in str(caught.value)


def test_rules_diff_names_the_frame_as_what_decided(capsys, monkeypatch, rules_dir, tmp_path):
    plain = FRAMED.split("frames:")[0] + "rules:" + FRAMED.split("rules:")[1]
    old, new = rules_dir(tmp_path / "old", cybercrime=plain), rules_dir(tmp_path / "new", cybercrime=FRAMED)
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"title": "BSSN Latih 300 ASN", "content": "Simulasi serangan ransomware."}) + "\n")
    monkeypatch.setattr(sys, "argv", ["pantau"])
    code = main(["rules", "diff", str(old), str(new), str(articles)])
    printed = capsys.readouterr().out
    assert "rule incident: the headline's frame decided, the headline frames the story as a lesson" in printed
    assert code == 0


CORRECTION = """\
terms:
  incident: [retas, bocor, ransomware]
  correction: [ralat, koreksi]
  telling: [korban, polisi, bocor]
denials:
  before: [tidak, bukan]
frames:
  - why: a correction notice
    title: ["@correction"]
    needs: ["@telling"]
    taken_back: true
rules:
  - id: incident
    any: ["@incident"]
"""


def test_a_correction_that_keeps_the_crime_alerts_and_one_that_takes_it_back_does_not(rules_dir, article):
    rs = load_ruleset(rules_dir(cybercrime=CORRECTION))
    amended = article("Data 5.000 nasabah bocor, polisi memburu peretas; yang benar 50.000.", title="Ralat")
    assert rs.classify(amended).topics == ("cybercrime",)
    # the same telling terms, but the notice says the site was not hacked: the frame holds
    denied = article(
        "Kami menulis data nasabah bocor, polisi memburu peretas. Yang benar situs tidak diretas.", title="Ralat"
    )
    assert rs.classify(denied).topics == ()
    misses = {m.topic: m for m in near_misses(rs, denied, set())}
    assert misses["cybercrime"].lacked == (
        "the headline frames the story as a correction notice: the story denies what the earlier report said"
    )
    # without taken_back the telling terms overturn the frame as before
    kept = load_ruleset(rules_dir(cybercrime=CORRECTION.replace("    taken_back: true\n", "")))
    assert kept.classify(denied).topics == ("cybercrime",)
