"""What delivery costs the `all` worker that delivers, per article of the stream, against what classifying one costs.

The classify group's leader splits the articles so that the delivering member (which also classifies) is as
busy as the others (:mod:`pantau.adapters.kafka.classify_share`). That needs ``r = d / c``: ``d`` the
delivery CPU per article of the whole stream, ``c`` the CPU a classifier spends per article it classifies.
The deliverer measures both over a window, from figures it has anyway:

- its process CPU ``P`` (``time.process_time``), its classification CPU ``C`` (decode, rules, judge, marks:
  what ``pantau_classify_cpu_seconds_total`` counts) and the articles ``a`` it classified;
- a classifier's CPU besides ``classify_batch`` (fetching and unpacking the records, producing the matches,
  committing) as ``OVERHEAD`` times its classification CPU: 0.25 / 1.23 and 0.30 / 1.37 s for the member that
  does not deliver in `make bench worker`'s ``two_workers`` (round 13, 07:05 UTC), so ``c = C (1 + OVERHEAD) / a``;
- the process's idle CPU (Faust's timers, metrics, polls; ~0.012 s per s in the bench): the median CPU rate
  of the last ticks with no article, those of a delivery's tail (over twice that and 0.01) left out,
  times the window's length (the least rate alone, tried first, was about half the median: the rest counted
  as delivery and made the ratio 0.30 where ~0.2 was due, round 13's run at 07:25 UTC);
- the stream's articles ``N`` from its own: ``a`` times all partitions over its own (the publisher keys
  articles by id, so partitions carry about the same number).

Then ``d = (P - C (1 + OVERHEAD) - idle) / N``. A window closes once it is ``WINDOW_S`` long, holds
``WINDOW_ARTICLES`` of the member's own articles, and the last tick was quiet (a burst's delivery, which
goes on after its articles are classified, is inside it), or after four times ``WINDOW_S`` in a steady stream;
one that has not reached ``WINDOW_ARTICLES`` in ten times ``WINDOW_S`` starts again (on a quiet stream an
error of a thousandth in the idle rate would outweigh the work, and the split does not matter there).

Round 15: one window is not enough to move on. Over whole bursts the deliverer's delivery ratio in `make bench
BENCH_ARGS=worker` was 0.30-0.36 (against the other member's CPU per article) in every run, but the ratio of
the single window after the warm-up burst ranged 0.11-0.40 (round 14; 0.19-0.35 in the lead's traces of seven
runs, 29 Nov 2026): where it fell under 0.25, the deliverer took 5 of 12 partitions, was the busiest process,
and two workers reached 1.65-1.72x one instead of 1.97-2.03x. Two causes, two rules:

- a window opened mid-burst (the member had just started delivering, or its partitions had just changed) holds
  delivery of matches classified before it, or misses delivery done before it for articles inside it (the
  traces show both): after ``restart`` a window opens only at a quiet tick (or after four times ``WINDOW_S``
  without one, in a steady stream, where a boundary's error is small against the window);
- the share follows the median of the last ``WINDOWS`` windows' ratios, and moves only once
  ``MIN_WINDOWS`` have closed: a rebalance pauses classification, so it waits for a second opinion.

``proposal`` says when that median is worth joining the group again for: it changes the member's
partition count past the hysteresis (:func:`~pantau.adapters.kafka.classify_share.would_move`), and the
last such move was ``SHARE_INTERVAL_S`` ago or more.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from statistics import median

from pantau.adapters.kafka.classify_share import would_move
from pantau.core.logs import get_logger

__all__ = [
    "MIN_WINDOWS",
    "OVERHEAD",
    "SHARE_INTERVAL_S",
    "WINDOWS",
    "WINDOW_ARTICLES",
    "WINDOW_S",
    "DeliveryCost",
    "Reading",
]

OVERHEAD = 0.2
WINDOW_S = 30.0
WINDOW_ARTICLES = 2000
TICK_S = 2.0
"""Idle CPU and quiet are judged over ticks this long (a step may be a few ms)."""
IDLE_TICKS = 31
"""The idle rate is the median of this many of the latest ticks without an article (a minute)."""
WINDOWS = 3
"""The share follows the median ratio of this many of the latest windows (one noisy window is outvoted)."""
MIN_WINDOWS = 2
"""Windows closed before the first move (a second opinion: one window's ratio ranged 0.19-0.35 where
whole bursts gave 0.30-0.36)."""
SHARE_INTERVAL_S = 300.0
"""Least time between two moves for a new ratio: round 8 met a loop of rebalances; a share is not worth one
every window."""
log = get_logger(component="classifier")


@dataclass(frozen=True)
class Reading:
    """The process's cumulative figures at one moment."""

    at: float
    """time.monotonic()"""
    cpu: float
    """The process's CPU seconds."""
    classify_cpu: float
    """CPU seconds spent classifying (cumulative)."""
    articles: int
    """Articles this member classified (cumulative)."""


