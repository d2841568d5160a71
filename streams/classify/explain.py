"""Why an article did or did not alert, for editors: matches with their judgement, and near misses.

For every topic the article did not get, the rule that came closest and what
it lacked: a term its conditions need, a veto (``none:``), the minimum score,
salience (a passing mention), a denial or another sense of its words, the
article's language, or the judge (judge.py), which overruled the rules' match
or, alone, stayed under its bar. ``pantau classify --explain`` prints this.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from pantau.core.article import Article
from pantau.core.language import same_family
from pantau.streams.classify.compiled import CompiledRule, Context, Hits
from pantau.streams.classify.engine import RuleSet
from pantau.streams.classify.evidence import hit_counts
from pantau.streams.classify.judge import Verdict
from pantau.streams.classify.judgement import Voided, headline_voided, text_voided
from pantau.streams.classify.records import Classified
from pantau.streams.classify.rule_language import Language
from pantau.streams.classify.salience import beside_check, salient

__all__ = ["NearMiss", "near_misses", "rule_misses", "judge_verdicts", "render"]


@dataclass(frozen=True)
class NearMiss:
    """The closest rule of a topic that did not match, the terms it found and what it lacked."""

    topic: str
    rule: str
    found: tuple[str, ...]
    lacked: str
    closeness: int = 0
    """How close the rule came (0-5: salience, score, a denial or sense, conditions, language, nothing)."""


def rule_misses(
    ruleset: RuleSet, article: Article, matched_topics: set[str], *, topics: Collection[str] | None = None
) -> list[NearMiss]:
    """Every rule (of ``topics``, default all) with what it lacked on ``article``; the web Try page lists them."""
    ctx, views, voided = ruleset.prepare(article)
    base = ctx.hits
    language = Language(article)
    labels = ruleset.labels
    out: list[NearMiss] = []
    for rule in ruleset.rules:
        if topics is not None and rule.topic not in topics:
            continue
        keys = {k for k, _w, _f in rule.score_keys}
        found = tuple(sorted({labels[k] for k in keys if k in base}))
        view = views.get(rule.topic, base)
        stage, lacked = _lacked(
            ruleset, rule, ctx, view, base, language, voided.get(rule.topic, ()), keys, matched_topics
        )
        if stage == 1 and not found:
            stage = 0  # a rule for another language that found nothing is no nearer than any other
        out.append(NearMiss(rule.topic, rule.id, found, lacked, stage))
    ctx.hits = base
    return out


def near_misses(ruleset: RuleSet, article: Article, matched_topics: set[str]) -> list[NearMiss]:
    """One near miss per topic the article did not get (topics order)."""
    overruled, alone = judge_verdicts(ruleset, article, matched_topics)
    wanted = [t for t in ruleset.topics if t not in matched_topics and t not in overruled]
    best: dict[str, NearMiss] = {}
    for candidate in rule_misses(ruleset, article, matched_topics, topics=set(wanted)):
        held = best.get(candidate.topic)
        if held is None or (candidate.closeness, len(candidate.found)) > (held.closeness, len(held.found)):
            best[candidate.topic] = candidate
    out: list[NearMiss] = []
    for topic in ruleset.topics:
        if topic in matched_topics:
            continue
        if topic in overruled:
            out.append(overruled[topic])
            continue
        miss = best.get(topic)
        if miss is None:
            continue
        if not miss.found and miss.closeness == 0:
            miss = NearMiss(topic, "-", (), "no term of the topic in the article")
        if topic in alone:
            miss = replace(miss, lacked=f"{miss.lacked}; {alone[topic].note()}")
        out.append(miss)
    return out


def judge_verdicts(
    ruleset: RuleSet, article: Article, matched_topics: set[str]
) -> tuple[dict[str, NearMiss], dict[str, Verdict]]:
    """Topics the rules found but the judge overruled (as near misses), and the judge's say on the rest."""
    if ruleset.judge is None:
        return {}, {}
    rules_only = ruleset.classify(article, judged=False)
    verdicts = ruleset.judge.review(article, hit_counts(rules_only.matches), ruleset.topics)
    overruled: dict[str, NearMiss] = {}
    for v in verdicts:
        if not v.alone and not v.holds and v.topic not in matched_topics:
            ms = [m for m in rules_only.matches if m.topic == v.topic]
            terms = tuple(sorted({h.term for m in ms for h in m.hits}))
            overruled[v.topic] = NearMiss(v.topic, ms[0].rule, terms, f"overruled: {v.note()}")
    return overruled, {v.topic: v for v in verdicts if v.alone}


