"""How much CPU a worker's event loop got and how long it waited for one: what explains a latency outlier.

A steady-rate latency case that misses its target can mean two things: the worker waits on something (a
commit, a full producer buffer, the broker), or it was ready to run and the machine gave the CPU to
others. Linux counts both for every thread (``/proc/<pid>/task/<tid>/schedstat``: nanoseconds run on a
CPU, nanoseconds spent runnable on a run queue); a worker's event loop is its main thread. Measured on
this 2-core machine shared with 8 jobs (01:35 UTC, 2026-11-28), one roles latency run gave the `deliver`
loop 0.10 CPU-s per second while it waited 0.9 s per second on the run queue: at 20 alerts/s of 8-9 ms
it needed ~0.17, so the backlog grew for the whole run (p50 7.7 s, "producer buffer full", a commit
timer overlapping itself). ``starved`` names that case in the figures instead of leaving it a mystery.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

__all__ = ["Scheduled", "Watch", "load", "loop_share", "scheduled"]


@dataclass(frozen=True)
class Scheduled:
    """Seconds a thread ran on a CPU and waited runnable on a run queue, since it started."""

    ran_s: float
    waited_s: float


def scheduled(pid: int) -> Scheduled:
    """The main thread's (the event loop's) /proc schedstat; zero when the process is gone."""
    try:
        with open(f"/proc/{pid}/task/{pid}/schedstat") as f:
            ran, waited = f.read().split()[:2]
    except OSError:
        return Scheduled(0.0, 0.0)
    return Scheduled(int(ran) / 1e9, int(waited) / 1e9)


def loop_share(before: Scheduled, after: Scheduled, wall_s: float) -> dict:
    """Per wall second between two readings: CPU run, run-queue wait, and ``starved``.

    Starved: the loop was never idle (running or runnable > 90 % of the time) and waited for a CPU longer
    than it ran, so the machine, not the worker, set its pace.
    """
    ran, waited = (after.ran_s - before.ran_s) / wall_s, (after.waited_s - before.waited_s) / wall_s
    return {
        "loop_cpu_s_per_s": round(ran, 3),
        "loop_run_queue_wait_s_per_s": round(waited, 3),
        "starved": ran + waited > 0.9 and waited > ran,
    }


class Watch:
    """Samples the event loops of ``pids`` every second in a thread, until :meth:`stop` sums them up."""

    def __init__(self, pids: list[int], every: float = 1.0) -> None:
        self.pids, self.every = pids, every
        self.seconds: list[list[dict]] = [[] for _ in pids]
        self.load = [load()]
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="run-queue-watch", daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        last, at = [scheduled(p) for p in self.pids], time.monotonic()
        while not self._done.wait(self.every):
            now, taken = time.monotonic(), [scheduled(p) for p in self.pids]
            for seconds, before, after in zip(self.seconds, last, taken, strict=True):
                seconds.append(loop_share(before, after, now - at))
            last, at = taken, now
        self.load.append(load())

    def stop(self) -> list[dict]:
        """Per process: mean CPU and run-queue wait per second, and how many seconds it was starved."""
        self._done.set()
        self._thread.join()
        out = []
        for seconds in self.seconds:
            n = max(1, len(seconds))
            out.append(
                {
                    "loop_cpu_s_per_s": round(sum(s["loop_cpu_s_per_s"] for s in seconds) / n, 3),
                    "loop_run_queue_wait_s_per_s": round(sum(s["loop_run_queue_wait_s_per_s"] for s in seconds) / n, 3),
                    "starved_s": sum(s["starved"] for s in seconds),
                    "sampled_s": len(seconds),
                }
            )
        return out


def load() -> float:
    """The machine's one-minute load average (runnable tasks, on ``os.cpu_count()`` cores)."""
    return round(os.getloadavg()[0], 2)
