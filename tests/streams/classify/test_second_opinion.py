"""The judge's say on the rules' matches (second_opinion.py), with a scripted judge: which stand, which it adds.

The judge's own model is tested in test_judge.py; here only what these two
functions do with its verdicts.
"""

from __future__ import annotations

from pantau.core.article import Article
from pantau.streams.classify.judge import Verdict
from pantau.streams.classify.records import Classified, Hit, Match
from pantau.streams.classify.second_opinion import JUDGE_RULE, judge_batch, judge_matches
from tests.streams.classify.conftest import make_article

TOPICS = ("asean", "cybercrime", "north-korea")


class ScriptedJudge:
    """Answers with fixed verdicts per article title, and records what it was asked (``{}``: alone, in a batch)."""

    def __init__(self, verdicts: dict[str, list[Verdict]]) -> None:
        self.verdicts = verdicts
        self.asked: list[tuple[str, dict[str, int]]] = []
        self.batches = 0

    def review(self, article: Article, matched: dict[str, int], topics: tuple[str, ...]) -> list[Verdict]:
        self.asked.append((article.title, matched))
        return self.verdicts[article.title]

    def decide(self, article: Article, matched: dict[str, int], topics: tuple[str, ...]) -> list[Verdict]:
        return self.review(article, matched, topics)

    def alone_many(self, articles: list[Article], topics: tuple[str, ...]) -> list[list[Verdict]]:
        self.batches += 1
        return [self.review(a, {}, topics) for a in articles]


def _match(topic: str, rule: str, hits: int = 1) -> Match:
    found = tuple(Hit(term="t", field="content", start=i * 10, end=i * 10 + 3, text="abc") for i in range(hits))
    return Match(rule=rule, topic=topic, score=1.0, severity="high", hits=found, snippet="", ruleset_version="v1")


def test_the_matches_the_judge_lets_stand_carry_its_note_and_the_topics_it_finds_alone_are_added() -> None:
    article = make_article("Isi berita tentang ASEAN.", title="a", summary="Menteri ASEAN bertemu di Jakarta.")
    judge = ScriptedJudge(
        {
            "a": [
                Verdict("cybercrime", 0.05, 0.15, alone=False),  # vetoed: the rule's match goes
                Verdict("north-korea", 0.40, 0.15, alone=False),  # holds: stays, with the judge's note
                Verdict("asean", 0.93, 0.8, alone=True),  # found alone: a match of its own
            ]
        }
    )
    matches = [_match("cybercrime", "hack", hits=2), _match("north-korea", "missile"), _match("other", "kept")]
    kept = judge_matches(judge, article, matches, TOPICS, "v1")
    assert judge.asked == [("a", {"cybercrime": 2, "north-korea": 1, "other": 1})]
    assert [(m.topic, m.rule) for m in kept] == [("north-korea", "missile"), ("other", "kept"), ("asean", JUDGE_RULE)]
    assert kept[0].notes == ("the judge (on the rules' match): north-korea 0.40 reaches 0.15",)
    assert kept[1].notes == ()  # a topic the judge has no verdict on stands as the rules found it
    alone = kept[2]
    assert (alone.score, alone.severity, alone.ruleset_version) == (0.93, "medium", "v1")
    assert alone.snippet == "Menteri ASEAN bertemu di Jakarta." and alone.hits == ()
    assert alone.notes == ("the judge (alone, on the title and lead): asean 0.93 reaches 0.80",)


def test_verdicts_given_are_used_as_they_are_and_a_failing_alone_verdict_adds_nothing() -> None:
    judge = ScriptedJudge({})
    given = [Verdict("north-korea", 0.5, 0.8, alone=True)]
    kept = judge_matches(judge, make_article("x", title="b"), [_match("asean", "r")], TOPICS, "v1", given)
    assert judge.asked == [] and [(m.rule, m.notes) for m in kept] == [("r", ())]  # the judge is not asked again


def test_a_batch_gets_the_same_decisions_as_one_by_one_and_an_untouched_result_stays_as_it_was() -> None:
    verdicts = {
        "a": [Verdict("cybercrime", 0.01, 0.15, alone=False)],
        "b": [Verdict("asean", 0.9, 0.8, alone=True)],
    }
    ruled = [
        Classified(article=make_article("x", title="a"), matches=(_match("cybercrime", "hack"),)),
        Classified(article=make_article("y", title="b")),
    ]
    verdicts["c"] = []  # no verdict that changes anything: the result is returned as it was
    ruled.append(Classified(article=make_article("z", title="c"), matches=(_match("asean", "bloc"),)))
    judge = ScriptedJudge(verdicts)
    batch = judge_batch(judge, ruled, TOPICS, "v1")
    # Each article asked once: the one no rule matched ("b") alone, in one batch call; the others with their hits.
    assert sorted(judge.asked) == [("a", {"cybercrime": 1}), ("b", {}), ("c", {"asean": 1})]
    assert judge.batches == 1
    assert batch[2] is ruled[2]
    one_by_one = [judge_matches(ScriptedJudge(verdicts), c.article, list(c.matches), TOPICS, "v1") for c in ruled]
    assert [list(c.matches) for c in batch] == one_by_one
    assert [c.topics for c in batch] == [(), ("asean",), ("asean",)]
    assert judge_batch(judge, [], TOPICS, "v1") == []
