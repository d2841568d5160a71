"""Training the judge (``pantau rules train``) and reading its settings (``rules/judge/judge.yaml``).

The settings name the labelled folders the judge learns from and each topic's
bars. The model records a fingerprint of what it learned from, so a test can
tell when the labelled articles changed and the model was not trained again.
Training is deterministic: the same articles give the same file.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from pantau.core.errors import RulesError
from pantau.streams.classify.corpus import CorpusItem, load_corpus
from pantau.streams.classify.judge import Thresholds, article_text, features, weigh
from pantau.streams.classify.judge_features import FEATURES
from pantau.streams.classify.problems import Problem

__all__ = ["JudgeSettings", "SETTINGS_FILE", "read_settings", "training_items", "fingerprint", "train", "write_model"]

SETTINGS_FILE = "judge.yaml"
C = 10.0
"""Inverse regularisation of the logistic models (chosen by leaving each labelled set out in turn)."""


@dataclass(frozen=True)
class JudgeSettings:
    """Each topic's bars and the labelled folders the judge learns from (absolute paths)."""

    thresholds: dict[str, Thresholds]
    train: tuple[Path, ...]


def read_settings(judge_dir: Path) -> JudgeSettings:
    """Read ``judge.yaml`` of a rules folder's ``judge/``; a bad file is a located RulesError."""
    path = Path(judge_dir) / SETTINGS_FILE
    where = str(path)
    try:
        tree = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    except (OSError, YAMLError, UnicodeDecodeError) as exc:
        raise RulesError(
            [Problem(where, 1, 1, f"cannot read the judge's settings: {exc}", _HINT)], directory=where
        ) from None
    if not isinstance(tree, dict):
        raise RulesError([Problem(where, 1, 1, "the judge's settings must be a mapping", _HINT)], directory=where)
    thresholds: dict[str, Thresholds] = {}
    for topic, bars in (tree.get("topics") or {}).items():
        try:
            veto, alone = float(bars.get("veto", 0.15)), float(bars.get("alone", 0.8))
            strong = int(bars.get("strong_hits", 15))
        except (AttributeError, TypeError, ValueError):
            raise RulesError(
                [Problem(where, 1, 1, f"topic {topic!r}: veto and alone must be numbers", _HINT)], directory=where
            ) from None
        if not 0.0 <= veto <= 1.0 or alone < 0.0:
            raise RulesError(
                [Problem(where, 1, 1, f"topic {topic!r}: veto {veto} must be 0-1, alone >= 0", _HINT)], directory=where
            )
        thresholds[str(topic)] = Thresholds(veto=veto, alone=alone, strong_hits=strong)
    train = tuple((path.parent / str(p)).resolve() for p in tree.get("train") or ())
    return JudgeSettings(thresholds, train)


_HINT = "see rules/README.md, 'The judge': topics: {cybercrime: {veto: 0.15, alone: 0.8}}, train: [../corpus]"


def training_items(settings: JudgeSettings) -> list[CorpusItem]:
    """Every labelled article of the settings' folders, in a stable order."""
    items: list[CorpusItem] = []
    for folder in settings.train:
        items.extend(sorted(load_corpus(folder), key=lambda i: i.id))
    return items


def fingerprint(items: list[CorpusItem]) -> str:
    """A hash of the articles and labels a model learns from (changes when any text or label does)."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(json.dumps([item.id, item.language, sorted(item.topics), article_text(item.article())]).encode())
    return digest.hexdigest()[:16]


def _idf(counts: Any) -> np.ndarray:
    """Smoothed inverse document frequency, as scikit-learn's TfidfTransformer computes it."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf: np.ndarray = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
    return idf


def train(
    items: list[CorpusItem], topics: tuple[str, ...], progress: Callable[[str], None] = lambda _m: None
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Fit the veto and alone models of every topic on ``items``; returns the arrays and metadata."""
    from sklearn.linear_model import LogisticRegression  # training only: serving needs no solver

    texts = [article_text(i.article()) for i in items]
    arrays: dict[str, np.ndarray] = {}
    for kind, alone in (("veto", False), ("alone", True)):
        counts = features(texts, alone=alone)
        idf = _idf(counts)
        arrays[f"{kind}_idf"] = idf
        x = weigh(counts, idf)
        for topic in topics:
            began = time.perf_counter()
            y = np.array([topic in i.topics for i in items])
            model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(x, y)
            arrays[f"{kind}_coef:{topic}"] = model.coef_[0].astype(np.float32)
            arrays[f"{kind}_b:{topic}"] = np.array(model.intercept_[0], dtype=np.float64)
            progress(f"{kind:5s} {topic}: {int(y.sum())} of {len(items)} labelled, {time.perf_counter() - began:.1f} s")
    meta = {
        "topics": list(topics),
        "articles": len(items),
        "positives": {t: sum(1 for i in items if t in i.topics) for t in topics},
        "fingerprint": fingerprint(items),
        "C": C,
        "features": FEATURES,
    }
    return arrays, meta


def write_model(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Write the model file (numpy arrays and a JSON header; nothing executable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    tmp = path.with_suffix(".tmp.npz")
    named: dict[str, Any] = {"meta": header, **arrays}
    np.savez_compressed(tmp, **named)
    tmp.replace(path)  # a watcher never sees half a model
