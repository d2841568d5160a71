"""RuleSet: classify one article with every rule in one automaton pass.

Flow per article: fold the fields into one scan text -> one Aho-Corasick pass
(with Unicode word boundaries, Indonesian suffixes and Korean particles checked
per hit) -> the rules that one of their terms made a candidate are evaluated
-> rules with ``topic:`` references run last, until no more match (so a topic
one reference rule finds can satisfy another) ->
each match is explained (hits with original offsets, a marked snippet).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import msgspec

from pantau.core.article import Article
from pantau.core.language import article_language, declared_code, same_family
from pantau.core.logs import get_logger
from pantau.streams.classify.compiler import CompiledRule, Context, Hits, RegexHit, RegexLeaf
from pantau.streams.classify.judge import Judge, Verdict
from pantau.streams.classify.judgement import (
    Cue,
    Frame,
    HeadlineScope,
    Voided,
    beside_check,
    discount,
    framed,
    headline_scope,
    headline_voided,
    salient,
)
from pantau.streams.classify.morphology import PARTICLES, SUFFIXES
from pantau.streams.classify.records import Classified, Hit, Match
from pantau.streams.classify.terms import ACCENTED, PARTICLE, SUFFIX, WILD, Automaton, accent_form
from pantau.streams.classify.text import Shadow, build_shadow, mask_boilerplate

__all__ = ["RuleSet", "TopicJudgement", "Diagnosis", "scan", "hit_counts", "JUDGE_RULE"]

JUDGE_RULE = "judge"
"""The rule id of a match the judge made alone (no rule matched; see judge.py)."""

FIELD_NAMES = ("title", "summary", "content")
_MAX_HITS = 20
Matched = tuple[CompiledRule, float, str]
"""A rule that matched, its score and its salience note."""
log = get_logger()


def scan(automaton: Automaton, text: str, starts: tuple[int, int, int]) -> dict[int, list[tuple[int, int, int]]]:
    """Every whole-word hit in ``text``: key -> [(start, end, field)]."""
    hits: dict[int, list[tuple[int, int, int]]] = {}
    values = automaton.values
    b1, b2 = starts[1], starts[2]
    for index, first, stop in automaton.matches(text):
        _length, closed, entries, shared = values[index]
        start = first + 1  # past the pattern's leading space
        if closed:
            end = stop - 1  # before its trailing space
        else:
            end = stop
            if text[end] != " ":  # the word goes on: a wildcard, a suffix, a particle, or no match
                tail = text.find(" ", end)
                rest = text[end:tail]
                if shared == SUFFIX:
                    if rest not in SUFFIXES:
                        continue  # "hack" in "hackathon"
                elif shared == PARTICLE:
                    if rest not in PARTICLES:
                        continue  # "북한" in "북한산"
                elif shared != WILD:
                    entries = tuple(
                        e
                        for e in entries
                        if e[0] & WILD
                        or (e[0] & SUFFIX and rest in SUFFIXES)
                        or (e[0] & PARTICLE and rest in PARTICLES)
                    )
                end = tail
        f = 0 if start < b1 else 1 if start < b2 else 2
        for _flags, key in entries:
            found = hits.get(key)
            if found is None:
                hits[key] = [(start, end, f)]
            else:
                found.append((start, end, f))
    return hits


@dataclass(frozen=True)
class TopicJudgement:
    """A topic's denial and sense cues, the term keys its rules use (the hits cues may void), its headline scope."""

    keys: frozenset[int]
    cues: tuple[Cue, ...]
    headline: HeadlineScope | None = None
    frames: tuple[Frame, ...] = ()


class Diagnosis(NamedTuple):
    """One rule on one article: conditions met, score against min_score, terms found, terms blocking.

    ``salient`` and ``salience`` say whether the hits make the story about the
    topic (and why not); ``voided`` describes the hits a denial or another
    sense took away, so ``rules diff`` can say when those decided.
    """

    ok: bool
    score: float
    min_score: float
    found: tuple[str, ...]
    blocking: tuple[str, ...]
    salient: bool = True
    salience: str = ""
    voided: tuple[str, ...] = ()

    @property
    def matches(self) -> bool:
        """True when the rule matches (conditions met, score high enough, and a salient story)."""
        return self.ok and self.score >= self.min_score and self.salient


