"""RuleSet.classify: logic, scoring, scopes, languages, and self-explaining matches."""

from __future__ import annotations

from pantau.streams.classify import Classified, decode_classified, encode_classified, load_ruleset

CYBER = """
terms:
  strong:
    weight: 2
    terms: [peretas, ransomware]
  weak: [siber, "keamanan siber"]
rules:
  - id: strong
    any: ["@strong"]
    min_score: 2
    severity: high
    tags: [cyber]
  - id: weak
    any: ["@weak"]
    none: [hackathon]
    min_score: 3
  - id: scoped
    query: 'title:"dunia maya" AND NOT content:lomba'
  - id: english-only
    any: [hacker]
    languages: [en]
  - id: off
    enabled: false
    any: [anything]
"""
NK = """
rules:
  - id: named
    any: [Korut, Korea Utara]
  - id: near
    query: 'Lazarus NEAR/2 (group OR grup)'
  - id: by-regex
    any: ['regex:kim\\s+jong[- ]?un']
"""
BOTH = """
rules:
  - id: both
    query: topic:cybercrime AND topic:north-korea
    severity: critical
"""


def ruleset(rules_dir):
    return load_ruleset(rules_dir(cybercrime=CYBER, north_korea=NK, both=BOTH))


def test_match_explains_itself_with_original_offsets(rules_dir, article):
    rs = ruleset(rules_dir)
    text = "Intro.\nPeretas “Korut” membobol bank."
    c = rs.classify(article(text))
    assert c.topics == ("both", "cybercrime", "north-korea")
    strong = next(m for m in c.matches if m.rule == "strong")
    (hit,) = strong.hits
    assert (hit.field, hit.start, hit.end, hit.text, hit.term) == ("content", 7, 14, "Peretas", "peretas")
    assert text[hit.start : hit.end] == "Peretas"
    assert strong.snippet == "Intro. «Peretas» “Korut” membobol bank."
    assert strong.severity == "high" and strong.tags == ("cyber",) and strong.score == 2.0
    assert {m.ruleset_version for m in c.matches} == {rs.version} == {c.ruleset_version}


def test_topic_references_see_plain_rules_and_carry_their_evidence(rules_dir, article):
    rs = ruleset(rules_dir)
    both = [m for m in rs.classify(article("peretas Korut")).matches if m.rule == "both"]
    assert both and both[0].severity == "critical" and {h.text for h in both[0].hits} == {"peretas", "Korut"}
    assert not [m for m in rs.classify(article("peretas saja")).matches if m.rule == "both"]


def test_topic_references_chain_whatever_the_file_order(rules_dir, article):
    # "a-both" sorts (and so loads) before the rule that supplies its topic:
    # it must still see the topic that the reference rule "derived" finds.
    rs = load_ruleset(
        rules_dir(
            a_both="rules:\n  - id: a-both\n    query: topic:cybercrime AND topic:north-korea\n",
            cybercrime="rules:\n  - id: derived\n    query: 'laptop AND topic:north-korea'\n",
            north_korea="rules:\n  - id: named\n    any: [Korut]\n",
        )
    )
    c = rs.classify(article("Korut laptop"))
    assert c.topics == ("a-both", "cybercrime", "north-korea")
    both = next(m for m in c.matches if m.rule == "a-both")
    assert {h.text for h in both.hits} >= {"laptop", "Korut"}
    assert rs.classify(article("laptop saja")).topics == ()


def test_min_score_and_title_boost(rules_dir, article):
    rs = ruleset(rules_dir)
    assert "weak" not in rules_of(rs, article("keamanan siber"))
    assert "weak" in rules_of(rs, article("keamanan siber lagi", title="Keamanan siber"))
    assert "weak" in rules_of(rs, article("siber, siber, siber"))


def test_nested_hits_count_once(rules_dir, article):
    rs = ruleset(rules_dir)
    assert "weak" not in rules_of(rs, article("keamanan siber dan keamanan"))


def test_none_group_vetoes(rules_dir, article):
    rs = ruleset(rules_dir)
    assert "weak" not in rules_of(rs, article("siber siber siber hackathon"))


def test_field_scopes(rules_dir, article):
    rs = ruleset(rules_dir)
    assert "scoped" in rules_of(rs, article("isi", title="Dunia maya"))
    assert "scoped" not in rules_of(rs, article("dunia maya", title="Judul"))
    assert "scoped" not in rules_of(rs, article("lomba", title="Dunia maya"))


def test_language_restriction(rules_dir, article):
    rs = ruleset(rules_dir)
    assert "english-only" in rules_of(rs, article("a hacker", language="en"))
    assert "english-only" not in rules_of(rs, article("a hacker", language="id"))
    assert "english-only" in rules_of(
        rs, article("Police said a hacker broke into the city council network overnight.", language=None)
    )


