"""The judge's cost per article: its own featuriser against round 6's scikit-learn one, side by side.

The judge reads every article: alone (title and lead, words) on those no rule
matched, and the veto (characters and words of 1,200 characters) on each
rule-matched one. Round 6 built those n-grams with scikit-learn's
HashingVectorizer, one Python string per n-gram; streams/classify/judge_features.py
hashes them in bulk with numpy. Each article is scored both ways in turn, best of
``repeat``, so the ratio is measured on the same machine at the same moment.
The old way is rebuilt here (features, tf-idf and the dot product as round 6 did
them) with the shipped model's weights for its widths: its probabilities are not
meaningful, its cost is.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from pantau.core.article import Article
from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify.corpus import load_corpus
from pantau.streams.classify.judge import ALONE_CHARS, VETO_CHARS, Judge, article_text, weigh

TARGET_RATIO = 10.0
"""The judge must be ten times cheaper than round 6's (issue 14: the worker's whole budget is 0.12 ms/article)."""

_N = 2**18
_CHAR = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=_N, alternate_sign=False, norm=None)
_WORD = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=_N, alternate_sign=False, norm=None)


def round6_probabilities(text: str, coef: np.ndarray, idf: np.ndarray, *, alone: bool) -> np.ndarray:
    """Round 6's single-article path: scikit-learn n-grams, then sublinear tf-idf and the dot product."""
    if alone:
        row = _WORD.transform([text[:ALONE_CHARS]]).tocsr()
    else:
        cut = [text[:VETO_CHARS]]
        row = sparse.hstack([_CHAR.transform(cut), _WORD.transform(cut)], format="csr")
    index = row.indices
    weights = (1.0 + np.log(row.data.astype(np.float64))) * idf[index]
    norm = math.sqrt(float(weights @ weights)) or 1.0
    z = (weights @ coef[index]) / norm
    probs: np.ndarray = 1.0 / (1.0 + np.exp(-z))
    return probs


def round6_batch(texts: list[str], coef: np.ndarray, idf: np.ndarray, *, alone: bool) -> np.ndarray:
    """Round 6's batch path (``classify_many``): scikit-learn n-grams of every text at once, tf-idf, a product."""
    if alone:
        counts = _WORD.transform([t[:ALONE_CHARS] for t in texts]).tocsr()
    else:
        cut = [t[:VETO_CHARS] for t in texts]
        counts = sparse.hstack([_CHAR.transform(cut), _WORD.transform(cut)], format="csr")
    z: np.ndarray = weigh(counts, idf) @ coef
    return z


def measure_batches(
    judge: Judge, articles: list[Article], *, alone: bool, size: int = 500, repeat: int = 3
) -> tuple[float, float]:
    """Seconds over ``articles`` in batches of ``size`` (the worker's), the judge and round 6's, best of ``repeat``."""
    models = judge._alone if alone else judge._veto
    # alone: no rule matched any topic; veto: a weak match of every topic
    asks = [{} if alone else {t: 1 for t in judge.topics} for _ in articles]
    now = then = 0.0
    for begin in range(0, len(articles), size):
        chunk = articles[begin : begin + size]
        texts = [article_text(a) for a in chunk]
        best = [math.inf, math.inf]
        for _ in range(repeat):
            t0 = time.perf_counter()
            for article, matched in zip(chunk, asks[begin : begin + size], strict=True):
                judge.decide(article, matched, judge.topics)  # what the stream's batch does (second_opinion)
            t1 = time.perf_counter()
            round6_batch(texts, models.coef, models.idf, alone=alone)
            t2 = time.perf_counter()
            best = [min(best[0], t1 - t0), min(best[1], t2 - t1)]
        now += best[0]
        then += best[1]
    return now, then