@dataclass
class RuleSet:
    """A compiled, immutable rule set; ``classify`` is safe to call from many threads."""

    version: str
    topics: tuple[str, ...]
    rules: tuple[CompiledRule, ...]
    automaton: Automaton
    labels: tuple[str, ...]
    key_rules: dict[int, tuple[int, ...]]
    regex_budget: float
    directory: str = ""
    judgement: dict[str, TopicJudgement] = field(default_factory=dict)
    use_cues: bool = True  # False: denials and senses off (benchmarks measure their cost)
    use_salience: bool = True  # False: salience off (likewise)
    accented: dict[int, frozenset[str]] = field(default_factory=dict)
    """Keys of terms written with accents ("giả", "Triều Tiên") and their spellings; see ``_scan``."""
    judge: Judge | None = None
    """The second opinion after the rules (judge.py); None: the rules alone decide."""

    def __post_init__(self) -> None:
        self._plain_always = tuple(i for i, r in enumerate(self.rules) if r.always and not r.topic_refs)
        # One accented syllable ("giả", "bán", "dụ") folds into a common word of other
        # languages ("gia", "ban", "du"): such terms need their accents even in unaccented text.
        self._one_syllable = frozenset(k for k, forms in self.accented.items() if all(" " not in f for f in forms))
        self._with_topics = tuple(i for i, r in enumerate(self.rules) if r.topic_refs)
        self._beside = any(r.salience is not None and r.salience.beside for r in self.rules)
        keys: dict[str, set[int]] = {}
        for r in self.rules:
            keys.setdefault(r.topic, set()).update(k for k, _w, _f in r.score_keys)
        self.topic_keys = {t: frozenset(k) for t, k in keys.items()}
        """Per topic, the keys of its rules' terms: another topic's words are no mention of this one."""
        self._cue_keys = frozenset(k for j in self.judgement.values() for c in j.cues for k in c.before | c.after)
        self._framed = frozenset(t for t, j in self.judgement.items() if j.frames)
        # List senses have no cue words: the topic's own hits send an article to the list check.
        self._list_keys = frozenset(
            k
            for j in self.judgement.values()
            for c in j.cues
            if c.in_list
            for k in (j.keys if c.targets is None else c.targets)
        )

    def prepare(self, article: Article) -> tuple[Context, dict[str, Hits], dict[str, list[Voided]]]:
        """Scan the article once; per topic, the hits its denials and senses leave (only topics with voided hits)."""
        shadow = build_shadow(article.title, article.summary, article.content)
        ctx = Context(self._scan(shadow), shadow, self.regex_budget)
        views: dict[str, Hits] = {}
        voided: dict[str, list[Voided]] = {}
        if self.use_cues and (not self._cue_keys.isdisjoint(ctx.hits) or not self._list_keys.isdisjoint(ctx.hits)):
            reach = _ReachLanguage(article, shadow)
            for topic, j in self.judgement.items():
                view, gone = discount(ctx.hits, j.cues, j.keys, shadow, reach)
                if gone:
                    views[topic], voided[topic] = view, gone
        return ctx, views, voided

    def _scan(self, shadow: Shadow) -> Hits:
        """Every hit, less those of accented terms that lost their accents in accented text.

        Folding strips accents so "Trieu Tien" typed without them still finds
        "Triều Tiên"; but in a field written with accents, "giá" (price) is not
        "giả" (fake) and "triệu tiền" is not "Triều Tiên". A one-syllable
        accented term needs its accents everywhere: unaccented, "bán" (sell)
        is the English "ban" and "dụ" the Indonesian "du". Only hits of
        accented terms pay for this check.
        """
        hits = scan(self.automaton, shadow.text, shadow.starts)
        accented = self.accented
        if not accented or accented.keys().isdisjoint(hits):
            return hits
        marked: dict[int, bool] = {}
        for key in [k for k in hits if k in accented]:
            forms = accented[key]
            kept = []
            for hit in hits[key]:
                f, s, e = shadow.to_original(hit[0], hit[1])
                with_accents = marked.get(f)
                if with_accents is None:
                    with_accents = marked[f] = ACCENTED.search(shadow.originals[f]) is not None
                if (not with_accents and key not in self._one_syllable) or accent_form(
                    shadow.originals[f][s:e]
                ).startswith(tuple(forms)):
                    kept.append(hit)
            if kept:
                hits[key] = kept
            else:
                del hits[key]
        return hits

    @property
    def active(self) -> int:
        """How many enabled rules this set evaluates."""
        return len(self.rules)

    def classify(self, article: Article, *, judged: bool = True) -> Classified:
        """Every rule that matches ``article``, each with its evidence, as the judge (if any) lets stand.

        ``judged=False``: the rules alone (their own examples, and explanations of a veto).
        """
        language = Language(article)  # detected only if a rule or a denial window depends on it
        ctx, views, voided = self.prepare(article)
        base = ctx.hits
        candidates: set[int] = set(self._plain_always)
        key_rules = self.key_rules
        for key in base:
            candidates.update(key_rules.get(key, ()))
        matched: list[Matched] = []
        for index in sorted(candidates):
            rule = self.rules[index]
            if rule.topic_refs:
                continue
            ctx.hits = views.get(rule.topic, base) if views else base
            found = self._evaluate(rule, ctx, language, voided.get(rule.topic, ()) if voided else ())
            if found is not None:
                matched.append((rule, *found))
                ctx.topics.add(rule.topic)
        if self._beside and self.use_salience and len(ctx.topics) > 1:
            matched = self._beside_other_topics(matched, ctx, views, base)
        self._chain(matched, ctx, language, views, base, voided)
        matches: list[Match] = []
        for rule, score, note in matched:
            ctx.hits = views.get(rule.topic, base) if views else base
            matches.append(self._explain(rule, score, ctx, matched, note, voided.get(rule.topic, ())))
        if judged and self.judge is not None:
            matches = self._judged(article, matches)
        return Classified(article=article, matches=tuple(matches), ruleset_version=self.version)

    def classify_many(self, articles: list[Article]) -> list[Classified]:
        """``classify`` for a batch: the same results, the judge's features computed once for the whole batch."""
        return self.judge_many([self.classify(a, judged=False) for a in articles])

    def judge_many(self, ruled: list[Classified]) -> list[Classified]:
        """The judge's decision on a batch of the rules' own results (``classify(judged=False)``), in one pass."""
        if self.judge is None or not ruled:
            return ruled
        articles = [c.article for c in ruled]
        verdicts = self.judge.review_many(articles, [hit_counts(c.matches) for c in ruled], self.topics)
        return [
            msgspec.structs.replace(c, matches=tuple(self._judged(c.article, list(c.matches), v)))
            for c, v in zip(ruled, verdicts, strict=True)
        ]

    def _judged(self, article: Article, matches: list[Match], review: list[Verdict] | None = None) -> list[Match]:
        """The rules' matches the judge lets stand (with its note), and the topics it finds alone.

        ``review``: the judge's verdicts when already computed (a batch); None: ask the judge now.
        """
        assert self.judge is not None
        kept: list[Match] = []
        if review is None:
            review = self.judge.review(article, hit_counts(matches), self.topics)
        verdicts = {v.topic: v for v in review}
        for m in matches:
            verdict = verdicts.get(m.topic)
            if verdict is None:
                kept.append(m)
            elif verdict.holds:
                kept.append(msgspec.structs.replace(m, notes=(*m.notes, verdict.note())))
        for verdict in verdicts.values():
            if verdict.alone and verdict.holds:
                kept.append(
                    Match(
                        rule=JUDGE_RULE,
                        topic=verdict.topic,
                        score=round(verdict.probability, 2),
                        severity="medium",
                        snippet=_lead(article),
                        ruleset_version=self.version,
                        notes=(verdict.note(),),
                    )
                )
        return kept

    def _beside_other_topics(
        self, matched: list[Matched], ctx: Context, views: dict[str, Hits], base: Hits
    ) -> list[Matched]:
        """Drop the matches whose topic only passes by another matched topic's story (salience ``beside:``)."""
        topics = set(ctx.topics)
        kept: list[Matched] = []
        for rule, score, note in matched:
            s = rule.salience
            if s is not None and s.beside:
                ctx.hits = views.get(rule.topic, base) if views else base
                if not beside_check(rule, ctx, s, topics, self.topic_keys)[0]:
                    continue
            kept.append((rule, score, note))
        ctx.hits = base
        ctx.topics = {r.topic for r, _s, _n in kept}
        return kept

    def _chain(
        self,
        matched: list[Matched],
        ctx: Context,
        language: Language,
        views: dict[str, Hits],
        base: Hits,
        voided: dict[str, list[Voided]] | None = None,
    ) -> None:
        """Run the ``topic:`` rules until no more match, so references chain.

        A topic a reference rule finds can satisfy another reference rule
        ("cybercrime" found by "IT workers AND topic:north-korea" feeds
        "topic:cybercrime AND topic:north-korea"), whatever their file order.
        Each rule matches at most once, so this ends after at most one pass
        per reference rule; a ``NOT topic:`` sees the topics found so far.
        """
        pending = list(self._with_topics)
        progressed = True
        while pending and progressed:
            progressed = False
            for index in tuple(pending):
                rule = self.rules[index]
                ctx.hits = views.get(rule.topic, base) if views else base
                found = self._evaluate(rule, ctx, language, voided.get(rule.topic, ()) if voided else ())
                if found is not None:
                    matched.append((rule, *found))
                    ctx.topics.add(rule.topic)
                    pending.remove(index)
                    progressed = True

    def _evaluate(
        self, rule: CompiledRule, ctx: Context, language: Language, voided: Sequence[Voided] = ()
    ) -> tuple[float, str] | None:
        """(score, salience note) when the rule matches ``ctx.hits``; None otherwise."""
        if rule.languages and not same_family(language.code, rule.languages):
            return None
        if not rule.test(ctx):
            return None
        score = rule.score(ctx)
        if score < rule.min_score:
            return None
        if (voided or (self.use_cues and rule.topic in self._framed)) and not self.headline_holds(rule, ctx, voided)[0]:
            return None
        if rule.salience is None or not self.use_salience:
            return score, ""
        ok, note = salient(
            rule, ctx, rule.salience, bool(voided) and headline_voided(voided, {k for k, _w, _f in rule.score_keys})
        )
        return (score, note) if ok else None

    def headline_holds(self, rule: CompiledRule, ctx: Context, voided: Sequence[Voided]) -> tuple[bool, str]:
        """False (and why) when the headline denies or frames away the topic and the story does not overturn it."""
        j = self.judgement.get(rule.topic)
        if j is None:
            return True, ""
        held, why = headline_scope(j.headline, voided, ctx.hits)
        if held and j.frames:
            return framed(j.frames, ctx.hits)
        return held, why

    def evaluate_rule(self, rule_id: str, article: Article) -> tuple[bool, float, list[str]]:
        """For editors' diagnostics: (conditions met, score, terms found) of one rule."""
        rule = next(r for r in self.rules if r.id == rule_id)
        shadow = build_shadow(article.title, article.summary, article.content)
        ctx = Context(self._scan(shadow), shadow, self.regex_budget)
        found = sorted({self.labels[k] for k, _w, _f in rule.score_keys if k in ctx.hits})
        language = article_language(article.language, article.title, article.summary, article.content)
        ok = (not rule.languages or same_family(language, rule.languages)) and rule.test(ctx)
        return ok, rule.score(ctx), found

    def diagnose(self, rule_id: str, article: Article) -> "Diagnosis | None":
        """For ``rules diff``: why one rule does or does not match (None when the set has no such rule)."""
        rule = next((r for r in self.rules if r.id == rule_id), None)
        if rule is None:
            return None
        language = Language(article)
        ctx, views, voided = self.prepare(article)
        ctx.hits = views.get(rule.topic, ctx.hits)  # denied and other-sense hits do not count here either
        if rule.topic_refs:
            ctx.topics.update(self.classify(article).topics)
        found = sorted({self.labels[k] for k, _w, _f in rule.score_keys if k in ctx.hits})
        blocking = sorted({self.labels[k] for k in rule.veto_keys if k in ctx.hits})
        ok = (not rule.languages or same_family(language.code, rule.languages)) and rule.test(ctx)
        keys = {k for k, _w, _f in rule.score_keys}
        mine = [v for v in voided.get(rule.topic, ()) if v.key in keys]
        good, note = self.headline_holds(rule, ctx, voided.get(rule.topic, ()))
        if good and rule.salience is not None and self.use_salience:
            good, note = salient(rule, ctx, rule.salience, headline_voided(mine, keys))
            if good and rule.salience.beside:
                good, why = beside_check(rule, ctx, rule.salience, self.classify(article).topics, self.topic_keys)
                note = why or note
        return Diagnosis(
            ok,
            rule.score(ctx),
            rule.min_score,
            tuple(found),
            tuple(blocking),
            good,
            note,
            tuple(dict.fromkeys(self.describe_voided(v, ctx.shadow) for v in mine)),
        )

    def _explain(
        self,
        rule: CompiledRule,
        score: float,
        ctx: Context,
        base: list[Matched],
        note: str = "",
        voided: Sequence[Voided] = (),
    ) -> Match:
        shadow = ctx.shadow
        starts, folded, originals, labels = shadow.starts, shadow.fields, shadow.originals, self.labels
        spans: dict[tuple[int, int, int], str] = {}
        for key, _w, fields in rule.score_keys:
            for start, end, f in ctx.hits.get(key, ()):
                if f in fields:
                    index, b = folded[f].index, starts[f]
                    span = (f, start - b, end - b) if index is None else (f, index[start - b], index[end - b])
                    spans.setdefault(span, labels[key])
        hits = [
            Hit(term=term, field=FIELD_NAMES[f], start=s, end=e, text=originals[f][s:e])
            for (f, s, e), term in sorted(spans.items())
        ]
        for leaf in rule.regexes:
            for f, s, e in ctx.regex_hits.get(leaf.ident, ()):
                hits.append(
                    Hit(
                        term=f"regex:{leaf.source}", field=FIELD_NAMES[f], start=s, end=e, text=shadow.originals[f][s:e]
                    )
                )
        if rule.topic_refs:
            for other, *_rest in base:
                if other.topic in rule.topic_refs:
                    hits.extend(self._explain(other, 0.0, ctx, []).hits)
        unique = tuple(dict.fromkeys(hits))[:_MAX_HITS]
        keys = {k for k, _w, _f in rule.score_keys}
        notes = ([note] if note else []) + [self.describe_voided(v, shadow) for v in voided if v.key in keys]
        return Match(
            rule=rule.id,
            topic=rule.topic,
            score=round(score, 3),
            severity=rule.severity,
            tags=rule.tags,
            hits=unique,
            snippet=snippet(shadow.originals, unique),
            ruleset_version=self.version,
            notes=tuple(dict.fromkeys(notes))[:_MAX_HITS],
        )

    def describe_voided(self, v: Voided, shadow: Shadow) -> str:
        """``not counted: «bukan» «serangan siber» (title): denied`` for one voided hit."""
        f, s, e = shadow.to_original(v.hit[0], v.hit[1])
        cf, cs, ce = shadow.to_original(v.cue[0], v.cue[1])
        text, cue = shadow.originals[f][s:e], shadow.originals[cf][cs:ce]
        return f"not counted: «{text}» ({FIELD_NAMES[f]}, next to «{cue}»): {v.why}"


