"""Rule examples: every should_match / should_not_match text is checked on load.

A rule whose own examples fail is refused like a syntax error, so an edit that
silently changes what a rule means never goes live.
"""

from __future__ import annotations

from pantau.core.article import Article, synthetic_article
from pantau.streams.classify.build import unexpected
from pantau.streams.classify.engine import RuleSet
from pantau.streams.classify.problems import Problem, Report, RuleFile, locate
from pantau.streams.classify.schema import ExampleSpec

__all__ = ["example_article", "check_examples"]


def example_article(example: str | ExampleSpec, rule_id: str) -> Article:
    """An Article for a rule's example text (plain text goes into content)."""
    spec = example if isinstance(example, ExampleSpec) else ExampleSpec(content=str(example))
    return synthetic_article(
        f"example-{rule_id}",
        feed="rules-example",
        title=spec.title,
        summary=spec.summary,
        content=spec.content,
        language=spec.language,
    )


def check_examples(files: list[RuleFile], ruleset: RuleSet, report: Report) -> None:
    """Classify every example of every enabled rule; record each disagreement as an error."""
    enabled = {r.id for r in ruleset.rules}
    for f in files:
        for position, rule in enumerate(f.spec.rules):
            index = f.rule_index[position]
            if rule.id not in enabled:
                continue
            for kind in ("should_match", "should_not_match"):
                for i, example in enumerate(getattr(rule.examples, kind)):
                    article = example_article(example, rule.id)
                    try:
                        matched = any(m.rule == rule.id for m in ruleset.classify(article).matches)
                    except Exception as exc:  # located refusal, never a traceback
                        what = f"rule {rule.id!r} failed on its {kind} example {i + 1}"
                        report.errors.append(unexpected(f, ("rules", index, "examples", kind, i), what, exc))
                        continue
                    if matched == (kind == "should_match"):
                        continue
                    ok, score, found = ruleset.evaluate_rule(rule.id, article)
                    where = locate(f.tree, ("rules", index, "examples", kind, i))
                    terms = ", ".join(found) or "none"
                    if kind == "should_match":
                        why = (
                            f"score {score:g} is below min_score {rule.min_score:g}"
                            if ok
                            else "its conditions are not met"
                        )
                        report.errors.append(
                            Problem(
                                f.name,
                                *where,
                                f"rule {rule.id!r} does not match its should_match example {i + 1}",
                                f"{why}; terms found: {terms}",
                            )
                        )
                    else:
                        report.errors.append(
                            Problem(
                                f.name,
                                *where,
                                f"rule {rule.id!r} matches its should_not_match example {i + 1}",
                                f"terms found: {terms}; add a none: term or tighten the rule",
                            )
                        )
