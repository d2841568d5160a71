"""Backtest: what a rule change would have done to the articles pantau already saw.

    from pantau.streams.backtest import backtest
    result = backtest(store.scan(since), running, proposed, routes=config.routes,
                      destinations={name: spec.type for name, spec in config.destinations.items()},
                      since=since, until=now)
    result.rules        # per topic/rule: matched before/after, gained, lost, samples with hits
    result.deliveries   # per route/destination: alerts before/after, per day, after story grouping
    result.headline()   # "this change would have sent 40.0 more webhook alerts a day (siem via all)"

Each side is replayed the way the pipeline runs (pantau.streams.pipeline):
articles in intake order, only matched ones grouped into stories by their own
:class:`~pantau.streams.stories.StoryIndex`, alerts built by the same
:class:`~pantau.streams.deliver.Router` with the clock at the article's time,
and an alert key counted once (copies of a story alert once). Silences and
digest batching are not replayed: the figures are alerts, before muting and
grouping into messages.

Speed: the running side reuses the classification and story archived with the
same rule set version instead of classifying and grouping again, and with a
``scope`` (:mod:`pantau.streams.backtest_scope`) the proposed side classifies
only the topics the edit can change, taking the other topics' matches from the
running side; a backtest then costs a pass of the edited topics' rules and one
story grouping of the proposed matches (tests/bench/bench_archive.py, cases
``backtest``: 100,000 articles, one topic edited, and ``backtest_all``: every topic).
``running=None`` compares against what the archive recorded at the time.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pantau.core.article import Article
from pantau.streams.backtest_pool import Job, ahead
from pantau.streams.backtest_report import (
    Archived,
    BacktestResult,
    DeliveryChange,
    RuleChange,
    Sample,
    TopicChange,
)
from pantau.streams.classify import Classified, Match
from pantau.streams.stories import StoryIndex, StoryMember, StoryStore

if TYPE_CHECKING:
    from pantau.streams.backtest_scope import Scope
    from pantau.streams.classify import RuleSet
    from pantau.streams.deliver.config import RouteSpec

__all__ = [
    "backtest",
    "BacktestResult",
    "RuleChange",
    "TopicChange",
    "DeliveryChange",
    "Sample",
    "Archived",
    "proposed_ruleset",
    "proposal",
]


class _Side:
    """One rule set's replay: story grouping and alert keys, as the pipeline would have made them."""

    def __init__(self, routes: Sequence[RouteSpec], destinations: Iterable[str]) -> None:
        from pantau.streams.deliver.route import Router  # deliver pulls in httpx and friends: import on use

        self._now = 0.0
        self.router = Router(routes, destinations, clock=lambda: self._now)
        self.stories = StoryIndex()
        self.keys: set[str] = set()
        self.counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def take(
        self, classified: Classified, at: float, day: str, story: str | None = None, member: StoryMember | None = None
    ) -> None:
        self._now = at
        if member is not None:  # signed when it first alerted: index the stored signature, hash nothing
            self.stories.replay(member, classified.article.fetched.timestamp())
            story = member.story_id
        elif story is None:
            story = self.stories.assign(classified.article).story_id
        for alert in self.router.alerts_for(classified, story=story):
            if alert.key not in self.keys:
                self.keys.add(alert.key)
                self.counts[(alert.route, alert.destination)][day] += 1


def _sample(article: Article, at: float, match: Match) -> Sample:
    return Sample(article.id, article.title, article.url, at, match.hits, match.snippet)


