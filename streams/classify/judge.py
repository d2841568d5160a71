"""The judge: a second opinion learned from labelled articles, after the rules have spoken.

Keyword rules learn phrasings; news keeps finding new ones. Measured on a
blind set nobody tuned for (tests/fixtures/heldout5, left out of training),
a linear model over character and word n-grams, trained on every other
labelled set, caught most of what the rules got wrong in both directions
(see rules/README.md, "The judge"). So, per topic with a model:

- a rule match stands only when the judge gives the topic at least ``veto``
  (a low bar: the judge overrules the rules only when the text reads unlike
  every story of the topic it has seen);
- with no rule match, the judge alone alerts when it gives the topic at least
  ``alone`` (a high bar), reading only the title and lead, which keeps it
  cheap enough to run on every article.

The model file (``rules/judge/model.npz``) holds hashed-feature weights, no pickled
objects: features are hashed n-grams (judge_features.py), weighted by tf-idf and scored
by logistic regression in one compiled loop (judge_kernel.py). ``pantau rules train``
makes it (judge_train.py); the file names the featuriser it was made with, and a model
made with another is refused with the command to run.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from pantau.core.article import Article
from pantau.streams.classify import judge_kernel
from pantau.streams.classify.judge_features import (
    FEATURES,
    HALF,
    WIDTH,
    count_rows,
    grams,
    grams_and_lead,
    lead_grams,
    lead_scores,
    warm,
)

__all__ = [
    "Judge",
    "Verdict",
    "Thresholds",
    "MODEL_FILE",
    "judge_path",
    "features",
    "row_features",
    "both_features",
    "load_judge",
]

MODEL_FILE = "model.npz"
VETO_CHARS = 1200
"""The veto reads this much of the story (title, summary, content). Leaving each writer set out, 800, 1200 and
2000 characters scored within one article of each other (tests/bench/judge_cv.py): reading less is cheaper."""
ALONE_CHARS = 600
"""Alone, the judge reads the title and lead only: it runs on every article, so it must be cheap."""


def article_text(article: Article) -> str:
    """The text the judge reads: title, summary and content, one per line."""
    return f"{article.title}\n{article.summary}\n{article.content}"


def row_features(text: str, *, alone: bool) -> np.ndarray:
    """One text's n-gram feature indices: words (1-2) of the lead for the judge alone; characters (2-5) and words
    for the veto."""
    return lead_grams(text, ALONE_CHARS) if alone else grams(text, VETO_CHARS)


def both_features(text: str) -> tuple[np.ndarray, np.ndarray]:
    """``row_features`` for the veto and for alone from one pass over the text (the same indices as two calls)."""
    return grams_and_lead(text, VETO_CHARS, ALONE_CHARS)


def features(texts: list[str], *, alone: bool) -> sparse.csr_matrix:
    """Raw n-gram counts, one row per text (what training and batches read; one article reads the same)."""
    return count_rows([row_features(t, alone=alone) for t in texts], HALF if alone else WIDTH)


def weigh(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf-idf, rows scaled to unit length (what the model was trained on)."""
    x = counts.astype(np.float64)
    x.data = 1.0 + np.log(x.data)
    x = x.multiply(idf.astype(np.float64)).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ x


@dataclass(frozen=True)
class Thresholds:
    """A topic's bars: a rule match needs ``veto`` unless it has ``strong_hits``; alone needs ``alone`` (>1: never)."""

    veto: float = 0.15
    alone: float = 0.8
    strong_hits: int = 15
    """Rules that found this many hits stand whatever the judge says: long real pages read unlike its examples."""


@dataclass(frozen=True)
class Verdict:
    """What the judge made of an article for one topic: its probability and whether it decided."""

    topic: str
    probability: float
    threshold: float
    alone: bool  # True: scored on the title and lead, no rule had matched

    @property
    def holds(self) -> bool:
        """True when the probability reaches the threshold."""
        return self.probability >= self.threshold

    def note(self) -> str:
        """One line for explanations."""
        what = "alone, on the title and lead" if self.alone else "on the rules' match"
        verb = "reaches" if self.holds else "is under"
        return f"the judge ({what}): {self.topic} {self.probability:.2f} {verb} {self.threshold:.2f}"


