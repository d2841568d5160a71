"""Two workers against one over many rounds, each pair bracketed by one-worker runs before and after it.

Why bracketed: on this shared 2-core machine the load drifts from minute to minute, and a pair compared
with the one worker measured a minute before counts that drift as the pair's cost (round 13: the same
code gave `pair_cpu_vs_one` 0.90-1.22, and a speedup of 1.57 in the round at 1.22). The bench runs
one, pair, one, pair, ..., one, so every pair has a one-worker run on each side; comparing it with
their mean cancels a drift that is steady over the two minutes. Noise that is not steady stays: hence
every round is reported, with the median, the least and the most, and the pooled figure (the median
one worker over the median busiest process).

The parts say where a pair spends more than one worker: ``classify`` is the classify path's own CPU
(the worker's ``classify_cpu_s``: rules, judge, story marks), ``rest`` everything else (Kafka
clients, Faust, delivery, idle polls), both against the bracketing one-worker runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean, median


@dataclass(frozen=True)
class Run:
    """One case's CPU seconds: every classifying process's total and classify-path share."""

    cpu: tuple[float, ...]
    classify: tuple[float, ...] | None  # None: a checkout that does not report it

    @property
    def total(self) -> float:
        return sum(self.cpu)

    @property
    def busiest(self) -> float:
        return max(self.cpu)

    def part(self, name: str) -> float | None:
        """CPU seconds of one part over the processes: ``classify``, ``rest`` or ``total``."""
        if name == "total":
            return self.total
        if self.classify is None:
            return None
        classify = sum(self.classify)
        return classify if name == "classify" else self.total - classify


@dataclass
class PairRounds:
    """The one-worker and pair runs of one comparison (say ``two_workers@baseline``), by round."""

    ones: dict[int, Run] = field(default_factory=dict)
    pairs: dict[int, Run] = field(default_factory=dict)

    def bracket(self, round_no: int) -> list[Run]:
        """The one-worker runs on either side of round ``round_no``'s pair (its own round's, the next one's)."""
        return [self.ones[r] for r in (round_no, round_no + 1) if r in self.ones]

    def round_figures(self, round_no: int) -> dict | None:
        """One pair's speedup and cost against the mean of its bracketing one-worker runs."""
        pair, sides = self.pairs[round_no], self.bracket(round_no)
        if not sides:
            return None
        one = fmean(s.total for s in sides)
        figures = {
            "round": round_no,
            "bracketed_by": len(sides),
            "speedup_bracketed": round(one / pair.busiest, 2),
            "pair_cpu_vs_one_bracketed": round(pair.total / one, 2),
        }
        for part in ("classify", "rest"):
            ones = [s.part(part) for s in sides]
            mine = pair.part(part)
            if mine is not None and None not in ones:
                figures[f"{part}_vs_one_bracketed"] = round(mine / fmean(ones), 2)
        return figures

    def summary(self, target: float = 1.8) -> dict:
        """Every round's bracketed figures, their median/least/most, the pooled speedup and rounds at target."""
        rounds = [f for r in sorted(self.pairs) if (f := self.round_figures(r)) is not None]
        out: dict = {"rounds": rounds}
        for key in (
            "speedup_bracketed",
            "pair_cpu_vs_one_bracketed",
            "classify_vs_one_bracketed",
            "rest_vs_one_bracketed",
        ):
            values = sorted(f[key] for f in rounds if key in f)
            if values:
                out[key] = {"median": round(median(values), 3), "min": values[0], "max": values[-1]}
        if self.ones and self.pairs:
            out["speedup_pooled"] = round(
                median(s.total for s in self.ones.values()) / median(p.busiest for p in self.pairs.values()), 2
            )
        out["rounds_at_target"] = f"{sum(f['speedup_bracketed'] >= target for f in rounds)} of {len(rounds)}"
        return out
