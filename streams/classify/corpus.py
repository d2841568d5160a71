"""Labelled articles for editors: precision/recall per topic, and rule set diffs.

A corpus is a directory of YAML files, each a list of short articles with the
topics an editor expects (``topics: []`` for a hard negative). ``pantau rules
test`` scores the rules on it; ``pantau rules diff`` shows which articles
would gain or lose topics under an edited rule set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Iterable, Iterator

import msgspec
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML

from pantau.core.article import Article, article_id, synthetic_article
from pantau.core.errors import RulesError
from pantau.streams.classify.engine import RuleSet
from pantau.streams.classify.headline import HEADLINE_DENIES, HEADLINE_FRAMES
from pantau.streams.classify.records import Classified

__all__ = [
    "CorpusItem",
    "InputArticle",
    "TopicScore",
    "Evaluation",
    "Change",
    "load_corpus",
    "evaluate",
    "diff_rulesets",
    "read_json_lines",
    "default_corpus_dir",
]


class CorpusItem(BaseModel):
    """One labelled article of the fixture corpus."""

    model_config = ConfigDict(extra="forbid")
    id: str
    language: str
    title: str = ""
    summary: str = ""
    content: str = ""
    topics: list[str] = Field(default_factory=list)
    note: str = ""

    def article(self) -> Article:
        """The item as an Article (language declared, as a feed would)."""
        return synthetic_article(
            article_id(f"corpus:{self.id}"),
            url=f"corpus:{self.id}",
            feed="corpus",
            title=self.title,
            summary=self.summary,
            content=self.content,
            language=self.language,
        )


class InputArticle(msgspec.Struct, kw_only=True):
    """One JSON line given to ``pantau classify``: the Article's own field names; other keys are ignored.

    ``pantau fetch`` and ``pantau poll`` print Articles, so their lines keep
    their id, url, feed and language here; ``link`` is still read for lines
    written by hand before the name was unified.
    """

    id: str = ""
    url: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""
    content: str = ""
    feed: str = ""
    feed_name: str = ""
    language: str | None = None
    language_source: str | None = None

    def article(self, line: int) -> Article:
        """An Article for the line (its id as given, else from the url, else the line number)."""
        url = self.url or self.link
        return Article(
            id=self.id or article_id(url or f"line:{line}"),
            url=url,
            title=self.title,
            summary=self.summary,
            content=self.content,
            fetched=datetime.now(timezone.utc),
            feed=self.feed or "classify",
            feed_name=self.feed_name,
            language=self.language or None,
            language_source=(self.language_source or "declared") if self.language else None,
        )


_input = msgspec.json.Decoder(InputArticle)


def read_json_lines(stream: IO[str]) -> Iterator[tuple[int, Article | None, str]]:
    """(line number, article or None, error) for each non-blank line of ``stream``."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield number, _input.decode(line).article(number), ""
        except msgspec.ValidationError as exc:
            yield number, None, f"line {number}: {exc}"
        except msgspec.DecodeError as exc:
            yield number, None, f"line {number}: not a JSON object ({exc})"


def default_corpus_dir() -> Path:
    """The labelled corpus shipped with the rules (``rules/corpus/``, package data ``pantau.rules.corpus``)."""
    from importlib.resources import files

    return Path(str(files("pantau.rules.corpus")))


def load_corpus(directory: Path) -> list[CorpusItem]:
    """Every item of every ``*.yaml`` in ``directory``, validated."""
    items: list[CorpusItem] = []
    problems: list[str] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or []
        for i, raw in enumerate(data):
            try:
                items.append(CorpusItem.model_validate(raw))
            except ValidationError as exc:
                problems.append(f"{path}: item {i + 1}: {exc.errors()[0]['msg']}")
    if problems:
        raise RulesError(problems, directory=str(directory))
    return items