class _Models:
    """One kind's (veto or alone) logistic models: coefficients one column per topic, biases, and for one article
    at a time a table whose row per feature is [idf**2, idf * coefficient of each topic] (one gather reads all)."""

    def __init__(self, arrays: dict[str, np.ndarray], kind: str, topics: tuple[str, ...]) -> None:
        self.column = {t: k for k, t in enumerate(topics)}
        self.idf = arrays[f"{kind}_idf"].astype(np.float64)
        self.coef = np.column_stack([arrays[f"{kind}_coef:{t}"].astype(np.float64) for t in topics])
        self.bias = np.array([float(arrays[f"{kind}_b:{t}"]) for t in topics])
        self.table = np.column_stack([self.idf**2, self.idf[:, None] * self.coef]).astype(np.float32)

    def scores(self, index: np.ndarray) -> np.ndarray:
        """The logistic model's input (before the sigmoid) of each topic for one text's n-gram indices.

        The same sums as weigh() and a matrix product, straight on the n-grams with their repeats (sparse
        matrices cost ten times more for one row), in one compiled loop (judge_kernel.score).
        """
        z: np.ndarray = judge_kernel.score(index, self.table, self.bias, _scratch())
        return z


_SCRATCH = threading.local()
"""One array of n-gram counts per thread (a web request and the stream may classify at once), all zero between
texts."""


def _scratch() -> np.ndarray:
    """This thread's n-gram counts (all zero)."""
    if not hasattr(_SCRATCH, "counts"):
        _SCRATCH.counts = np.zeros(WIDTH, dtype=np.int32)
    return _SCRATCH.counts  # type: ignore[no-any-return]  # threading.local attributes are untyped


def _floor(bar: float) -> float:
    """A score under which the probability is surely under ``bar`` (0.01 under its logit; scores clamp at +-60)."""
    if bar <= 1e-20 or bar >= 1.0:
        return -math.inf if bar < 1.0 else 30.0  # the probability rounds to 1.0 only above a score of ~36.7
    return math.log(bar / (1.0 - bar)) - 0.01


