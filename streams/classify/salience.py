"""Salience: a topic needs the story to be about it, not to mention it.

A rule's hits make the story its topic's when one sits in the title, the
summary or the lead (the first ``lead_words`` words, or paragraphs), or when
there are ``min_hits`` of them; beside another topic's story (``beside``) only
the title, the first sentence or several sentences will do. Only matched rules
pay for this check, and the explanation says which way it went.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pantau.streams.classify.judgement import CHARS_PER_WORD, SENTENCE_BREAKS
from pantau.streams.classify.text import Shadow

if TYPE_CHECKING:  # the compiler's types (it imports Salience from here)
    from pantau.streams.classify.compiler import CompiledRule, Context

__all__ = ["Salience", "salient", "beside_check", "lead_end", "PARAGRAPH_END"]


@dataclass(frozen=True)
class Salience:
    """A hit in the title or the first ``lead_words`` words, or ``min_hits`` hits.

    ``lead_paragraphs`` (> 0) also ends the lead with the content's first
    paragraph(s); ``per_sentence`` counts the hits of one sentence once;
    ``mentions`` (not None) are the keys that count at all, so company words
    help a rule match without making a passing mention salient.
    """

    lead_words: int
    min_hits: int
    lead_paragraphs: int = 0
    per_sentence: bool = False
    mentions: frozenset[int] | None = None
    beside: tuple[str, ...] = ()  # in a story of these topics, only the title or min_hits sentences will do
    lead_sentence: bool = False  # the lead is the content's first sentence (beside another topic's story)
    title_alone_words: int = 0  # > 0: in a text this long or longer, a title hit needs the topic named again below it
    other_names: frozenset[int] = frozenset()  # the topic named without its name: a hit each, never a lead
    title_like_text: bool = False  # True: a title hit over a text whose every hit was voided is read as they were


PARAGRAPH_END = re.compile(r"\n[ \t]*\n|(?<=[.!?:\"\u201d\u2019)])[ \t]*\n")
"""A blank line, or a line break after a sentence's end: a hard-wrapped line inside a sentence goes on."""
_MIN_PARAGRAPH_WORDS = 8  # a dateline, a kicker or a byline on its own line does not end the lead


def lead_end(content: str, paragraphs: int) -> int:
    """Offset in ``content`` where its first ``paragraphs`` paragraphs end (short lines join the next)."""
    pos, done = 0, 0
    for m in PARAGRAPH_END.finditer(content):
        if len(content[pos : m.start()].split()) >= _MIN_PARAGRAPH_WORDS:
            done += 1
            if done >= paragraphs:
                return m.start()
            pos = m.end()
    return len(content)


def _mentions(shadow: Shadow, spans: list[tuple[int, int, int]]) -> int:
    """How many sentences the (sorted, non-nested) spans fall in: hits of one sentence are one mention."""
    count, last = 0, None
    for start, end, f in spans:
        if last is not None and last[2] == f:
            _lf, _ls, le = shadow.to_original(last[0], last[1])
            _f, s, _e = shadow.to_original(start, end)
            if SENTENCE_BREAKS.search(shadow.originals[f], le, s) is None:
                last = (start, end, f)
                continue
        count += 1
        last = (start, end, f)
    return count


