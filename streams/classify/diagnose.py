"""Why one rule does or does not match one article, for ``pantau rules diff`` (``RuleSet.diagnose``).

Conditions, score against ``min_score``, the terms found and the terms
blocking, and whether the hits make the story about the topic: the same
checks as classifying, taken apart so a diff between two rule sets can name
what decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from pantau.core.article import Article
from pantau.core.language import same_family
from pantau.streams.classify.evidence import describe_voided
from pantau.streams.classify.judgement import headline_voided, text_voided
from pantau.streams.classify.rule_language import Language
from pantau.streams.classify.salience import beside_check, salient

if TYPE_CHECKING:  # the rule set calls this module
    from pantau.streams.classify.engine import RuleSet

__all__ = ["Diagnosis", "diagnose"]


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


def diagnose(ruleset: RuleSet, rule_id: str, article: Article) -> Diagnosis | None:
    """For ``rules diff``: why one rule does or does not match (None when the set has no such rule)."""
    rule = next((r for r in ruleset.rules if r.id == rule_id), None)
    if rule is None:
        return None
    language = Language(article)
    ctx, views, voided = ruleset.prepare(article)
    ctx.hits = views.get(rule.topic, ctx.hits)  # denied and other-sense hits do not count here either
    if rule.topic_refs:
        ctx.topics.update(ruleset.classify(article).topics)
    found = sorted({ruleset.labels[k] for k, _w, _f in rule.score_keys if k in ctx.hits})
    blocking = sorted({ruleset.labels[k] for k in rule.veto_keys if k in ctx.hits})
    ok = (not rule.languages or same_family(language.code, rule.languages)) and rule.test(ctx)
    keys = {k for k, _w, _f in rule.score_keys}
    mine = [v for v in voided.get(rule.topic, ()) if v.key in keys]
    good, note = ruleset.headline_holds(rule, ctx, voided.get(rule.topic, ()))
    if good and rule.salience is not None and ruleset.use_salience:
        good, note = salient(rule, ctx, rule.salience, headline_voided(mine, keys), text_voided(mine, keys))
        if good and rule.salience.beside:
            good, why = beside_check(rule, ctx, rule.salience, ruleset.classify(article).topics, ruleset.topic_keys)
            note = why or note
    return Diagnosis(
        ok,
        rule.score(ctx),
        rule.min_score,
        tuple(found),
        tuple(blocking),
        good,
        note,
        tuple(dict.fromkeys(describe_voided(v, ctx.shadow) for v in mine)),
    )