_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_HANGUL = re.compile("[\uac00-\ud7a3]")


class _ReachLanguage:
    """The language a denial's reach depends on: declared, else told by the script (no detector run).

    Denial windows differ where the writing differs: Vietnamese syllables,
    Korean particles. A full language detection costs more than all the
    clause checks, and feeds' articles come with a language resolved at
    ingestion; an undeclared article is told apart by its letters alone
    (Indonesian and English share the default window).
    """

    __slots__ = ("_article", "_shadow", "_code", "_known")

    def __init__(self, article: Article, shadow: Shadow) -> None:
        self._article, self._shadow = article, shadow
        self._code: str | None = None
        self._known = False

    def __call__(self) -> str | None:
        if not self._known:
            code = declared_code(self._article.language)
            if code is None:
                sample = " ".join(f[:600] for f in self._shadow.originals)
                code = "ko" if _HANGUL.search(sample) else "vi" if _VIETNAMESE.search(sample) else None
            self._code, self._known = code, True
        return self._code


class Language:
    """The article's language, detected at most once and only when a rule asks."""

    __slots__ = ("_article", "_code", "_known")

    def __init__(self, article: Article) -> None:
        self._article = article
        self._code: str | None = None
        self._known = False

    @property
    def code(self) -> str | None:
        """ISO 639-1 code: declared by the feed, else detected."""
        if not self._known:
            a = self._article
            self._code, self._known = article_language(a.language, a.title, a.summary, a.content), True
        return self._code