def _lacked(
    ruleset: RuleSet,
    rule: CompiledRule,
    ctx: Context,
    view: Hits,
    base: Hits,
    language: Language,
    voided: Sequence[Voided],
    keys: set[int],
    others: Collection[str] = (),
) -> tuple[int, str]:
    """(how close, what was missing): 5 salience, 4 score, 3 a denial or sense, 2 conditions, 1 language.

    A rule for another language ranks below the article's own rules' near
    misses: "the rule is for vi" tells an editor of an Indonesian story nothing.
    """
    if rule.languages and not same_family(language.code, rule.languages):
        return (
            1,
            f"the article is in {language.code or 'an unknown language'}; "
            f"the rule is for {', '.join(sorted(rule.languages))}",
        )
    ctx.hits = view
    if rule.test(ctx):
        score = rule.score(ctx)
        if score < rule.min_score:
            return 4, f"score {score:g} is below min_score {rule.min_score:g}"
        held, why = ruleset.headline_holds(rule, ctx, voided)
        if not held:
            return 5, why
        if rule.salience is not None:
            keys_voided = [v for v in voided if v.key in keys]
            ok, note = salient(
                rule, ctx, rule.salience, headline_voided(keys_voided, keys), text_voided(keys_voided, keys)
            )
            if not ok:
                # The hits a sense or a denial took away made it a passing mention: say which.
                gone = [ruleset.describe_voided(v, ctx.shadow) for v in keys_voided[:2]]
                return 5, "; ".join([note, *gone])
            ok, note = beside_check(rule, ctx, rule.salience, others, ruleset.topic_keys)
            if not ok:
                return 5, note
        return 0, "conditions met (a topic: reference rule evaluated later)"
    ctx.hits = base
    if view is not base and rule.test(ctx) and rule.score(ctx) >= rule.min_score:
        mine = [v for v in voided if v.key in keys]
        return 3, "; ".join(ruleset.describe_voided(v, ctx.shadow) for v in mine[:3]) or "hits did not count"
    vetoes = sorted({ruleset.labels[k] for k in rule.veto_keys if k in base})
    if vetoes and any(k in base for k in keys):
        return 2, f"vetoed by {', '.join(vetoes)}"
    if not any(k in base for k in keys):
        return 0, f"none of its terms ({rule.source})"
    return 2, f"its conditions are not met: {rule.source}"


def render(classified: Classified, misses: list[NearMiss]) -> str:
    """A human-readable explanation: every match with its hits and notes, then the near misses."""
    a = classified.article
    lines = [f"article: {a.title or a.url or a.id}"]
    lines.append(f"topics: {', '.join(classified.topics) or '(none)'}")
    for m in classified.matches:
        lines.append(f"  + {m.topic}: rule {m.rule} (score {m.score:g}, {m.severity})")
        for h in m.hits:
            lines.append(f"      {h.field:<8} «{h.text}»  ({h.term})")
        for note in m.notes:
            lines.append(f"      {note}")
    for miss in misses:
        found = f"; found: {', '.join(miss.found)}" if miss.found else ""
        lines.append(f"  - {miss.topic}: not matched. closest rule {miss.rule}{found}")
        lines.append(f"      lacked: {miss.lacked}")
    return "\n".join(lines)
