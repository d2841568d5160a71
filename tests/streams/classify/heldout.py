"""Shared checks of the held-out and blind evaluation sets (tests/fixtures/heldout*, devset*).

Each set's test keeps its own folder, floors and shape requirements; these
helpers do the evaluating and the asserting the same way for all of them:

    evaluation = evaluate_shipped(items)
    assert_shape(items, at_least=160, languages={"id", "en", "vi", "ko"}, negatives=70, per_topic=20)
    assert_floor(evaluation, "asean", FLOOR["asean"], blind=True)

A blind set's failure names no article (its texts stay unread); a held-out
set's lists the mistakes, so the next round of tuning knows where to look.
"""

from __future__ import annotations

from collections.abc import Iterable

from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify.corpus import CorpusItem, Evaluation, evaluate

__all__ = ["evaluate_shipped", "assert_floor", "assert_shape"]


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
