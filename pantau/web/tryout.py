""" "Try": how each topic judges a text, with the near misses explained.

A near miss is a rule that found some of its terms but did not match, with the
reason ``pantau classify --explain`` gives (explain.py): its conditions are not
met (a required term is missing, a NEAR is too far), a ``none:`` term vetoes,
the score stays below ``min_score``, a denial or another sense took the hits,
the story only mentions the topic (salience), or the judge overruled it.
Editors use it to see why an article did not alert before they touch a rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

from pantau.core.article import Article, synthetic_article
from pantau.streams.classify import Match, RuleSet
from pantau.streams.classify.explain import judge_verdicts, rule_misses
from pantau.streams.classify.loader import rule_files
from pantau.streams.classify.schema import TopicFile

__all__ = ["NearMiss", "TopicVerdict", "RuleInfo", "text_article", "judge", "rule_infos"]


@dataclass(frozen=True)
class RuleInfo:
    """What an editor wrote for a rule: its title and its condition, as text."""

    title: str
    condition: str
    min_score: float


@dataclass(frozen=True)
class NearMiss:
    """A rule that found some of its terms but did not match, and why."""

    rule: str
    title: str
    found: tuple[str, ...]
    score: float
    min_score: float
    reason: str


@dataclass
class TopicVerdict:
    """One topic's judgement of the text: its matches, else its near misses."""

    topic: str
    title: str
    matches: list[Match] = field(default_factory=list)
    near: list[NearMiss] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        """True when at least one rule of the topic matched."""
        return bool(self.matches)


def text_article(text: str, *, title: str = "", url: str = "", language: str | None = None) -> Article:
    """An Article for pasted text: the first line is the title unless one is given."""
    text = text.replace("\r\n", "\n").strip()
    if not title:
        title, _, text = text.partition("\n")
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:16]
    return synthetic_article(
        f"try-{digest}", url=url, title=title.strip(), content=text.strip(), feed="web-try", language=language or None
    )


def rule_infos(directory: Path) -> tuple[dict[str, str], dict[str, RuleInfo]]:
    """Topic titles and each rule's title and condition, read from the rule files (re-read when they change)."""
    files = rule_files(directory)
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _infos(stamp)


@lru_cache(maxsize=8)
def _infos(stamp: tuple[tuple[str, int, int], ...]) -> tuple[dict[str, str], dict[str, RuleInfo]]:
    topics: dict[str, str] = {}
    rules: dict[str, RuleInfo] = {}
    yaml = YAML(typ="safe")
    for name, _mtime, _size in stamp:
        try:
            spec = TopicFile.model_validate(yaml.load(Path(name).read_text(encoding="utf-8")))
        except Exception:  # a broken file is the rules page's business; here it only lacks titles
            continue
        topics[spec.topic] = spec.title
        for rule in spec.rules:
            parts = [rule.query] if rule.query else []
            parts += [
                f"{kind}: {', '.join(map(str, getattr(rule, kind)))}"
                for kind in ("any", "all", "none")
                if getattr(rule, kind)
            ]
            rules[rule.id] = RuleInfo(rule.title or rule.id, "; ".join(parts), rule.min_score)
    return topics, rules


def judge(ruleset: RuleSet, article: Article, *, directory: Path | None = None) -> list[TopicVerdict]:
    """Every topic's verdict on ``article``: matches with hits, or near misses with reasons."""
    titles, infos = rule_infos(directory) if directory is not None else ({}, {})
    classified = ruleset.classify(article)
    overruled, _alone = judge_verdicts(ruleset, article, set(classified.topics))
    verdicts = {t: TopicVerdict(t, titles.get(t, t)) for t in ruleset.topics}
    matched_rules = set()
    for match in classified.matches:
        verdicts.setdefault(match.topic, TopicVerdict(match.topic, titles.get(match.topic, match.topic)))
        verdicts[match.topic].matches.append(match)
        matched_rules.add(match.rule)
    lacked = {m.rule: m.lacked for m in rule_misses(ruleset, article, set(classified.topics))}
    for rule in ruleset.rules:
        if rule.id in matched_rules:
            continue
        ok, score, found = ruleset.evaluate_rule(rule.id, article)
        if not found:
            continue
        info = infos.get(rule.id, RuleInfo(rule.id, "", rule.min_score))
        if ok and rule.topic in overruled and score >= rule.min_score:
            reason = overruled[rule.topic].lacked  # the rule matched; the judge (rules/judge) overruled it
        else:
            # The same reasons as `pantau classify --explain`: salience, a denial or sense, a veto, the score...
            reason = lacked.get(rule.id, "")
            if reason.startswith("its conditions are not met") and info.condition:
                reason = f"its conditions are not met: {info.condition}"  # as the editor wrote them
        verdicts.setdefault(rule.topic, TopicVerdict(rule.topic, titles.get(rule.topic, rule.topic)))
        verdicts[rule.topic].near.append(
            NearMiss(rule.id, info.title, tuple(found), round(score, 3), rule.min_score, reason)
        )
    return sorted(verdicts.values(), key=lambda v: (not v.matched, v.topic))
