"""Stories benchmark: MinHash LSH grouping speed and accuracy, beside an exact scan.

Synthetic news: distinct stories of ~250 words drawn from a Zipf-like
vocabulary (so unrelated stories share common words, as real ones do), and
for a fifth of them a second outlet's copy: another headline, a dateline, a
footer, the body cut to 70 %. Each case reports articles/s for
``StoryIndex.assign`` with that many articles already in the window, how
many copies joined their story (recall) and how many unrelated articles were
merged (false merges); the ``exact`` case runs the same decision with exact
shingle sets over every member, side by side, for the speed ratio.

Target: >= 200 articles/s per core with 10,000 articles in the window
(the field sees bursts of ~11 articles/s).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from pantau.adapters.sqlite.state import open_state
from pantau.adapters.sqlite.stories import SqliteStoryStore
from pantau.core.article import Article, article_id
from pantau.streams.stories import StoryIndex, shingles

T0 = datetime(2026, 11, 17, tzinfo=timezone.utc)
TARGET = 200.0


def _corpus(stories: int, seed: int = 7) -> list[tuple[Article, str]]:
    """(article, true story) pairs in arrival order: originals, copies a little later."""
    rng = random.Random(seed)
    vocab = [f"kata{i}" for i in range(20000)]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    out: list[tuple[Article, str]] = []
    for n in range(stories):
        body = " ".join(rng.choices(vocab, weights, k=250))
        title = " ".join(rng.choices(vocab, weights, k=8))
        at = T0 + timedelta(seconds=n * 5)
        url = f"https://a.example/{n}"
        out.append(
            (Article(id=article_id(url), url=url, title=title, content=body, published=at, fetched=at, feed="a"), url)
        )
        if n % 5 == 0:
            copy_url = f"https://b.example/{n}"
            cut = body[: int(len(body) * 0.7)]
            out.append(
                (
                    Article(
                        id=article_id(copy_url),
                        url=copy_url,
                        title="berita " + title[:30],
                        content=f"JAKARTA - {cut} Baca juga: lain",
                        published=at,
                        fetched=at,
                        feed="b",
                    ),
                    url,
                )
            )
    return out


def _score(index: StoryIndex, corpus: list[tuple[Article, str]], measured: int) -> dict:
    head, tail = corpus[:-measured], corpus[-measured:]
    truth: dict[str, str] = {}
    for article, story in head:
        truth[article.id] = story
        index.assign(article)
    started = time.perf_counter()
    refs = [(index.assign(a), story) for a, story in tail]
    elapsed = time.perf_counter() - started
    found: dict[str, str] = {a.id: ref.story_id for (a, _), (ref, _) in zip(tail, refs, strict=True)}
    copies = [(a, story) for a, story in tail if a.feed == "b"]
    joined = sum(found[a.id] == article_id(story) for a, story in copies)
    merged = sum(found[a.id] != a.id for a, _ in tail if a.feed == "a")
    return {
        "articles_per_s": round(measured / elapsed, 1),
        "copies": len(copies),
        "recall": round(joined / max(1, len(copies)), 3),
        "false_merges": merged,
    }


class _ExactScan:
    """The same decision as StoryIndex with exact shingle sets over every member (the baseline)."""

    def __init__(self, jaccard: float = 0.25, containment: float = 0.6) -> None:
        self.members: list[tuple[set[str], str]] = []
        self.jaccard, self.containment = jaccard, containment

    def assign(self, article: Article):
        grams = shingles(f"{article.title}\n{article.content}")
        best, story = 0.0, article.id
        for other, sid in self.members:
            common = len(grams & other)
            j = common / len(grams | other)
            c = common / min(len(grams), len(other))
            score = j if j >= self.jaccard else (c if c >= self.containment else 0.0)
            if score > best:
                best, story = score, sid
        self.members.append((grams, story))
        return type("Ref", (), {"story_id": story})


def cases(args) -> Iterator[dict]:
    """Speed and accuracy of story grouping at several window sizes."""
    sizes = [500, 2000] if args.quick else [1000, 10000]
    measured = 200 if args.quick else 1000
    for size in sizes:
        corpus = _corpus(int((size + measured) / 1.2))
        result = _score(StoryIndex(window=30 * 86400), corpus, measured)
        yield {
            "bench": "stories",
            "case": f"minhash_lsh_{size}",
            "in_window": len(corpus) - measured,
            **result,
            "target_articles_per_s": TARGET,
            "meets_target": result["articles_per_s"] >= TARGET,
        }
    # The exact scan is slow: compare both on the same, smaller run.
    compared = 200
    small = _corpus(int((sizes[0] + compared) / 1.2))
    lsh = _score(StoryIndex(window=30 * 86400), small, compared)
    exact = _score(_ExactScan(), small, compared)  # type: ignore[arg-type]
    yield {
        "bench": "stories",
        "case": f"exact_scan_{sizes[0]}",
        **exact,
        "lsh_speedup": round(lsh["articles_per_s"] / exact["articles_per_s"], 1),
    }
    conn = open_state(":memory:")
    sqlite = _score(StoryIndex(SqliteStoryStore(conn), window=30 * 86400), small, compared)
    yield {
        "bench": "stories",
        "case": f"minhash_lsh_sqlite_{sizes[0]}",
        **sqlite,
        "meets_target": sqlite["articles_per_s"] >= TARGET,
    }
