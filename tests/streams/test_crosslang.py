"""Cross-language story matching on hand-written Indonesian/English pairs: precision first, recall reported."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ruamel.yaml import YAML

from pantau.core.article import Article, article_id
from pantau.streams.crosslang import fingerprint, same_story
from pantau.streams.stories import StoryIndex

PAIRS = Path(__file__).resolve().parent.parent / "fixtures" / "crosslang" / "pairs.yaml"
T0 = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)


def _article(text: str, language: str, n: int, hours: float = 0.0) -> Article:
    url = f"https://{language}.example/{n}"
    when = T0 + timedelta(hours=hours)
    # As feeds give them: a headline, and a summary whose lead repeats it.
    title = text.partition(". ")[0]
    return Article(
        id=article_id(url),
        url=url,
        title=title,
        summary=text,
        published=when,
        fetched=when,
        feed=f"https://{language}.example/rss",
        language=language,
    )


def _pairs():
    return YAML(typ="safe").load(PAIRS.read_text(encoding="utf-8"))["pairs"]


def test_precision_and_recall_of_merging_on_hand_written_pairs(capsys):
    tp = fp = fn = tn = 0
    for n, pair in enumerate(_pairs()):
        a, b = _article(pair["id"], "id", n), _article(pair["en"], "en", n, hours=5)
        merged = same_story(fingerprint(a), fingerprint(b)) is not None
        tp += merged and pair["same"]
        fp += merged and not pair["same"]
        fn += (not merged) and pair["same"]
        tn += (not merged) and not pair["same"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn)
    with capsys.disabled():
        print(
            "\ncross-language merging:",
            json.dumps(
                {
                    "pairs": tp + fp + fn + tn,
                    "same": tp + fn,
                    "merged": tp + fp,
                    "precision": round(precision, 3),
                    "recall": round(recall, 3),
                }
            ),
        )
    assert fp == 0, "two different stories were merged"
    assert recall >= 0.75  # measured 0.83 (10 of 12) with the thresholds set before measuring


def test_the_story_index_joins_an_english_telling_to_the_indonesian_story():
    index = StoryIndex()
    first = _pairs()[0]
    ind = index.assign(_article(first["id"], "id", 1))
    eng = index.assign(_article(first["en"], "en", 2, hours=3))
    assert ind.is_new and not eng.is_new and eng.story_id == ind.story_id
    other = _pairs()[12]  # a different missile launch, same actors
    assert index.assign(_article(other["id"], "id", 3, hours=4)).is_new


def test_same_language_and_far_apart_articles_are_left_to_minhash():
    first = _pairs()[0]
    a, b = fingerprint(_article(first["id"], "id", 1)), fingerprint(_article(first["en"], "id", 2))
    assert same_story(a, b) is None  # same language: shingles decide
    far = fingerprint(_article(first["en"], "en", 3, hours=72))
    assert same_story(a, far) is None  # three days apart