class Judge:
    """Per-topic logistic models over hashed n-grams, with their thresholds."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any], thresholds: dict[str, Thresholds]) -> None:
        self.meta = meta
        self.topics: tuple[str, ...] = tuple(meta["topics"])
        self.thresholds = {t: thresholds.get(t, Thresholds()) for t in self.topics}
        # One column per topic, so one article's score for every topic is one gather and one product.
        self._veto = _Models(arrays, "veto", self.topics)
        self._alone = _Models(arrays, "alone", self.topics)
        self._alone_asks: dict[tuple[str, ...], tuple[str, ...]] = {}
        warm()  # the compiled featuriser, ready before the first article
        self._alone.scores(lead_grams("warm up", 5))

    def probabilities(self, article: Article, topics: tuple[str, ...], *, alone: bool) -> dict[str, float]:
        """The probability of each of ``topics`` (those with a model) for ``article``."""
        models = self._alone if alone else self._veto
        column = models.column
        topics = tuple(t for t in topics if t in column)
        if not topics:
            return {}
        z = models.scores(row_features(article_text(article), alone=alone))
        scores = z.tolist()
        return {t: 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, scores[column[t]])))) for t in topics}

    def review(self, article: Article, matched: dict[str, int], topics: tuple[str, ...]) -> list[Verdict]:
        """The verdict on each of ``topics`` with a model: rule-matched ones (``matched``: their hits) and the rest.

        A topic the rules found with ``strong_hits`` or more hits is not reviewed: it stands. An article read by
        both models (a weak match, and other topics to judge alone) is featurised once (``both_features``).
        """
        return self._review(article, matched, topics, every=True)

    def decide(self, article: Article, matched: dict[str, int], topics: tuple[str, ...]) -> list[Verdict]:
        """The verdicts of ``review`` that change the rules' result: each weak match's, and each topic the judge
        holds alone (what classification needs; a topic the judge alone does not hold changes nothing)."""
        return self._review(article, matched, topics, every=False)

    def _review(self, article: Article, matched: dict[str, int], topics: tuple[str, ...], every: bool) -> list[Verdict]:
        """``review`` (``every``) or ``decide``."""
        weak, rest = self._asks(matched, topics)
        if not weak and not rest:
            return []
        text = article_text(article)
        veto: np.ndarray | None = None
        lead: np.ndarray | None = None
        if weak and rest:
            veto, lead = both_features(text)
        else:
            veto = row_features(text, alone=False) if weak else None
            lead = row_features(text, alone=True) if rest else None
        verdicts: list[Verdict] = []
        if veto is not None:
            verdicts += self._verdicts(self._veto, veto, weak, alone=False, every=True)
        if lead is not None:
            verdicts += self._verdicts(self._alone, lead, rest, alone=True, every=every)
        return verdicts

    def alone_many(self, articles: list[Article], topics: tuple[str, ...]) -> list[list[Verdict]]:
        """``decide`` for each of many articles no rule matched (the verdicts that hold), the leads in one kernel call.

        Most leads score far under every bar: only an article with a topic within reach of its bar gets the exact
        test (``_verdicts``' own), so the verdicts are those of ``decide`` one by one.
        """
        rest = self._asks({}, topics)[1]
        if not rest or not articles:
            return [[] for _ in articles]
        models = self._alone
        texts = [article_text(a) for a in articles]
        z = lead_scores(texts, ALONE_CHARS, models.table, models.bias, _scratch())
        columns = [models.column[t] for t in rest]
        near = (z[:, columns] >= np.array([_floor(self.thresholds[t].alone) for t in rest])).any(axis=1)
        out: list[list[Verdict]] = [[] for _ in articles]
        for k in np.flatnonzero(near).tolist():
            out[k] = self._judged(models, z[k].tolist(), rest, alone=True, every=False)
        return out

    def _verdicts(
        self, models: _Models, index: np.ndarray, topics: tuple[str, ...], *, alone: bool, every: bool
    ) -> list[Verdict]:
        """One kind's verdicts on ``topics`` (all with a model) from one text's n-gram indices (not ``every``: only
        those that hold)."""
        return self._judged(models, models.scores(index).tolist(), topics, alone=alone, every=every)

    def _judged(
        self, models: _Models, scores: list[float], topics: tuple[str, ...], *, alone: bool, every: bool
    ) -> list[Verdict]:
        """``_verdicts`` from the text's scores (the logistic model's input, one per topic column)."""
        out = []
        for t in topics:
            p = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, scores[models.column[t]]))))
            bars = self.thresholds[t]
            bar = bars.alone if alone else bars.veto
            if every or p >= bar:
                out.append(Verdict(t, p, bar, alone))
        return out

    def _asks(self, matched: dict[str, int], topics: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The topics to veto (weak rule matches) and the topics to judge alone (no rule match, alone on)."""
        if not matched:  # most articles: every topic with its alone bar, the same for each
            rest = self._alone_asks.get(topics)
            if rest is None:
                rest = self._alone_asks[topics] = tuple(
                    t for t in topics if t in self._veto.column and self.thresholds[t].alone <= 1.0
                )
            return (), rest
        weak = tuple(
            sorted(t for t, hits in matched.items() if t in self._veto.column and hits < self.thresholds[t].strong_hits)
        )
        rest = tuple(
            t for t in topics if t in self._veto.column and t not in matched and self.thresholds[t].alone <= 1.0
        )
        return weak, rest


def judge_path(directory: Path) -> Path:
    """Where a rules directory keeps its judge model."""
    return Path(directory) / "judge" / MODEL_FILE


def load_judge(path: Path, thresholds: dict[str, Thresholds]) -> Judge:
    """Read a model file written by ``pantau rules train``."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(bytes(arrays.pop("meta")).decode("utf-8"))
    made_with = meta.get("features", "scikit-learn HashingVectorizer (before round 7)")
    if made_with != FEATURES:
        # The weights are per hashed feature: read with another featuriser they would score noise, silently.
        raise ValueError(f"{path} was trained on features {made_with!r}, this pantau reads {FEATURES!r}")
    return Judge(arrays, meta, thresholds)
