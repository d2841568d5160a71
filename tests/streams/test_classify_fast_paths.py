"""Round 13's cheaper paths through classification give what the paths they shortcut give.

The ASCII scan (a bytes automaton) finds what the str automaton finds; ``CompiledRule.scored`` walks the hits
instead of every term and returns the same entries in the same order. The fixture sets' verdicts, evidence
and story marks are compared byte for byte by the lead's tool; these hold the two shortcuts on their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify.corpus import load_corpus
from pantau.streams.classify.text import build_shadow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def shipped():
    return load_ruleset(default_rules_dir())


@pytest.fixture(scope="module")
def articles():
    return [item.article() for d in ("heldout", "heldout2", "devset3") for item in load_corpus(FIXTURES / d)]


def test_an_ascii_scan_text_finds_the_hits_the_str_automaton_finds(shipped, articles) -> None:
    # A non-ASCII character after the text sends the same text through the str automaton: every hit
    # before it must be the same, in the same order.
    compared = 0
    for article in articles:
        text = build_shadow(article.title, article.summary, article.content).text
        if not text.isascii():
            continue
        fast = shipped.automaton.matches(text)
        slow = [m for m in shipped.automaton.matches(text + "ü ") if m[2] <= len(text)]
        assert fast == slow, article.id
        compared += bool(fast)
    assert compared > 100  # the fixtures' texts do have hits


def test_a_non_ascii_scan_text_gives_character_offsets(shipped) -> None:
    article_text = " korea utara 북한 korea utara "
    found = shipped.automaton.matches(article_text)
    starts = sorted({start for _i, start, _e in found})
    assert starts and all(article_text[s] == " " for s in starts)
    assert any(article_text[s + 1 : e].strip() == "북한" for _i, s, e in found)
    assert any(s > article_text.index("북한") for _i, s, _e in found)  # offsets past the Hangul are characters


def test_scored_returns_the_rules_terms_among_the_hits_in_their_order(shipped) -> None:
    rule = max(shipped.rules, key=lambda r: len(r.score_keys))
    keys = [k for k, _w, _f in rule.score_keys]
    few = {keys[-1]: [(1, 2, 0)], keys[3]: [(5, 9, 2)], -1: [(0, 1, 0)]}  # fewer hits than terms, one not its own
    many = {k: [(0, 1, 2)] for k in [*keys[::2], *range(-len(keys), 0)]}  # more hits than terms
    for hits in (few, many, {}):
        assert rule.scored(hits) == [e for e in rule.score_keys if e[0] in hits]
    assert [k for k, _w, _f in rule.scored(few)] == [keys[3], keys[-1]]
    assert rule.key_set == frozenset(keys)