@dataclass
class TopicScore:
    """Counts for one topic over a corpus."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted articles that were labelled with the topic (1.0 when none predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled articles that the rules found (1.0 when none labelled)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    """Per-topic scores and the items the rules got wrong."""

    topics: dict[str, TopicScore] = field(default_factory=dict)
    mistakes: list[tuple[CorpusItem, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    total: int = 0

    def mistakes_on(self, topic: str) -> list[str]:
        """``id: want [...] got [...]`` for each item the rules got wrong on this topic."""
        return [
            f"{item.id}: want {list(want)} got {list(got)}"
            for item, want, got in self.mistakes
            if (topic in want) != (topic in got)
        ]


def evaluate(ruleset: RuleSet, items: list[CorpusItem]) -> Evaluation:
    """Classify every item and compare with its labels."""
    result = Evaluation(topics={t: TopicScore() for t in ruleset.topics}, total=len(items))
    for item in items:
        got = set(ruleset.classify(item.article()).topics)
        want = set(item.topics)
        for topic in got | want:
            score = result.topics.setdefault(topic, TopicScore())
            if topic in got and topic in want:
                score.tp += 1
            elif topic in got:
                score.fp += 1
            else:
                score.fn += 1
        if got != want:
            result.mistakes.append((item, tuple(sorted(want)), tuple(sorted(got))))
    return result


@dataclass(frozen=True)
class Change:
    """Topics one article gains and loses under the new rule set, and the rule and term behind each."""

    label: str
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    why: tuple[str, ...] = ()
    """One line per gained or lost topic: ``+asean: rule asean-coc now finds 'kode etik'``."""


def diff_rulesets(old: RuleSet, new: RuleSet, articles: list[tuple[str, Article]]) -> list[Change]:
    """The articles whose topics differ between ``old`` and ``new``, in input order."""
    changes = []
    for label, article in articles:
        was, now = old.classify(article), new.classify(article)
        before, after = set(was.topics), set(now.topics)
        if before != after:
            gained, lost = tuple(sorted(after - before)), tuple(sorted(before - after))
            why = [f"+{t}: {_why(t, now, new, old, article, gained=True)}" for t in gained]
            why += [f"-{t}: {_why(t, was, old, new, article, gained=False)}" for t in lost]
            changes.append(Change(label, gained, lost, tuple(why)))
    return changes


def _terms(terms: Iterable[str]) -> str:
    return ", ".join(repr(t) for t in terms) or "no term"


def _decided(note: str) -> str:
    """What took the topic away: the headline's denial or frame, or salience (a passing mention)."""
    if note.startswith(HEADLINE_DENIES):
        return "the headline's denial decided"
    if note.startswith(HEADLINE_FRAMES):
        return "the headline's frame decided"
    return "salience decided"


def _why(topic: str, classified: Classified, here: RuleSet, there: RuleSet, article: Article, *, gained: bool) -> str:
    """Which rule, and which term, made ``article`` gain (or lose) ``topic``.

    ``here`` is the set that matches the topic (new for a gain, old for a loss), ``there`` the other.
    """
    reasons: list[str] = []
    for match in classified.matches:
        if match.topic != topic:
            continue
        ours, theirs = here.diagnose(match.rule, article), there.diagnose(match.rule, article)
        terms = sorted({h.term for h in match.hits})
        if ours is None:  # cannot happen: the match came from ``here``, so ``here`` has the rule
            continue
        if theirs is None:
            reasons.append(
                f"new rule {match.rule} on {_terms(terms)}"
                if gained
                else f"rule {match.rule} is gone (it matched on {_terms(terms)})"
            )
            continue
        added = sorted(set(ours.found) - set(theirs.found))
        judged = [v for v in theirs.voided if v not in ours.voided]  # denials and senses only the other set applies
        if not theirs.ok and theirs.blocking:
            verb = "is no longer blocked by" if gained else "is now blocked by"
            reasons.append(f"rule {match.rule} {verb} {_terms(theirs.blocking)}")
        elif judged:
            verb = "now counts what was" if gained else "no longer counts:"
            reasons.append(f"rule {match.rule} {verb} {'; '.join(judged[:2])}")
        elif theirs.ok and theirs.score >= theirs.min_score and not theirs.salient:
            reasons.append(
                f"rule {match.rule}: salience now passes ({ours.salience})"
                if gained
                else f"rule {match.rule}: {_decided(theirs.salience)}, {theirs.salience}"
            )
        elif added:
            reasons.append(f"rule {match.rule} {'now finds' if gained else 'no longer finds'} {_terms(added)}")
        elif theirs.ok and theirs.score < theirs.min_score:
            reasons.append(
                f"rule {match.rule}: score {ours.score:g} now reaches min_score {ours.min_score:g}"
                if gained
                else f"rule {match.rule}: score {theirs.score:g} is now below min_score {theirs.min_score:g}"
            )
        else:
            change = "now matches" if gained else "no longer matches"
            reasons.append(f"rule {match.rule} {change} (terms: {_terms(terms)})")
    return "; ".join(reasons) or "a topic: reference changed"
