"""The evidence of a match (evidence.py): hits at their original offsets, a marked snippet, notes, counts, a lead."""

from __future__ import annotations

import unicodedata

from pantau.streams.classify import load_ruleset
from pantau.streams.classify.evidence import explain_match, hit_counts, lead
from pantau.streams.classify.records import Hit, Match
from tests.streams.classify.conftest import make_article

RULES = """\
rules:
  - id: scam
    any: ["lừa đảo", retas]
"""


def test_explain_match_gives_hits_at_their_original_offsets_a_marked_snippet_and_its_notes(rules_dir) -> None:
    ruleset = load_ruleset(rules_dir(cyber=RULES))
    # Decomposed accents (NFD), capitals, doubled spaces: the folded text the automaton reads is shorter
    # than the original, and the hits must still point into the original.
    content = unicodedata.normalize("NFD", "Cảnh báo:  vụ LỪA ĐẢO qua mạng, rồi kẻ gian RETAS tài khoản.")
    article = make_article(content, title="Tin tức", language="vi")
    ctx, _views, _voided = ruleset.prepare(article)
    [rule] = ruleset.rules
    match = explain_match(
        rule, 2.34567, ctx, [], labels=ruleset.labels, version=ruleset.version, note="salience: in the lead"
    )
    assert (match.rule, match.topic, match.score, match.ruleset_version) == ("scam", "cyber", 2.346, ruleset.version)
    assert [(h.field, h.text) for h in match.hits] == [
        ("content", unicodedata.normalize("NFD", "LỪA ĐẢO")),
        ("content", "RETAS"),
    ]
    assert all(content[h.start : h.end] == h.text for h in match.hits)
    assert "«" + unicodedata.normalize("NFD", "LỪA ĐẢO") + "»" in match.snippet and "«RETAS»" in match.snippet
    assert match.notes == ("salience: in the lead",)


def _match(topic: str, *hits: tuple[str, int]) -> Match:
    return Match(
        rule="r",
        topic=topic,
        score=1.0,
        severity="medium",
        tags=(),
        hits=tuple(Hit(term="t", field=f, start=s, end=s + 3, text="abc") for f, s in hits),
        snippet="",
        ruleset_version="v",
        notes=(),
    )


def test_hit_counts_counts_each_topics_distinct_hits_once_across_its_rules() -> None:
    matches = [
        _match("cyber", ("title", 0), ("content", 10)),
        _match("cyber", ("content", 10), ("content", 40)),  # another rule on the same hit: once
        _match("asean", ("title", 0)),
    ]
    assert hit_counts(matches) == {"cyber": 3, "asean": 1}


def test_the_lead_is_the_start_of_the_story_cut_at_a_word() -> None:
    assert lead(make_article("Isi berita.", summary="  Ringkasan\n singkat. ", title="Judul")) == "Ringkasan singkat."
    assert lead(make_article("", title="Judul saja")) == "Judul saja"
    long = make_article("kata " * 100)
    cut = lead(long, width=23)
    assert cut == "kata kata kata kata…"  # at the last space within 23 characters, never inside a word
