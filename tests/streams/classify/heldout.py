"""Shared checks of the held-out and blind evaluation sets (tests/fixtures/heldout*, devset*).

Each set's test module keeps its own history (the figures before and after
each round, in its docstring), folder, floors and shape; one call makes the
tests, the same way for every set:

    TestHeldout5 = set_checks(HELDOUT5, FLOOR, Shape(at_least=450, negatives=250, per_topic=65), blind=True)

A blind set's failure names no article (its texts stay unread); a held-out
set's lists the mistakes, so the next round of tuning knows where to look.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify.corpus import CorpusItem, Evaluation, evaluate, load_corpus

__all__ = ["Shape", "set_checks", "evaluate_shipped", "assert_floor", "assert_shape", "judge_learns_from"]

LANGUAGES = frozenset({"id", "en", "vi", "ko"})


@dataclass(frozen=True)
class Shape:
    """What a set promises: its size, languages, Indonesian share, negatives and positives per topic."""

    at_least: int
    negatives: int
    per_topic: int
    indonesian_share: float = 0.0
    languages: frozenset[str] = LANGUAGES


@cache
def _items(folder: Path, ids: str = "") -> tuple[CorpusItem, ...]:
    return tuple(item for item in load_corpus(folder) if item.id.startswith(ids))


@cache
def _evaluation(folder: Path, ids: str = "") -> Evaluation:
    return evaluate_shipped(list(_items(folder, ids)))


def set_checks(
    folder: Path, floors: dict[str, tuple[float, float]], shape: Shape | None, *, blind: bool, ids: str = ""
) -> type:
    """A pytest test class for one set: its promised shape, and each topic's (precision, recall) floor.

    ``blind`` sets fail without naming articles; the others list the mistakes. ``ids``: only the
    articles whose id starts so (one writer's file in a folder several tuners share).
    """

    class Checks:
        if shape is not None:

            def test_set_has_its_promised_shape(self) -> None:
                assert_shape(
                    list(_items(folder, ids)),
                    at_least=shape.at_least,
                    languages=shape.languages,
                    indonesian_share=shape.indonesian_share,
                    negatives=shape.negatives,
                    per_topic=shape.per_topic,
                    topics=floors,
                )

        @pytest.mark.parametrize("topic", sorted(floors))
        def test_topic_meets_its_floor(self, topic: str) -> None:
            assert_floor(_evaluation(folder, ids), topic, floors[topic], blind=blind)

    return Checks


def judge_learns_from(folder: Path) -> bool:
    """Whether the shipped judge's `train:` list (rules/judge/judge.yaml) names ``folder``."""
    from pantau.streams.classify.judge_train import read_settings

    return folder.resolve() in read_settings(default_rules_dir() / "judge").train


def evaluate_shipped(items: list[CorpusItem]) -> Evaluation:
    """Precision and recall of the shipped rules over ``items``."""
    return evaluate(load_ruleset(default_rules_dir()), items)


def assert_floor(evaluation: Evaluation, topic: str, floor: tuple[float, float], *, blind: bool) -> None:
    """Fail when the topic's precision or recall is under its (precision, recall) floor."""
    score = evaluation.topics[topic]
    precision, recall = floor
    if blind:
        assert score.precision >= precision, f"{topic}: precision {score.precision:.3f} < {precision}"
        assert score.recall >= recall, f"{topic}: recall {score.recall:.3f} < {recall}"
        return
    wrong = evaluation.mistakes_on(topic)
    assert score.precision >= precision, wrong
    assert score.recall >= recall, wrong


def assert_shape(
    items: list[CorpusItem],
    *,
    at_least: int,
    languages: Iterable[str],
    negatives: int,
    per_topic: int,
    topics: Iterable[str],
    indonesian_share: float = 0.0,
) -> None:
    """Fail when the set is smaller, less multilingual or has fewer hard negatives than it promises."""
    assert len(items) >= at_least
    assert {i.language for i in items} == set(languages)
    assert sum(1 for i in items if i.language == "id") / len(items) >= indonesian_share
    assert sum(1 for i in items if not i.topics) >= negatives
    for topic in topics:
        assert sum(1 for i in items if topic in i.topics) >= per_topic, topic
