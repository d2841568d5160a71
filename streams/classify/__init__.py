"""Classification: editors' YAML topic rules -> explained matches.

    from pantau.streams.classify import load_ruleset, LiveRules
    rules = load_ruleset(Path("rules"))          # RulesError lists every located error
    classified = rules.classify(article)          # Classified(matches=(Match, ...))

Modules, in the order an article meets them: ``schema`` and ``validate`` (what
editors may write), ``query`` (the query language), ``morphology`` and
``compiler`` (terms -> one automaton, rules -> closures), ``text`` (folding,
boilerplate), ``engine`` (RuleSet.classify), ``records`` (the wire records),
``loader`` -> ``build`` -> ``examples`` (a directory -> RuleSet or every
located problem), ``live`` (reload on edit), ``corpus`` (precision/recall and
diffs for editors), ``language`` (declared or detected).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from pantau.streams.classify.engine import RuleSet
from pantau.streams.classify.live import LiveRules
from pantau.streams.classify.loader import Report, check_ruleset, load_ruleset
from pantau.streams.classify.problems import Problem
from pantau.streams.classify.records import Classified, Hit, Match, decode_classified, encode_classified

__all__ = [
    "load_ruleset",
    "check_ruleset",
    "RuleSet",
    "Classified",
    "Match",
    "Hit",
    "encode_classified",
    "decode_classified",
    "LiveRules",
    "Report",
    "Problem",
    "default_rules_dir",
]


def default_rules_dir() -> Path:
    """The rules shipped with pantau (package data ``pantau.rules``, the ``rules/`` folder of a checkout)."""
    return Path(str(files("pantau.rules")))
