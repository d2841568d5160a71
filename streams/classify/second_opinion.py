"""The judge's second opinion on the rules' matches: which stand (with its note), which topics it finds alone.

After the rules, an optional judge (streams/classify/judge.py) reviews each
topic: a match it does not hold is dropped, one it holds carries its note,
and a topic no rule found but the judge holds becomes a match of the rule
``JUDGE_RULE``, with the start of the story as its snippet (there are no hits
to centre one on).
"""

from __future__ import annotations

from typing import Protocol

import msgspec

from pantau.core.article import Article
from pantau.streams.classify.evidence import hit_counts, lead
from pantau.streams.classify.judge import Verdict
from pantau.streams.classify.records import Classified, Match

__all__ = ["JUDGE_RULE", "Reviewer", "judge_matches", "judge_batch"]

JUDGE_RULE = "judge"
"""The rule id of a match the judge made alone (no rule matched; see judge.py)."""


class Reviewer(Protocol):
    """What these functions ask of a judge (``Judge`` in judge.py; a test's scripted one)."""

    def decide(self, article: Article, matched: dict[str, int], topics: tuple[str, ...]) -> list[Verdict]:
        """The verdicts that change the rules' result for one article (``matched``: hits per matched topic)."""
        ...

    def alone_many(self, articles: list[Article], topics: tuple[str, ...]) -> list[list[Verdict]]:
        """``decide`` for each of many articles no rule matched, in one call."""
        ...


def judge_batch(judge: Reviewer, ruled: list[Classified], topics: tuple[str, ...], version: str) -> list[Classified]:
    """The judge's decision on a batch of the rules' own results (the same as ``judge_matches`` one by one)."""
    out = []
    # The articles no rule matched (most) have only their leads judged alone: all of them in one kernel call.
    unmatched = [k for k, c in enumerate(ruled) if not c.matches]
    alone = dict(zip(unmatched, judge.alone_many([ruled[k].article for k in unmatched], topics), strict=True))
    for k, c in enumerate(ruled):
        verdicts = alone[k] if k in alone else judge.decide(c.article, hit_counts(c.matches), topics)
        # No verdict that changes anything (most articles: no match, no topic the judge holds alone): as it was.
        kept = judge_matches(judge, c.article, list(c.matches), topics, version, verdicts) if verdicts else None
        out.append(c if kept is None else msgspec.structs.replace(c, matches=tuple(kept)))
    return out


def judge_matches(
    judge: Reviewer,
    article: Article,
    matches: list[Match],
    topics: tuple[str, ...],
    version: str,
    review: list[Verdict] | None = None,
) -> list[Match]:
    """The rules' matches the judge lets stand (with its note), and the topics it finds alone.

    ``review``: the judge's verdicts when already computed (``Judge.review`` or ``decide``); None: ask it now.
    """
    kept: list[Match] = []
    if review is None:
        review = judge.decide(article, hit_counts(matches), topics)
    verdicts = {v.topic: v for v in review}
    for m in matches:
        verdict = verdicts.get(m.topic)
        if verdict is None:
            kept.append(m)
        elif verdict.holds:
            kept.append(msgspec.structs.replace(m, notes=(*m.notes, verdict.note())))
    for verdict in verdicts.values():
        if verdict.alone and verdict.holds:
            kept.append(
                Match(
                    rule=JUDGE_RULE,
                    topic=verdict.topic,
                    score=round(verdict.probability, 2),
                    severity="medium",
                    snippet=lead(article),
                    ruleset_version=version,
                    notes=(verdict.note(),),
                )
            )
    return kept