def run_regex(ctx: Context, leaf: RegexLeaf) -> list[RegexHit]:
    """Hits of a regex leaf in the original fields, within the article's time budget."""
    cached = ctx.regex_hits.get(leaf.ident)
    if cached is not None:
        return cached
    found: list[RegexHit] = []
    for f in sorted(leaf.fields):
        text = ctx.shadow.originals[f]
        if f:
            text = mask_boilerplate(text)
        if ctx.budget <= 0:
            ctx.timed_out = True
            break
        began = time.perf_counter()
        try:
            found.extend((f, m.start(), m.end()) for m in leaf.pattern.finditer(text, timeout=ctx.budget))
        except TimeoutError:
            ctx.budget = 0.0
            ctx.timed_out = True
            log.warning("regex_budget_exceeded", pattern=leaf.source)
            break
        ctx.budget -= time.perf_counter() - began
    ctx.regex_hits[leaf.ident] = found
    return found


def hit_counts(matches: Sequence[Match]) -> dict[str, int]:
    """Per matched topic, how many distinct hits its rules found (the judge's ``strong_hits`` counts these)."""
    hits: dict[str, set[tuple[str, int]]] = {}
    for m in matches:
        hits.setdefault(m.topic, set()).update((h.field, h.start) for h in m.hits)
    return {t: len(found) for t, found in hits.items()}


def _lead(article: Article, width: int = 180) -> str:
    """The start of the story (the judge has no hits to centre a snippet on)."""
    text = " ".join((article.summary or article.content or article.title).split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > 0 else width] + "…"


def snippet(originals: tuple[str, str, str], hits: tuple[Hit, ...], width: int = 90) -> str:
    """About 2 x ``width`` characters around the first body hit, hits marked «like this»."""
    if not hits:
        return ""
    by_field = {h.field: h for h in reversed(hits)}
    field = next(f for f in ("content", "summary", "title") if f in by_field)
    text = originals[FIELD_NAMES.index(field)]
    first = by_field[field]
    lo = max(0, first.start - width)
    hi = min(len(text), first.end + width)
    # Cut at spaces, not inside words ("…KARTA - " reads as a typo); a window
    # with no space in reach keeps the character cut.
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
    body = " ".join("".join(out).split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")
