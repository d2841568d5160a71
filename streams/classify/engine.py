"""RuleSet: classify one article with every rule in one automaton pass.

Flow per article: fold the fields into one scan text -> one Aho-Corasick pass
(with Unicode word boundaries, Indonesian suffixes and Korean particles checked
per hit) -> the rules that one of their terms made a candidate are evaluated
-> rules with ``topic:`` references run last, until no more match (so a topic
one reference rule finds can satisfy another) ->
each match is explained (hits with original offsets, a marked snippet) -> the
judge, if any, gives its second opinion. The steps live beside it: scan.py
(hits), requirements.py (which candidates need no test), evidence.py (explanations),
second_opinion.py (the judge's say),
diagnose.py (why a rule did not match), rule_language.py (language, on demand).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pantau.core.article import Article
from pantau.core.language import article_language, same_family
from pantau.streams.classify.compiled import CompiledRule, Context, Hits
from pantau.streams.classify.diagnose import Diagnosis, diagnose
from pantau.streams.classify.evidence import Matched, describe_voided, explain_match
from pantau.streams.classify.headline import Frame, HeadlineScope, framed, headline_scope
from pantau.streams.classify.judge import Judge
from pantau.streams.classify.judgement import Cue, Voided, discount, headline_voided, text_voided
from pantau.streams.classify.records import Classified, Match
from pantau.streams.classify.requirements import holds
from pantau.streams.classify.rule_language import Language, ReachLanguage
from pantau.streams.classify.salience import beside_check, salient
from pantau.streams.classify.scan import scan_fields
from pantau.streams.classify.second_opinion import JUDGE_RULE, judge_batch, judge_matches
from pantau.streams.classify.terms import Automaton
from pantau.streams.classify.text import Shadow, build_shadow

__all__ = ["RuleSet", "TopicJudgement", "JUDGE_RULE"]


@dataclass(frozen=True)
class TopicJudgement:
    """A topic's denial and sense cues, the term keys its rules use (the hits cues may void), its headline scope."""

    keys: frozenset[int]
    cues: tuple[Cue, ...]
    headline: HeadlineScope | None = None
    frames: tuple[Frame, ...] = ()


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
    """Keys of terms written with accents ("giả", "Triều Tiên") and their spellings; see ``scan_fields``."""
    judge: Judge | None = None
    """The second opinion after the rules (judge.py); None: the rules alone decide."""

    def __post_init__(self) -> None:
        self._plain_always = tuple(i for i, r in enumerate(self.rules) if r.always and not r.topic_refs)
        # One accented syllable ("giả", "bán", "dụ") folds into a common word of other
        # languages ("gia", "ban", "du"): such terms need their accents even in unaccented text.
        self._one_syllable = frozenset(k for k, forms in self.accented.items() if all(" " not in f for f in forms))
        self._with_topics = tuple(i for i, r in enumerate(self.rules) if r.topic_refs)
        self._ref_topics = frozenset(self.rules[i].topic for i in self._with_topics)
        """Topics of the ``topic:`` rules: ``_chain`` evaluates them on every article, on their topic's view."""
        self._beside = any(r.salience is not None and r.salience.beside for r in self.rules)
        keys: dict[str, set[int]] = {}
        for r in self.rules:
            keys.setdefault(r.topic, set()).update(k for k, _w, _f in r.score_keys)
        self.topic_keys = {t: frozenset(k) for t, k in keys.items()}
        """Per topic, the keys of its rules' terms: another topic's words are no mention of this one."""
        self._cue_keys = frozenset(k for j in self.judgement.values() for c in j.cues for k in c.before | c.after)
        self._framed = frozenset(t for t, j in self.judgement.items() if j.frames)
        # Per topic, what its cues need among the hits before ``discount`` has anything to do: a cue word and a
        # target of the same plain cue, or a target of a list sense. Most articles have neither.
        self._cue_needs: dict[str, tuple[frozenset[int], frozenset[int], frozenset[int]]] = {}
        for topic, j in self.judgement.items():
            plain = [c for c in j.cues if not (c.in_list or c.in_lines)]
            self._cue_needs[topic] = (
                frozenset().union(*(c.cue_keys for c in plain)),
                frozenset().union(*(j.keys if c.targets is None else c.targets for c in plain)),
                frozenset().union(
                    *(j.keys if c.targets is None else c.targets for c in j.cues if c.in_list or c.in_lines)
                ),
            )
        # List senses have no cue words: the topic's own hits send an article to the list check.
        self._list_keys = frozenset(
            k
            for j in self.judgement.values()
            for c in j.cues
            if c.in_list or c.in_lines
            for k in (j.keys if c.targets is None else c.targets)
        )

    def prepare(self, article: Article) -> tuple[Context, dict[str, Hits], dict[str, list[Voided]]]:
        """Scan the article once; per topic, the hits its denials and senses leave (only topics with voided hits)."""
        ctx = self._context(article)
        return (ctx, *self._views(article, ctx, None))

    def _context(self, article: Article) -> Context:
        shadow = build_shadow(article.title, article.summary, article.content)
        return Context(self._scan(shadow), shadow, self.regex_budget)

    def _views(
        self, article: Article, ctx: Context, topics: set[str] | None
    ) -> tuple[dict[str, Hits], dict[str, list[Voided]]]:
        """Per topic (of ``topics``, None: all), the hits its denials and senses leave, and what they voided."""
        views: dict[str, Hits] = {}
        voided: dict[str, list[Voided]] = {}
        hits, shadow = ctx.hits, ctx.shadow
        if self._cued(hits):
            reach = ReachLanguage(article, shadow)
            for topic, j in self.judgement.items():
                if topics is not None and topic not in topics:
                    continue
                words, targets, listed = self._cue_needs[topic]
                if (words.isdisjoint(hits) or targets.isdisjoint(hits)) and listed.isdisjoint(hits):
                    continue  # no cue of this topic can void anything here (discount would return hits as they are)
                view, gone = discount(hits, j.cues, j.keys, shadow, reach)
                if gone:
                    views[topic], voided[topic] = view, gone
        return views, voided

    def _cued(self, hits: Hits | frozenset[int]) -> bool:
        """True when a denial or sense may void some of ``hits``: a cue word or a listed topic's term is among them."""
        return self.use_cues and (not self._cue_keys.isdisjoint(hits) or not self._list_keys.isdisjoint(hits))

    def _scan(self, shadow: Shadow) -> Hits:
        """Every hit, less those of accented terms that lost their accents in accented text (see scan_fields)."""
        return scan_fields(self.automaton, shadow, self.accented, self._one_syllable)

    @property
    def active(self) -> int:
        """How many enabled rules this set evaluates."""
        return len(self.rules)

    def classify(self, article: Article, *, judged: bool = True) -> Classified:
        """Every rule that matches ``article``, each with its evidence, as the judge (if any) lets stand.

        ``judged=False``: the rules alone (their own examples, and explanations of a veto).
        """
        language = Language(article)  # detected only if a rule or a denial window depends on it
        ctx = self._context(article)
        base = ctx.hits
        candidates: set[int] = set(self._plain_always)
        key_rules = self.key_rules
        for key in base:
            candidates.update(key_rules.get(key, ()))
        # A candidate missing a term it cannot match without would fail its test (requirements.py): not
        # tested, and its topic's denials and senses are not judged for it. A topic's view only removes hits.
        rules, present = self.rules, frozenset(base)  # a set, so that isdisjoint walks the smaller side
        live = [i for i in sorted(candidates) if not rules[i].topic_refs and holds(rules[i].requires, present)]
        # No cue word and no listed name among the hits: no topic's view differs, no topics to gather for one.
        topics = {rules[i].topic for i in live} | self._ref_topics if self._cued(base) else set()
        views, voided = self._views(article, ctx, topics)
        matched: list[Matched] = []
        for index in live:
            rule = rules[index]
            ctx.hits = views.get(rule.topic, base) if views else base
            if views and not holds(rule.requires, ctx.hits):
                continue
            found = self._evaluate(rule, ctx, language, voided.get(rule.topic, ()) if voided else ())
            if found is not None:
                matched.append((rule, *found))
                ctx.topics.add(rule.topic)
        if self._beside and self.use_salience and len(ctx.topics) > 1:
            matched = self._beside_other_topics(matched, ctx, views, base)
        if self._with_topics:
            self._chain(matched, ctx, language, views, base, voided)
        matches: list[Match] = []
        labels, version = self.labels, self.version
        for rule, score, note in matched:
            ctx.hits = views.get(rule.topic, base) if views else base
            v = voided.get(rule.topic, ())
            matches.append(
                explain_match(rule, score, ctx, matched, labels=labels, version=version, note=note, voided=v)
            )
        if judged and self.judge is not None:
            matches = judge_matches(self.judge, article, matches, self.topics, self.version)
        return Classified(article=article, matches=tuple(matches), ruleset_version=self.version)

    def classify_many(self, articles: list[Article]) -> list[Classified]:
        """``classify`` for a batch (the stream's): the same results as one article at a time."""
        return self.judge_many([self.classify(a, judged=False) for a in articles])

    def judge_many(self, ruled: list[Classified]) -> list[Classified]:
        """The judge's decision on a batch of the rules' own results (``classify(judged=False)``)."""
        return ruled if self.judge is None else judge_batch(self.judge, ruled, self.topics, self.version)

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
        keys = rule.key_set if voided else frozenset()
        ok, note = salient(
            rule,
            ctx,
            rule.salience,
            bool(voided) and headline_voided(voided, keys),
            bool(voided) and text_voided(voided, keys),
        )
        return (score, note) if ok else None

    def headline_holds(self, rule: CompiledRule, ctx: Context, voided: Sequence[Voided]) -> tuple[bool, str]:
        """False (and why) when the headline denies or frames away the topic and the story does not overturn it."""
        j = self.judgement.get(rule.topic)
        if j is None:
            return True, ""
        held, why = headline_scope(j.headline, voided, ctx.hits)
        if held and j.frames:
            return framed(j.frames, ctx.hits, voided)
        return held, why

    def evaluate_rule(self, rule_id: str, article: Article) -> tuple[bool, float, list[str]]:
        """For editors' diagnostics: (conditions met, score, terms found) of one rule."""
        rule = next(r for r in self.rules if r.id == rule_id)
        ctx = self._context(article)
        found = sorted({self.labels[k] for k, _w, _f in rule.score_keys if k in ctx.hits})
        language = article_language(article.language, article.title, article.summary, article.content)
        ok = (not rule.languages or same_family(language, rule.languages)) and rule.test(ctx)
        return ok, rule.score(ctx), found

    def diagnose(self, rule_id: str, article: Article) -> Diagnosis | None:
        """For ``rules diff``: why one rule does or does not match (None when the set has no such rule)."""
        return diagnose(self, rule_id, article)

    def describe_voided(self, v: Voided, shadow: Shadow) -> str:
        """``not counted: «bukan» «serangan siber» (title): denied`` for one voided hit."""
        return describe_voided(v, shadow)
