"""Classify a backtest's articles ahead of its replay, in worker processes when asked.

The replay (stories, alert keys, counts) must see the articles one by one in
intake order, in one process; classifying them is independent per article
and is most of a backtest's CPU. :func:`ahead` keeps the order: articles go
to the workers in chunks and results come back in the order sent, with at
most ``2 * workers`` chunks in flight, so memory stays bounded whatever the
window. Workers are forked, so they inherit the compiled rule sets (which hold
closures and cannot be pickled); only articles and matches cross. With one
worker, or where fork is not available, everything runs inline.

On a machine shared with other work, a process gets its share of the cores;
a backtest spread over workers gets a share per worker, and its wall time
falls accordingly (tests/bench/bench_archive.py, ``workers``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from pantau.core.article import Article
from pantau.streams.classify import Match

if TYPE_CHECKING:
    from pantau.streams.classify import RuleSet

__all__ = ["ahead", "default_workers", "Job"]

T = TypeVar("T")
Matches = tuple[Match, ...]
Judged = tuple[Matches | None, Matches | None]
Job = tuple[Article | None, str | None, str | None]
"""(article, first rule set's name, second's): which of ``classifiers`` judge the article (None: none)."""

_classifiers: dict[str, RuleSet] = {}


def default_workers() -> int:
    """Worker processes for a backtest: the machine's cores, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def _init(classifiers: dict[str, RuleSet]) -> None:
    global _classifiers
    _classifiers = classifiers


def _judge(jobs: list[Job], classifiers: dict[str, RuleSet] | None = None) -> list[Judged]:
    found = _classifiers if classifiers is None else classifiers
    out: list[Judged] = []
    for article, first, second in jobs:
        if article is None:
            out.append((None, None))
            continue
        out.append(
            (
                found[first].classify(article).matches if first else None,
                found[second].classify(article).matches if second else None,
            )
        )
    return out


def _fork() -> multiprocessing.context.BaseContext | None:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # not on this platform
        return None


def ahead(
    items: Iterable[T],
    job: Callable[[T], Job],
    classifiers: dict[str, RuleSet],
    *,
    workers: int = 1,
    chunk: int = 256,
) -> Iterator[tuple[T, Matches | None, Matches | None]]:
    """Each item with the matches of the (up to two) classifications ``job`` asks for, in the items' order."""
    context = _fork() if workers > 1 else None
    if context is None:
        for item in items:
            ((first, second),) = _judge([job(item)], classifiers)
            yield item, first, second
        return
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(classifiers,)) as pool:
        flight: deque[tuple[list[T], Future[list[Judged]]]] = deque()
        batch: list[T] = []
        jobs: list[Job] = []
        for item in items:
            batch.append(item)
            work = job(item)
            jobs.append(work if work[1] or work[2] else (None, None, None))  # nothing to ship
            if len(batch) >= chunk:
                flight.append((batch, pool.submit(_judge, jobs)))
                batch, jobs = [], []
                while len(flight) > 2 * workers:
                    yield from _landed(flight.popleft())
        if batch:
            flight.append((batch, pool.submit(_judge, jobs)))
        while flight:
            yield from _landed(flight.popleft())


def _landed(
    sent: tuple[list[T], Future[list[Judged]]],
) -> Iterator[tuple[T, Matches | None, Matches | None]]:
    batch, future = sent
    for item, (first, second) in zip(batch, future.result(), strict=True):
        yield item, first, second