class DeliveryCost:
    """A window over the deliverer's figures; ``observe`` gives the ratio ``d / c`` when a window closes."""

    def __init__(
        self, window_s: float = WINDOW_S, window_articles: int = WINDOW_ARTICLES, overhead: float = OVERHEAD
    ) -> None:
        self.window_s, self.window_articles, self.overhead = window_s, window_articles, overhead
        self._idle: deque[float] = deque(maxlen=IDLE_TICKS)
        self._start: Reading | None = None
        self._tick: Reading | None = None
        self._quiet = False
        self._moved_at: float | None = None
        self._waiting: float | None = None
        """Since when a window waits to open (after ``restart``: for a quiet tick)."""
        self.ratios: deque[float] = deque(maxlen=WINDOWS)
        """The latest windows' ratios (kept across rebalances: the ratio does not depend on the share)."""

    @property
    def idle(self) -> float | None:
        """The process's CPU rate (s per s) with no article to classify: its own upkeep (None: not seen yet)."""
        return median(self._idle) if self._idle else None

    @property
    def estimate(self) -> float | None:
        """The median of the latest windows' ratios (None: no window closed yet)."""
        return median(self.ratios) if self.ratios else None

    def restart(self) -> None:
        """Drop the window (the member's partitions changed, or it stopped delivering): one opens when quiet."""
        self._start, self._waiting = None, None
        self._quiet = False  # the tick that saw the change is no proof the work before it is done

    def observe(self, now: Reading, owned: int, partitions: int) -> float | None:
        """Take a reading (``owned`` of the ``partitions`` are this member's); the ratio when a window closes."""
        self._ticked(now)
        if owned <= 0 or partitions <= 0:
            self.restart()
            return None
        if self._start is None:
            self._waiting = now.at if self._waiting is None else self._waiting
            if self._quiet or now.at - self._waiting >= 4 * self.window_s:  # a steady stream is never quiet
                self._start, self._waiting = now, None
            return None
        start = self._start
        elapsed, articles = now.at - start.at, now.articles - start.articles
        if articles < self.window_articles and elapsed >= 10 * self.window_s:
            self._start = now  # a quiet stream: its idle upkeep would swamp the little work (and no share matters)
            return None
        if elapsed < self.window_s or articles < self.window_articles:
            return None
        if not self._quiet and elapsed < 4 * self.window_s:
            return None
        self._start = now
        classifying = (now.classify_cpu - start.classify_cpu) * (1 + self.overhead)
        if classifying <= 0:
            return None
        delivery = max(0.0, now.cpu - start.cpu - classifying - (self.idle or 0.0) * elapsed)
        stream = articles * partitions / owned
        return delivery / (stream * classifying / articles)

    def proposal(
        self, now: Reading, owned: int, group: tuple[int, int] | None, announced: float | None
    ) -> float | None:
        """A measured ratio worth a rejoin (``group``: members and partitions, as the leader wrote them); else None."""
        ratio = self.observe(now, owned, group[1] if group else 0)
        if ratio is None or group is None:  # no window closed, or an earlier leader (it ignores a ratio)
            return None
        self.ratios.append(ratio)
        members, partitions, estimate = *group, median(self.ratios)
        # Once a window (30 s or more): what operators read to see why the deliverer holds what it holds.
        log.info(
            "classify_delivery_ratio",
            ratio=round(ratio, 3),
            estimate=round(estimate, 3),
            windows=len(self.ratios),
            announced=announced,
            members=members,
        )
        recent = self._moved_at is not None and now.at - self._moved_at < SHARE_INTERVAL_S
        if len(self.ratios) < MIN_WINDOWS or members < 2 or recent:
            return None
        if not would_move(announced, estimate, members, partitions):
            return None
        self._moved_at = now.at
        return estimate

    def _ticked(self, now: Reading) -> None:
        tick = self._tick
        if tick is None or now.at < tick.at:
            self._tick = now
            return
        if now.at - tick.at < TICK_S:
            return
        rate = (now.cpu - tick.cpu) / (now.at - tick.at)
        self._quiet = now.articles == tick.articles
        if self._quiet:
            # Quiet means no delivery either: CPU near the idle rate (delivery's tail goes on without articles).
            idle = self.idle
            self._quiet = idle is None or rate <= 2 * idle + 0.01
            if self._quiet:  # a tick of a delivery's tail is no sample of the idle rate
                self._idle.append(rate)
        self._tick = now
