"""Why one rule does or does not match one article (diagnose.py), as ``pantau rules diff`` reports it."""

from __future__ import annotations

from pantau.streams.classify import load_ruleset
from pantau.streams.classify.diagnose import Diagnosis, diagnose
from tests.streams.classify.conftest import make_article

RULES = """\
rules:
  - id: bank-hack
    all: [retas, bank]
    none: [latihan]
    min_score: 3
"""


def test_a_diagnosis_says_which_conditions_hold_the_score_the_terms_found_and_the_blocking_ones(rules_dir) -> None:
    ruleset = load_ruleset(rules_dir(cyber=RULES))
    matching = diagnose(ruleset, "bank-hack", make_article("Peretas meretas bank daerah. Bank itu retas lagi."))
    assert matching is not None
    assert (matching.ok, matching.found, matching.blocking, matching.min_score) == (True, ("bank", "retas"), (), 3.0)
    assert matching.score >= 3 and matching.matches
    blocked = diagnose(ruleset, "bank-hack", make_article("Latihan: tim meretas bank tiruan. Bank retas."))
    assert blocked is not None
    assert (blocked.ok, blocked.found, blocked.blocking, blocked.matches) == (
        False,
        ("bank", "retas"),
        ("latihan",),
        False,
    )
    weak = diagnose(ruleset, "bank-hack", make_article("Sebuah bank diretas."))
    assert weak is not None and weak.ok and weak.score < 3 and not weak.matches  # conditions met, score too low
    assert diagnose(ruleset, "no-such-rule", make_article("retas bank")) is None


def test_a_rule_matches_only_with_its_conditions_met_the_score_reached_and_a_salient_story() -> None:
    assert Diagnosis(True, 3.0, 3.0, ("x",), ()).matches
    assert not Diagnosis(False, 3.0, 3.0, ("x",), ()).matches
    assert not Diagnosis(True, 2.9, 3.0, ("x",), ()).matches
    assert not Diagnosis(True, 3.0, 3.0, ("x",), (), salient=False, salience="a passing mention").matches


def test_evaluate_rule_gives_conditions_met_score_and_terms_found_and_minds_the_rules_languages(rules_dir) -> None:
    ruleset = load_ruleset(
        rules_dir(
            cyber=RULES + "  - id: vi-only\n    languages: [vi]\n    any: [retas]\n    examples:\n"
            "      should_not_match: [{content: 'retas bank'}]\n"
        )
    )
    article = make_article("Peretas meretas bank daerah. Bank itu retas lagi.", language="id")
    ok, score, found = ruleset.evaluate_rule("bank-hack", article)
    assert (ok, found) == (True, ["bank", "retas"]) and score >= 3
    assert ruleset.evaluate_rule("vi-only", article)[0] is False  # the terms are there, the language is not
    assert ruleset.evaluate_rule("vi-only", make_article("retas", language="vi"))[0] is True