def test_disabled_rules_do_not_run(rules_dir, article):
    rs = ruleset(rules_dir)
    assert "off" not in rules_of(rs, article("anything"))
    assert rs.active == 8  # 4 + 3 + 1: the disabled one is not compiled in


def test_near_counts_words_between(rules_dir, article):
    rs = ruleset(rules_dir)
    assert "near" in rules_of(rs, article("the Lazarus hacking group", language="en"))
    assert "near" not in rules_of(rs, article("Lazarus was a man, not a group", language="en"))


def test_regex_items_report_their_hits(rules_dir, article):
    rs = ruleset(rules_dir)
    c = rs.classify(article("Kata KIM JONG UN kemarin"))
    (m,) = [m for m in c.matches if m.rule == "by-regex"]
    assert [(h.start, h.end, h.text) for h in m.hits] == [(5, 16, "KIM JONG UN")]


def test_regex_time_budget_stops_a_runaway_pattern_and_says_so(rules_dir, article, capsys):
    from pantau.core.logs import configure_logging

    configure_logging("json")
    # Overlapping alternatives backtrack exponentially too, and no static check catches them all.
    body = "regex_budget_ms: 5\nrules:\n  - id: slow\n    any: ['regex:(a|aa)+$']\n"
    rs = load_ruleset(rules_dir(t=body))
    c = rs.classify(article("a" * 40 + "!"))
    assert c.matches == ()
    assert '"event": "regex_budget_exceeded"' in capsys.readouterr().err


def test_a_budget_spent_before_a_regex_runs_is_said_once(rules_dir, article, capsys):
    from dataclasses import replace

    from pantau.core.logs import configure_logging

    configure_logging("json")
    # A busy machine can spend the budget on earlier fields without any timeout firing.
    body = "rules:\n  - id: one\n    any: ['regex:bank$']\n  - id: two\n    any: ['regex:^bank']\n"
    rs = replace(load_ruleset(rules_dir(t=body)), regex_budget=0.0)
    assert rs.classify(article("bank")).matches == ()
    assert capsys.readouterr().err.count('"event": "regex_budget_exceeded"') == 1


def test_a_regex_with_nested_repetition_is_refused_at_load_with_a_hint(rules_dir):
    from pantau.streams.classify import check_ruleset

    body = "rules:\n  - id: slow\n    any: ['regex:(a+)+$']\n  - id: q\n    query: 'korut AND regex:/(\\w+\\s?)*$/'\n"
    report = check_ruleset(rules_dir(t=body))
    assert [(p.line, p.col) for p in report.errors] == [(6, 11), (8, 23)]
    assert "regular expression '(a+)+$' repeats a repetition" in report.errors[0].message
    assert "write (a+)+ as a+" in report.errors[0].hint
    # the same pattern with the repetition once is fine
    assert check_ruleset(rules_dir(t="rules:\n  - id: ok\n    any: ['regex:a+$']\n")).errors == []


def test_boilerplate_lines_never_drive_a_match(rules_dir, article):
    rs = ruleset(rules_dir)
    text = "Berita ekonomi hari ini.\nBACA JUGA: Peretas bobol bank\nHarga naik."
    assert rules_of(rs, article(text)) == []


def test_records_round_trip(rules_dir, article):
    c = ruleset(rules_dir).classify(article("peretas Korut"))
    again = decode_classified(encode_classified(c))
    assert isinstance(again, Classified) and again == c and again.topics == c.topics


def rules_of(rs, a) -> list[str]:
    return [m.rule for m in rs.classify(a).matches]


def test_lists_from_other_files_and_weights(rules_dir, article):
    nk = "terms:\n  dprk: [Korut]\nrules:\n  - id: n\n    any: ['@dprk']\n"
    cyber = """
terms:
  heavy:
    weight: 3
    terms: [peretas]
rules:
  - id: c
    all: ['@north-korea.dprk', '@heavy', {term: kripto, weight: 0.5}]
    min_score: 4.5
"""
    rs = load_ruleset(rules_dir(north_korea=nk, cybercrime=cyber))
    assert "c" in rules_of(rs, article("peretas Korut mencuri kripto"))  # 1 + 3 + 0.5
    scores = {m.rule: m.score for m in rs.classify(article("peretas Korut kripto")).matches}
    assert scores["c"] == 4.5


def test_snippets_cut_at_spaces_not_inside_words():
    from pantau.streams.classify.evidence import snippet
    from pantau.streams.classify.records import Hit

    body = "JAKARTA - " + "kata " * 30 + "peretas membobol bank " + "lagi " * 30 + "penutup"
    start = body.index("peretas")
    hit = Hit(term="peretas", field="content", start=start, end=start + 7, text="peretas")
    out = snippet(("", "", body), (hit,), width=42)  # 42: the character cut lands inside a word
    assert "«peretas»" in out
    inner = out.strip("…")
    assert inner.split()[0] in {"kata", "«peretas»"} and inner.split()[-1] in {"lagi", "bank"}