def measure_both(judge: Judge, articles: list[Article], repeat: int = 5) -> tuple[float, float]:
    """Seconds over ``articles`` read by both models (a weak match of the first topic, the others alone): one
    pass (``review``) and two (each model featurising the text itself, as before round 8), side by side."""
    first, others = judge.topics[:1], judge.topics[1:]
    matched = {first[0]: 1}
    now = then = 0.0
    for article in articles:
        best = [math.inf, math.inf]
        for _ in range(repeat):
            t0 = time.perf_counter()
            judge.review(article, matched, judge.topics)
            t1 = time.perf_counter()
            judge.probabilities(article, first, alone=False)
            judge.probabilities(article, others, alone=True)
            t2 = time.perf_counter()
            best = [min(best[0], t1 - t0), min(best[1], t2 - t1)]
        now += best[0]
        then += best[1]
    return now, then


def measure(judge: Judge, articles: list[Article], *, alone: bool, repeat: int = 5) -> tuple[float, float]:
    """Seconds over ``articles`` for the shipped judge and for round 6's path, side by side, best of ``repeat``."""
    topics = judge.topics
    models = judge._alone if alone else judge._veto
    idf = models.idf
    now = then = 0.0
    for article in articles:
        best = [math.inf, math.inf]
        for _ in range(repeat):
            t0 = time.perf_counter()
            judge.probabilities(article, topics, alone=alone)
            t1 = time.perf_counter()
            round6_probabilities(article_text(article), models.coef, idf, alone=alone)
            t2 = time.perf_counter()
            best = [min(best[0], t1 - t0), min(best[1], t2 - t1)]
        now += best[0]
        then += best[1]
    return now, then


def cases(args):
    """One case: microseconds per article for the veto and alone, now and round 6, and the ratios."""
    root = Path(__file__).resolve().parents[1] / "fixtures"
    sets = ("heldout7",) if getattr(args, "quick", False) else ("heldout", "heldout2", "devset3", "heldout7")
    articles = [item.article() for d in sets for item in load_corpus(root / d)]
    judge = load_ruleset(default_rules_dir()).judge
    assert judge is not None, "the shipped rules have no judge: run `pantau rules train rules`"
    for article in articles[:20]:  # warm caches and the first-call costs out of the figures
        judge.probabilities(article, judge.topics, alone=False)
        round6_probabilities(article_text(article), judge._veto.coef, judge._veto.idf, alone=False)
    veto_now, veto_then = measure(judge, articles, alone=False)
    alone_now, alone_then = measure(judge, articles, alone=True)
    batch_veto_now, batch_veto_then = measure_batches(judge, articles, alone=False)
    batch_alone_now, batch_alone_then = measure_batches(judge, articles, alone=True)
    both_now, both_then = measure_both(judge, articles)
    n = len(articles)
    case = {
        "case": "judge_cost",
        "articles": n,
        "mean_chars": round(sum(len(article_text(a)) for a in articles) / n),
        "targets": {"veto_ratio": TARGET_RATIO, "alone_ratio": TARGET_RATIO},
    }
    # veto: a rule-matched article, characters and words of the first 1,200 characters; alone: an article
    # no rule matched, the words of the title and lead; batch_*: the stream's batches (classify_many).
    timings = {
        "veto": (veto_now, veto_then),
        "alone": (alone_now, alone_then),
        "batch_veto": (batch_veto_now, batch_veto_then),
        "batch_alone": (batch_alone_now, batch_alone_then),
    }
    for name, (now, then) in timings.items():
        case[f"{name}_us_per_article"] = round(1e6 * now / n, 1)
        case[f"{name}_us_per_article_round6"] = round(1e6 * then / n, 1)
        case[f"{name}_ratio"] = round(then / now, 1)
    # An article with a weak rule match and other topics to judge alone: one featurisation pass, against two.
    case["both_us_per_article"] = round(1e6 * both_now / n, 1)
    case["both_us_per_article_two_passes"] = round(1e6 * both_then / n, 1)
    case["both_ratio"] = round(both_then / both_now, 2)
    case["meets_target"] = case["veto_ratio"] >= TARGET_RATIO and case["alone_ratio"] >= TARGET_RATIO
    return [case]
