"""Classification's CPU cost per article, this checkout beside a baseline checkout, in interleaved rounds.

Two workloads, each measured in a fresh process per checkout and round (baseline, then this, then again):

- the worker's (bench_worker.make_articles: ~3 KB, every 20th on topic): decode + the shipped rules and judge
  in the batch classifier's batches of 500 (``cpu_s_per_1000``: bench_worker's ``classify_alone``), and the
  rules alone, article by article (``rules_alone_cpu_s_per_1000``);
- the labelled fixture articles (heldout, heldout2, devset3; about half on a topic, so the judge's veto weighs
  more): the shipped rules and judge one article at a time (``fixtures_articles_per_s``, CPU time).

PANTAU_BENCH_BASELINE=<another checkout with its .venv> (say a worktree at main) adds its figures and the
``*_vs_baseline`` ratios (median over rounds); PANTAU_BENCH_ROUNDS=N (default 3) rounds, each figure's
values listed so the spread shows. The machine is shared: only ratios within one run compare.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
TARGET_CPU_S_PER_1000 = 0.08
"""Round 9's goal for classification on the worker's workload (issue 14: the whole worker's budget is 0.12)."""


def child(n: int) -> dict:
    """The figures of whichever pantau this interpreter imports (run in each checkout's venv)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_worker_articles", HERE.parent / "bench_worker.py")
    assert spec is not None and spec.loader is not None
    worker = importlib.util.module_from_spec(spec)
    # The checkout being measured (the working directory) first: its pantau, its tests package.
    sys.path[:0] = [os.getcwd(), str(HERE.parents[1] / "e2e")]
    spec.loader.exec_module(worker)
    from pantau.core.article import decode
    from pantau.streams.classify import default_rules_dir, load_ruleset
    from pantau.streams.classify.corpus import load_corpus

    t0 = time.perf_counter()
    rules = load_ruleset(default_rules_dir())
    load_s = time.perf_counter() - t0
    records = worker.make_articles(n)
    for value in records[:200]:
        rules.classify(decode(value))  # warm
    c0 = time.process_time()
    for i in range(0, n, 500):
        rules.classify_many([decode(v) for v in records[i : i + 500]])
    batched = (time.process_time() - c0) / n * 1000
    c0 = time.process_time()
    for value in records:
        rules.classify(decode(value), judged=False)
    rules_alone = (time.process_time() - c0) / n * 1000
    fixtures = HERE.parents[1] / "fixtures"
    articles = [item.article() for d in ("heldout", "heldout2", "devset3") for item in load_corpus(fixtures / d)]
    c0 = time.process_time()
    for article in articles:
        rules.classify(article)
    one_by_one = len(articles) / (time.process_time() - c0)
    import pantau.streams.classify.engine as engine

    assert Path(engine.__file__).resolve().is_relative_to(Path.cwd().resolve()), engine.__file__
    return {
        "cpu_s_per_1000": round(batched, 4),
        "rules_alone_cpu_s_per_1000": round(rules_alone, 4),
        "fixtures_articles_per_s": round(one_by_one),
        "load_rules_s": round(load_s, 2),
    }


def _run(root: Path, python: str, n: int) -> dict:
    out = subprocess.run(
        [python, str(HERE), "--child", str(n)], cwd=root, capture_output=True, text=True, check=True, timeout=900
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def cases(args):
    """One case: each figure per round for this checkout (and the baseline's), medians and ratios."""
    n = 3000 if getattr(args, "quick", False) else 12000
    rounds = int(os.environ.get("PANTAU_BENCH_ROUNDS", "3"))
    checkouts = [("this", HERE.parents[2], sys.executable)]
    where = os.environ.get("PANTAU_BENCH_BASELINE")
    if where:
        root = Path(where).resolve()
        checkouts.insert(0, ("baseline", root, str(root / ".venv" / "bin" / "python")))
    runs: dict[str, list[dict]] = {label: [] for label, _, _ in checkouts}
    for _ in range(rounds):
        for label, root, python in checkouts:
            runs[label].append(_run(root, python, n))
    case: dict = {"case": "classify_cost", "articles": n, "rounds": rounds}
    for label, results in runs.items():
        suffix = "" if label == "this" else "@baseline"
        for key in results[0]:
            values = [r[key] for r in results]
            case[f"{key}{suffix}"] = statistics.median(values)
            case[f"{key}{suffix}_rounds"] = values
    if where:
        for key in ("cpu_s_per_1000", "rules_alone_cpu_s_per_1000"):
            case[f"{key}_vs_baseline"] = round(case[key] / case[f"{key}@baseline"], 2)
        case["fixtures_articles_per_s_vs_baseline"] = round(
            case["fixtures_articles_per_s"] / case["fixtures_articles_per_s@baseline"], 2
        )
    case["target_cpu_s_per_1000"] = TARGET_CPU_S_PER_1000
    case["meets_target"] = case["cpu_s_per_1000"] <= TARGET_CPU_S_PER_1000
    return [case]


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    print(json.dumps(child(int(sys.argv[2]))))