def salient(
    rule: CompiledRule, ctx: Context, salience: Salience, headline_other: bool = False, text_other: bool = False
) -> tuple[bool, str]:
    """Whether the rule's hits make the story about its topic, and why (for explanations).

    ``headline_other``: the title's hit was denied or of another sense (a hotel,
    a cup, "bukan serangan siber"). The headline says what the story is about,
    so a counted hit in the summary or the lead is then no longer enough: only
    ``min_hits`` hits make the story. ``text_other``: a hit below the title was
    voided; with ``title_like_text``, a title hit over a text with no counted
    hit is read in that sense too (a headline's "Jadi Korea Utara" over a
    debate that says "apa bedanya kita dengan Korea Utara").
    """
    shadow, hits = ctx.shadow, ctx.hits
    mentions = salience.mentions
    spans = sorted(
        {
            (h[0], h[1], h[2])
            for key, _w, fields in rule.scored(hits)
            if mentions is None or key in mentions
            for h in hits[key]
            if h[2] in fields
        }
    )
    outer: list[tuple[int, int, int]] = []
    reach = -1
    for span in spans:
        if span[0] < reach:
            continue  # nested in a longer hit already counted
        reach = span[1]
        outer.append(span)
    spans = outer
    others = _other_names(ctx, salience, spans)
    count = _mentions(shadow, sorted(spans + others)) if salience.per_sentence else len(spans) + len(others)
    regex_hits = [h for leaf in rule.regexes for h in ctx.regex_hits.get(leaf.ident, ())]
    count += len(regex_hits)
    if not spans and not regex_hits:
        return True, "found through other topics"  # topic: references: those topics passed their own check
    if any(f == 0 for _s, _e, f in spans) or any(h[0] == 0 for h in regex_hits):
        own_below = any(sp[2] != 0 for sp in spans) or any(h[0] != 0 for h in regex_hits)
        if not own_below and text_other and salience.title_like_text and count < salience.min_hits:
            # The text uses the name only in another sense (a figure of speech, a denial): so does its headline.
            return False, (
                "a passing mention: the text below the title names it only where it did not count (another "
                f"sense or a denial), so the title's hit is read that way too ({count} hit(s), needs "
                f"{salience.min_hits})"
            )
        if own_below or not salience.title_alone_words or (words := _words(shadow)) < salience.title_alone_words:
            return True, "about the topic: a hit in the title"
        if any(sp[2] != 0 for sp in others):
            return True, "about the topic: a hit in the title, named again below it by another name"
        # A long story names its topic again below the headline: a film review, a museum show or a recipe
        # that names the North only in its title is not about it.
        return False, (
            f"a passing mention: only the title names it, and the {words}-word text below it never does "
            f"(a text of {salience.title_alone_words} words or more must name it again)"
        )
    if not headline_other:
        if any(f == 1 for _s, _e, f in spans) or any(h[0] == 1 for h in regex_hits):
            return True, "about the topic: a hit in the summary"
        if salience.lead_sentence and spans and spans[0][2] == 2:
            _f, s, _e = shadow.to_original(spans[0][0], spans[0][1])
            if SENTENCE_BREAKS.search(shadow.originals[2], 0, s) is None:
                return True, "about the topic: a hit in the first sentence"
        if salience.lead_words:
            base = shadow.starts[2]
            for start, end, f in spans:
                if f == 2 and start - base <= salience.lead_words * CHARS_PER_WORD:
                    if len(shadow.text[base:start].split()) < salience.lead_words:
                        if not salience.lead_paragraphs:
                            return True, f"about the topic: a hit in the first {salience.lead_words} words"
                        _f, s, _e = shadow.to_original(start, end)
                        if s < lead_end(shadow.originals[2], salience.lead_paragraphs):
                            return True, (
                                f"about the topic: a hit in the lead (the first {salience.lead_words} words "
                                f"of the first {_paragraphs(salience.lead_paragraphs)})"
                            )
                    break  # spans are sorted: later hits are further in
    unit = "sentence(s) with a hit" if salience.per_sentence else "hit(s)"
    if count >= salience.min_hits:
        by_other = f" ({len(others)} by another name)" if others else ""
        return True, f"about the topic: {count} {'sentences with a hit' if salience.per_sentence else 'hits'}{by_other}"
    if headline_other:
        return False, (
            f"a passing mention: the title's hit did not count (denied or another sense), "
            f"and {count} {unit} elsewhere (needs {salience.min_hits})"
        )
    if salience.lead_sentence:
        lead = "none in the title, the summary or the first sentence"
    elif not salience.lead_words:
        lead = "none in the title"
    elif salience.lead_paragraphs:
        lead = f"none in the title or the lead ({salience.lead_words} words, {_paragraphs(salience.lead_paragraphs)})"
    else:
        lead = f"none in the title or the first {salience.lead_words} words"
    more = f"{salience.min_hits} sentences with a hit" if salience.per_sentence else f"{salience.min_hits} hits"
    return False, f"a passing mention: {count} {unit}, {lead} (needs one there, or {more})"


def _other_names(ctx: Context, salience: Salience, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Hits of the topic's other names (the regime, its army, its cities) outside the rule's own hits.

    "Pyongyang-linked thefts top $2.3 billion" over a note that says "the
    Reconnaissance General Bureau" and "the regime" names the North again;
    a live blog's one line on "Pyongyang's spy agency" beside its hacker
    group is two mentions, not one.
    """
    if not salience.other_names:
        return []
    found = sorted({(h[0], h[1], h[2]) for key in salience.other_names for h in ctx.hits.get(key, ())})
    out: list[tuple[int, int, int]] = []
    reach = -1
    for span in found:
        if span[0] < reach or any(s < span[1] and span[0] < e for s, e, _f in spans):
            continue  # nested in a longer other name, or part of a hit the rule counts already
        reach = span[1]
        out.append(span)
    return out


def beside_check(
    rule: CompiledRule,
    ctx: Context,
    salience: Salience,
    topics: Collection[str],
    topic_keys: Mapping[str, frozenset[int]],
) -> tuple[bool, str]:
    """In a story about one of ``salience.beside`` (among ``topics``): a hit in the title, the summary or the
    first sentence, or ``min_hits`` sentences with a hit; the other story's own words (its ``topic_keys``:
    Pyongyang, Myanmar) are no mention of this topic.

    "Pyongyang rebuffs Seoul's offer of talks ... officials also accuse the
    North of crypto theft": the lead and two words of one sentence made
    cybercrime salient; beside a North Korea story they are a passing mention.
    """
    near = sorted(t for t in salience.beside if t in topics and t != rule.topic)
    if not near:
        return True, ""
    foreign = frozenset().union(*(topic_keys.get(t, frozenset()) for t in near))
    own = salience.mentions if salience.mentions is not None else rule.key_set
    strict = Salience(0, salience.min_hits, 0, True, own - foreign, lead_sentence=True)
    ok, note = salient(rule, ctx, strict)
    if ok:
        return True, note
    return (
        False,
        f"a passing mention beside a story about {', '.join(near)}: {note.removeprefix('a passing mention: ')}",
    )


def _words(shadow: Shadow) -> int:
    """Words of the summary and the content (boilerplate blanked)."""
    return len(shadow.fields[1].text.split()) + len(shadow.fields[2].text.split())


def _paragraphs(n: int) -> str:
    return "paragraph" if n == 1 else f"{n} paragraphs"
