"""Validated rule files -> a compiled RuleSet, with every semantic problem located.

Named lists are resolved across files (``@dprk``, ``@north-korea.dprk``), each
rule's any/all/none groups and query become one test closure, and the terms of
all rules go into one TermTable (one automaton). Unknown lists and topics,
queries that do not parse and regexes that do not compile are reported at
their line and column; lint advice goes to the warnings. The parts:
named_lists.py (lists across files), compile_rule.py (one rule), cues.py
(denials, senses, frames, salience mentions).
"""

from __future__ import annotations

from pantau.core.logs import get_logger
from pantau.streams.classify.compile_rule import compile_rule
from pantau.streams.classify.compiled import CompiledRule
from pantau.streams.classify.cues import check_beside, compile_cues, cue_keys, salience_keys
from pantau.streams.classify.engine import RuleSet, TopicJudgement
from pantau.streams.classify.headline import Frame, HeadlineScope
from pantau.streams.classify.judgement import Cue
from pantau.streams.classify.named_lists import resolve_lists
from pantau.streams.classify.problems import Loc, Problem, Report, RuleFile, locate
from pantau.streams.classify.terms import TermTable

__all__ = ["build_ruleset", "unexpected"]

log = get_logger(component="rules")


def build_ruleset(files: list[RuleFile], version: str, report: Report, directory: str, located: bool) -> RuleSet | None:
    """Compile every enabled rule into one RuleSet; None (and errors in ``report``) when any rule is broken."""
    table = TermTable()
    lists = resolve_lists(files, report)
    topics = frozenset(f.spec.topic for f in files)
    compiled: list[CompiledRule] = []
    seen_ids: dict[str, str] = {}
    budget = min((f.spec.regex_budget_ms for f in files), default=50.0) / 1000
    used_lists: set[str] = set()
    cues: dict[str, tuple[Cue, ...]] = {}
    scopes: dict[str, HeadlineScope] = {}
    frames: dict[str, tuple[Frame, ...]] = {}
    for f in files:
        topic_lists = lists[f.spec.topic]
        file_mentions = salience_keys(f.spec.salience, "mentions", (), f, table, topic_lists, report, used_lists)
        file_other = salience_keys(f.spec.salience, "other_names", (), f, table, topic_lists, report, used_lists)
        check_beside(f.spec.salience, ("salience", "beside"), f, topics, report)
        for position, rule in enumerate(f.spec.rules):
            index = f.rule_index[position]
            base = ("rules", index)
            if rule.id in seen_ids:
                report.errors.append(
                    Problem(
                        f.name,
                        *locate(f.tree, base + ("id",)),
                        f"rule id {rule.id!r} is already used in {seen_ids[rule.id]}",
                        "give every rule a unique id",
                    )
                )
            seen_ids[rule.id] = f.name
            try:
                result = compile_rule(
                    f,
                    index,
                    rule,
                    table,
                    lists[f.spec.topic],
                    topics,
                    report,
                    used_lists,
                    located,
                    file_mentions,
                    file_other,
                )
            except Exception as exc:  # a rule nobody foresaw must be a located refusal, never a dead reload
                report.errors.append(unexpected(f, base, f"rule {rule.id!r} could not be compiled", exc))
                continue
            if result is not None and rule.enabled and f.spec.enabled:
                compiled.append(result)
            if not rule.enabled:
                report.warnings.append(
                    Problem(
                        f.name,
                        *locate(f.tree, base + ("enabled",)),
                        f"rule {rule.id!r} is disabled",
                        "set enabled: true to use it",
                        "warning",
                    )
                )
            if not (rule.examples.should_match or rule.examples.should_not_match):
                report.warnings.append(
                    Problem(
                        f.name,
                        *locate(f.tree, base),
                        f"rule {rule.id!r} has no examples",
                        "add examples: should_match / should_not_match so every edit is checked",
                        "warning",
                    )
                )
        cues[f.spec.topic] = compile_cues(f, table, lists[f.spec.topic], report, used_lists)
        headline = f.spec.denials.headline if f.spec.denials is not None else None
        if headline is not None:
            where = ("denials", "headline", "needs")
            needs = cue_keys(headline.needs, table, lists[f.spec.topic], where, f, report, used_lists)
            scopes[f.spec.topic] = HeadlineScope(needs, headline.min_hits)
        frames[f.spec.topic] = tuple(
            Frame(
                fr.why,
                cue_keys(fr.title, table, lists[f.spec.topic], ("frames", i, "title"), f, report, used_lists),
                cue_keys(fr.needs, table, lists[f.spec.topic], ("frames", i, "needs"), f, report, used_lists),
                fr.min_hits,
                fr.taken_back,
            )
            for i, fr in enumerate(f.spec.frames)
        )
        for name in f.spec.terms:
            if name not in used_lists and f"{f.spec.topic}.{name}" not in used_lists:
                report.warnings.append(
                    Problem(
                        f.name,
                        *locate(f.tree, ("terms", name), key=True),
                        f"list '@{name}' is not used by any rule",
                        "use it or remove it",
                        "warning",
                    )
                )
    if report.errors:
        return None
    key_rules: dict[int, list[int]] = {}
    for i, rule in enumerate(compiled):
        for key, _w, _f in rule.score_keys:
            key_rules.setdefault(key, []).append(i)
    judgement = {}
    for topic, topic_cues in cues.items():
        keys = frozenset(k for r in compiled if r.topic == topic for k, _w, _f in r.score_keys)
        if topic_cues or frames.get(topic):
            judgement[topic] = TopicJudgement(keys, topic_cues, scopes.get(topic), frames.get(topic, ()))
    return RuleSet(
        version=version,
        topics=tuple(sorted(f.spec.topic for f in files if f.spec.enabled)),
        rules=tuple(compiled),
        automaton=table.automaton(),
        labels=tuple(table.labels),
        accented=table.accented(),
        key_rules={k: tuple(v) for k, v in key_rules.items()},
        regex_budget=budget,
        directory=directory,
        judgement=judgement,
    )


def unexpected(f: RuleFile, path: Loc, what: str, exc: Exception) -> Problem:
    """A located error for an exception the checks did not foresee (a pantau bug, but never a traceback)."""
    log.error("rules_check_crashed", file=f.name, what=what, error=repr(exc), exc_info=exc)
    return Problem(
        f.name,
        *locate(f.tree, path),
        f"{what}: {type(exc).__name__}: {exc}",
        "simplify this rule to find the part pantau cannot handle, and report it as a pantau bug",
    )
