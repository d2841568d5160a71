"""Round 13's and 15's cheaper paths through classification give what the paths they shortcut give.

The scan of ASCII text over bytes finds what the str automaton finds, at the same offsets; ``CompiledRule.scored``
walks the hits instead of every term and returns the same entries in the same order; boilerplate masking finds
its lines with str.find and list separators carry a lookahead, each the same as the regex before. Round 15:
a match's snippet, built from its term spans without reading its Hits back and without re-spacing text that
needs none, is the one the words-splitting snippet makes of its hits. The fixture sets' verdicts, evidence
and story marks are compared byte for byte by the lead's tool; these hold each shortcut on its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import ahocorasick_rs
import pytest

from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify.corpus import load_corpus
from pantau.streams.classify.lists import _AND, _SEPARATOR
from pantau.streams.classify.terms import Automaton
from pantau.streams.classify.text import build_shadow, mask_boilerplate

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


def test_a_non_ascii_scan_text_gives_the_character_offsets_the_str_automaton_gives(articles) -> None:
    patterns = [" 북한", " 북한 ", " triều tiên ", " korea utara ", " korea", " é ", " ü", " \U0001f600 ", " ß"]
    reference = ahocorasick_rs.AhoCorasick(patterns)
    ours = Automaton(patterns, [(len(p), True, ((0, k),), 0) for k, p in enumerate(patterns)])
    texts = [
        " korea utara 북한 korea utara 북한이 ",
        " triều tiên \U0001f600 triều tiên ü korea ß ",
        " 북한 " * 50 + " korea utara ",
        " tanpa hit sama sekali é",
        *(build_shadow(a.title, a.summary, a.content).text for a in articles),
    ]
    assert sum(not t.isascii() for t in texts) > 20
    for text in texts:
        assert ours.matches(text) == reference.find_matches_as_indexes(text, overlapping=True), text[:40]


def test_scored_returns_the_rules_terms_among_the_hits_in_their_order(shipped) -> None:
    rule = max(shipped.rules, key=lambda r: len(r.score_keys))
    keys = [k for k, _w, _f in rule.score_keys]
    few = {keys[-1]: [(1, 2, 0)], keys[3]: [(5, 9, 2)], -1: [(0, 1, 0)]}  # fewer hits than terms, one not its own
    many = {k: [(0, 1, 2)] for k in [*keys[::2], *range(-len(keys), 0)]}  # more hits than terms
    for hits in (few, many, {}):
        assert rule.scored(hits) == [e for e in rule.score_keys if e[0] in hits]
    assert [k for k, _w, _f in rule.scored(few)] == [keys[3], keys[-1]]
    assert rule.key_set == frozenset(keys)


def _mask_by_regex(text: str) -> str:
    """mask_boilerplate as round 12 wrote it: lines found by a regex."""
    from pantau.sources.boilerplate import (
        inline_teaser_at,
        is_boilerplate,
        is_teaser_list_item,
        opens_teaser_list,
        strip_boilerplate,
    )

    if not text:
        return text
    spans, in_list = [], False
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if is_teaser_list_item(line, in_list):
            spans.append(m.span())
            continue
        in_list = opens_teaser_list(line)
        if is_boilerplate(line):
            if not strip_boilerplate(line + "\nx"):
                spans.append((m.start(), len(text)))
                break
            spans.append(m.span())
        elif (cut := inline_teaser_at(line)) is not None:
            spans.append((m.start() + cut, m.end()))
    out, last = [], 0
    for a, b in spans:
        out += [text[last:a], " " * (b - a)]
        last = b
    return "".join([*out, text[last:]])


def test_boilerplate_masking_line_by_line_blanks_what_the_regex_lines_blanked(articles) -> None:
    made = [
        "\n\nKorea Utara.\nBaca juga: Serangan siber\n\n\nXem thêm:\n- tin một\n- tin hai\nAkhir. Baca juga: x\n",
        "satu\r\ndua\n\nHalaman 2 dari 3\nCopyright 2026 Kompas\nekor",
        "\n",
        "tanpa baris baru",
    ]
    texts = made + [a.content for a in articles] + [a.summary for a in articles]
    assert sum(mask_boilerplate(t) != t for t in texts) > 10  # the fixtures do have boilerplate to blank
    for text in texts:
        assert mask_boilerplate(text) == _mask_by_regex(text)


def test_list_separators_with_a_lookahead_are_the_ones_without(articles) -> None:
    old = re.compile(rf"\s*[,\u3001\uff0c/]\s*(?:{_AND}\s+)?|\s+{_AND}\s+", re.IGNORECASE)
    made = "Jepang, Iran , Korea Utara dan Kuba / Suriah、북한 및 러시아 ,dan  Laos and\tMyanmar ,  serta Vietnam"
    for text in [made, *(a.content for a in articles)]:
        assert [m.span() for m in _SEPARATOR.finditer(text)] == [m.span() for m in old.finditer(text)]


def _snippet_by_words(originals: tuple[str, str, str], hits, width: int = 90) -> str:
    """The snippet as round 14 wrote it: every window split into words and joined again."""
    if not hits:
        return ""
    by_field = {h.field: h for h in reversed(hits)}
    field = next(f for f in ("content", "summary", "title") if f in by_field)
    text = originals[("title", "summary", "content").index(field)]
    first = by_field[field]
    lo, hi = max(0, first.start - width), min(len(text), first.end + width)
    if lo > 0 and (space := text.find(" ", lo, first.start)) != -1:
        lo = space + 1
    if hi < len(text) and (space := text.rfind(" ", first.end, hi)) != -1:
        hi = space
    marks = sorted({(h.start, h.end) for h in hits if h.field == field and h.start >= lo and h.end <= hi})
    out, pos = [], lo
    for s, e in marks:
        if s < pos:
            continue
        out += [text[pos:s], "«", text[s:e], "»"]
        pos = e
    out.append(text[pos:hi])
    return ("…" if lo > 0 else "") + " ".join("".join(out).split()) + ("…" if hi < len(text) else "")


def test_a_matchs_snippet_is_the_words_splitting_snippet_of_its_hits(shipped, articles) -> None:
    import msgspec

    from pantau.streams.classify.evidence import snippet

    made = [  # doubled spaces, line breaks, a tab and a no-break space (not printable) around the hits
        ("Korea Utara  diserang peretas", "", "Korea Utara\n\n  peretas\tLazarus   mencuri kripto. Korea Utara lagi. "),
        ("Judul\u00a0peretas Korea Utara", "ringkasan tentang peretas Korea Utara ", ""),
    ]
    batch = [msgspec.structs.replace(articles[0], title=t, summary=s, content=c) for t, s, c in made] + articles
    checked = multi = 0
    for article in batch:
        originals = (article.title, article.summary, article.content)
        for m in shipped.classify(article).matches:
            assert m.snippet == _snippet_by_words(originals, m.hits) == snippet(originals, m.hits), m.rule
            checked += 1
            multi += len(m.hits) > 1
    assert checked > 200 and multi > 50  # single and several hits


def test_a_whole_score_is_what_rounding_it_gives() -> None:
    for x in (0.0, -0.0, 1.0, 2.0, 3.0, 1e6, 4.5, 1.0 / 3, 2.6666666, 0.1 + 0.2, -1.5, 12345.6789):
        assert (x if x.is_integer() else round(x, 3)) == round(x, 3)