def backtest(
    rows: Iterable[Archived],
    running: RuleSet | None,
    proposed: RuleSet,
    *,
    routes: Sequence[RouteSpec] = (),
    destinations: Mapping[str, str] | None = None,
    since: float | None = None,
    until: float | None = None,
    samples: int = 5,
    members: StoryStore | None = None,
    scope: Scope | None = None,
    workers: int = 1,
) -> BacktestResult:
    """Replay the archived articles under the running and the proposed rule set; compare what each would do.

    ``destinations`` maps each destination name to its type (``console`` is
    always known); ``running=None`` takes the archived classification as the
    running side. Samples are the newest articles each rule gained or lost.
    ``members`` (the embedded state's story store) lends the proposed side the
    signatures of articles that were matched then, so only newly matched ones
    are hashed. ``scope`` (:func:`pantau.streams.backtest_scope.edit_scope`)
    limits the proposed side's classification to the topics the edit can change.
    ``workers`` > 1 classifies in that many forked processes, ahead of the replay
    (:mod:`pantau.streams.backtest_pool`); the result is the same.
    """
    started = time.perf_counter()
    kinds = {"console": "console", **(destinations or {})}
    before_side, after_side = _Side(routes, kinds), _Side(routes, kinds)
    rules: dict[tuple[str, str], RuleChange] = {}
    topics: dict[str, TopicChange] = {}
    count = reused = narrowed = 0
    scoped = None
    if scope is not None and scope.ruleset is not None:  # the budget of the whole set, as the pipeline would run it
        scoped = dataclasses.replace(scope.ruleset, regex_budget=proposed.regex_budget)
    first: float | None = None
    last: float | None = None
    running_version = running.version if running is not None else "archived"
    classifiers = {"proposed": proposed}
    if running is not None:
        classifiers["running"] = running
    if scoped is not None:
        classifiers["scoped"] = scoped

    def plan(row: Archived) -> tuple[bool, str, str]:
        """(archived matches reused, the version the old matches are of, how the new ones are found)."""
        if running is None or (row.matches is not None and row.ruleset_version == running.version):
            reuse, old_version = True, row.ruleset_version if row.matches is not None else ""
        else:
            reuse, old_version = False, running.version
        if old_version == proposed.version:
            return reuse, old_version, "same"  # the same rules judged it then
        if scope is not None and scope.applies(old_version):
            return reuse, old_version, "scoped"  # topics outside the edit judge as before
        return reuse, old_version, "proposed"

    def job(row: Archived) -> Job:
        reuse, _version, how = plan(row)
        wanted = how if how == "proposed" or (how == "scoped" and scoped is not None) else None
        return row.article, None if reuse else "running", wanted

    for row, judged, fresh in ahead(rows, job, classifiers, workers=workers):
        count += 1
        article, at = row.article, row.at
        first = at if first is None else first
        last = at
        story = None
        reuse, old_version, how = plan(row)
        if reuse:
            old = row.matches or ()
            story = row.story_id  # the story the pipeline chose then: no need to group again
            reused += 1
        else:
            old = judged or ()
        if how == "same":
            new = old
        elif how == "scoped":
            kept = tuple(m for m in old if m.topic not in scope.topics)  # type: ignore[union-attr]
            new = kept + tuple(m for m in fresh or () if m.topic in scope.topics)  # type: ignore[union-attr]
            narrowed += 1
        else:
            new = fresh or ()
        day = datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d")
        if old:
            before_side.take(Classified(article=article, matches=old, ruleset_version=running_version), at, day, story)
        if new:
            member = members.get(article.id) if members is not None and old and story is not None else None
            after_side.take(
                Classified(article=article, matches=new, ruleset_version=proposed.version), at, day, member=member
            )
        if not old and not new:
            continue
        old_by = {(m.topic, m.rule): m for m in old}
        new_by = {(m.topic, m.rule): m for m in new}
        for key in old_by.keys() | new_by.keys():
            change = rules.get(key) or rules.setdefault(key, RuleChange(*key))
            was, now = old_by.get(key), new_by.get(key)
            change.before += was is not None
            change.after += now is not None
            if now is not None and was is None:
                change.gained += 1
                change.gained_samples.append(_sample(article, at, now))
                del change.gained_samples[:-samples]  # keep the newest (rows come oldest first)
            elif was is not None and now is None:
                change.lost += 1
                change.lost_samples.append(_sample(article, at, was))
                del change.lost_samples[:-samples]
        old_topics, new_topics = {t for t, _ in old_by}, {t for t, _ in new_by}
        for topic in old_topics | new_topics:
            topic_change = topics.get(topic) or topics.setdefault(topic, TopicChange(topic))
            topic_change.before += topic in old_topics
            topic_change.after += topic in new_topics
            topic_change.gained += topic in new_topics - old_topics
            topic_change.lost += topic in old_topics - new_topics
    deliveries: list[DeliveryChange] = []
    for route, dest in sorted(before_side.counts.keys() | after_side.counts.keys()):
        b, a = before_side.counts.get((route, dest), {}), after_side.counts.get((route, dest), {})
        days = {d: [b.get(d, 0), a.get(d, 0)] for d in sorted(b.keys() | a.keys())}
        deliveries.append(DeliveryChange(route, dest, kinds.get(dest, dest), sum(b.values()), sum(a.values()), days))
    ended = time.time()
    return BacktestResult(
        since=since if since is not None else (first if first is not None else ended),
        until=until if until is not None else (last if last is not None else ended),
        articles=count,
        running_version=running_version,
        proposed_version=proposed.version,
        topics=sorted(topics.values(), key=lambda t: t.topic),
        rules=sorted(rules.values(), key=lambda r: (r.topic, r.rule)),
        deliveries=deliveries,
        seconds=time.perf_counter() - started,
        reused=reused,
        narrowed=narrowed,
    )


def proposed_ruleset(rules_dir: Path, edits: Mapping[str, str]) -> RuleSet:
    """The rule set ``rules_dir`` would be with some files replaced (name -> YAML text), loaded from a copy.

    Nothing is written to ``rules_dir``. A refused edit raises RulesError whose
    problems name the files in ``rules_dir``, as the editor knows them.
    """
    return proposal(rules_dir, edits, scoped=False)[0]


def proposal(rules_dir: Path, edits: Mapping[str, str], *, scoped: bool = True) -> tuple[RuleSet, Scope | None]:
    """:func:`proposed_ruleset` and the edit's scope (for :func:`backtest`), from the same copy."""
    import shutil
    import tempfile

    from pantau.core.errors import RulesError
    from pantau.streams.backtest_scope import edit_scope
    from pantau.streams.classify import load_ruleset

    with tempfile.TemporaryDirectory(prefix="pantau-backtest-") as tmp:
        copy = Path(tmp) / "rules"
        shutil.copytree(rules_dir, copy, ignore=shutil.ignore_patterns(".git", "corpus", "__pycache__"))
        for name, text in edits.items():
            if Path(name).name != name:
                raise RulesError([], directory=f"{rules_dir} (edit names a path, not a file: {name!r})")
            (copy / name).write_text(text, encoding="utf-8")
        try:
            ruleset = load_ruleset(copy)
        except RulesError as exc:
            problems = [dataclasses.replace(p, file=str(rules_dir / Path(p.file).name)) for p in exc.problems]
            raise RulesError(problems, directory=str(rules_dir)) from None
        return ruleset, (edit_scope(rules_dir, copy) if scoped else None)
