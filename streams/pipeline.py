"""The per-article flow both modes share: classify -> story -> route.

Pure apart from what the caller passes in (a rule set, a story index, a
router): the embedded runner calls :func:`process` for each article it took
in; the Faust worker calls :func:`classify` in its classify agent and
:func:`route` in its deliver agent, on the far side of the matches topic.
Metrics are counted here, once, so that both modes report the same series.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec
from prometheus_client import Counter

from pantau.core.article import Article
from pantau.core.logs import get_logger
from pantau.core.metrics import ARTICLES_INGESTED, CLASSIFY_DURATION, CLASSIFY_LAG, MATCHES, STORY_DUPLICATES
from pantau.streams.stories import StoryIndex, StoryRef, marks

if TYPE_CHECKING:  # imported for annotations only: keeps this module light to import
    from pantau.streams.classify import Classified, RuleSet
    from pantau.streams.deliver import Alert, Router

__all__ = ["Outcome", "Routed", "classify", "classify_batch", "route", "process"]

log = get_logger(component="classifier")


@dataclass(frozen=True)
class Routed:
    """A matched article's story and the alerts its routes produced."""

    story: StoryRef
    alerts: list[Alert] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """What became of one article: its classification, and for a match its story and alerts."""

    classified: Classified
    story: StoryRef | None = None
    alerts: list[Alert] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        """True when at least one rule matched the article."""
        return bool(self.classified.matches)


def classify(article: Article, rules: RuleSet, *, clock: Callable[[], float] = time.time) -> Classified:
    """Classify one article with the given rule set, counting the classify metrics."""
    ARTICLES_INGESTED.inc()
    started = time.perf_counter()
    classified = rules.classify(article)
    CLASSIFY_DURATION.observe(time.perf_counter() - started)
    CLASSIFY_LAG.set(max(0.0, clock() - article.fetched.timestamp()))
    for match in classified.matches:
        child = _MATCH_COUNTERS.get((match.topic, match.rule))
        if child is None:  # labels() once per rule, not per match
            child = _MATCH_COUNTERS[(match.topic, match.rule)] = MATCHES.labels(topic=match.topic, rule=match.rule)
        child.inc()
    return classified


_MATCH_COUNTERS: dict[tuple[str, str], Counter] = {}


def classify_batch(
    articles: list[Article], rules: RuleSet, *, clock: Callable[[], float] = time.time, mark: bool = False
) -> list[Classified]:
    """Classify a batch, counting the same metrics as :func:`classify` (counters once per batch).

    An article whose classification raises is logged and left out: one article's bad data must
    not stop the stream. ``mark``: each match carries its story marks (:func:`stories.marks`), so
    that the process grouping stories does not hash it again (the distributed worker's classifiers).
    """
    ARTICLES_INGESTED.inc(len(articles))
    ruled: list[Classified] = []
    spent: list[float] = []
    perf = time.perf_counter
    for article in articles:
        started = perf()
        try:
            ruled.append(rules.classify(article, judged=False))
        except Exception:
            log.exception("classify_failed", article=article.id, feed=article.feed)
            continue
        spent.append(perf() - started)
    out = ruled
    if rules.judge is not None and ruled:
        # The judge is asked once for the batch (one timing, one failure guard); each article's duration
        # carries an equal share of its time.
        started = perf()
        try:
            out = rules.judge_many(ruled)
        except Exception:  # the rules' own verdicts stand rather than losing the batch
            log.exception("judge_batch_failed", articles=len(ruled))
        share = (perf() - started) / len(ruled)
        spent = [s + share for s in spent]
    observe = CLASSIFY_DURATION.observe
    for classified, seconds in zip(out, spent, strict=True):
        observe(seconds)
        for match in classified.matches:
            child = _MATCH_COUNTERS.get((match.topic, match.rule))
            if child is None:
                child = _MATCH_COUNTERS[(match.topic, match.rule)] = MATCHES.labels(topic=match.topic, rule=match.rule)
            child.inc()
    if mark:  # after the judge: only the matches that stand are marked
        out = [msgspec.structs.replace(c, marks=marks(c.article)) if c.matches else c for c in out]
    if articles:
        CLASSIFY_LAG.set(max(0.0, clock() - articles[-1].fetched.timestamp()))
    return out


def route(classified: Classified, stories: StoryIndex, router: Router) -> Routed:
    """Place a matched article in its story and build the alerts its routes want.

    A later copy of a known story gets the story's id, hence the same alert
    keys (story, route, destination) as the first copy: the outbox keeps one.
    A copy that matched a topic the first did not may reach a route the first
    did not, and then alerts there once.
    """
    story = stories.assign(classified.article, classified.marks)
    if not story.is_new:
        STORY_DUPLICATES.inc()
    if classified.marks is not None:  # the marks served the story: alerts and outboxes do not keep them
        classified = msgspec.structs.replace(classified, marks=None)
    return Routed(story, list(router.alerts_for(classified, story=story.story_id)))


def process(
    article: Article,
    *,
    rules: RuleSet,
    stories: StoryIndex,
    router: Router,
    clock: Callable[[], float] = time.time,
) -> Outcome:
    """Run one article through classify -> story -> route; unmatched articles stop early."""
    classified = classify(article, rules, clock=clock)
    if not classified.matches:
        return Outcome(classified)
    routed = route(classified, stories, router)
    return Outcome(classified, routed.story, routed.alerts)
