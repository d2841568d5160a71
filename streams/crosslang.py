"""Cross-language copies: the same story told in Indonesian and in English, recognised by what translation keeps.

Shingles cannot match across languages; names, numbers and time survive
translation. Each article gets a fingerprint: its named entities (capitalised
words and acronyms that are not sentence-initial function words, with a few
country names mapped to one form: "Korea Utara" = "North Korea"), its numbers
(separators dropped, so "Rp 5.000" and "5,000" agree; one-digit numbers
ignored), read by streams/entities.py, and its time. An article in another language than a candidate joins
the candidate's story when, within ``window`` seconds, they share at least
``min_entities`` entities covering ``min_overlap`` of the smaller set, and at
least one number of two or more digits. Precision matters more than recall
(two unrelated stories merged is worse than a missed link), so every bar must
hold; measured on hand-written pairs in tests/streams/test_crosslang.py.

Fingerprints are indexed in memory for the window (by language, then entity
and number: see :class:`CrossLingual`) and kept with the story members (:func:`encode_fingerprint`, in
SQLite or the Faust story table, pruned with them): a restart rebuilds the
index and keeps linking another language's copies of the stories before it.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

import msgspec

from pantau.core.article import Article
from pantau.streams.entities import entities, numbers

__all__ = ["Fingerprint", "fingerprint", "CrossLingual", "same_story", "encode_fingerprint", "decode_fingerprint"]


@dataclass(frozen=True)
class Fingerprint:
    """What survives translation: entities, numbers, time, language."""

    entities: frozenset[str]
    numbers: frozenset[str]
    at: float
    language: str


class _Stored(msgspec.Struct, array_like=True):
    entities: list[str]
    numbers: list[str]
    at: float
    language: str


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(_Stored).decode


def encode_fingerprint(fp: Fingerprint | None) -> bytes:
    """The fingerprint as compact JSON for the story store (empty for none)."""
    if fp is None or not fp.entities:
        return b""
    return _encode(_Stored(sorted(fp.entities), sorted(fp.numbers), fp.at, fp.language))


def decode_fingerprint(raw: bytes) -> Fingerprint | None:
    """The fingerprint stored by :func:`encode_fingerprint` (None when empty or unreadable)."""
    if not raw:
        return None
    try:
        d = _decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return Fingerprint(frozenset(d.entities), frozenset(d.numbers), d.at, d.language)


def fingerprint(article: Article) -> Fingerprint:
    """The article's entities, numbers, time and language."""
    body = f"{article.summary}\n{article.content}".strip()
    # Headlines in Title Case capitalise every word: names come from the body when there is one.
    names = entities(body or article.title)
    at = (article.published or article.fetched).timestamp()
    return Fingerprint(
        frozenset(names), frozenset(numbers(f"{article.title}\n{body}")), at, (article.language or "").lower()
    )


MIN_OVERLAP = 0.5
"""Shared entities needed, as a share of the smaller entity set."""


def same_story(
    a: Fingerprint,
    b: Fingerprint,
    *,
    window: float = 36 * 3600.0,
    min_entities: int = 3,
    min_overlap: float = MIN_OVERLAP,
) -> float | None:
    """The entity overlap when two articles in different languages tell the same story, else None."""
    if not a.language or not b.language or a.language == b.language or abs(a.at - b.at) > window:
        return None
    shared = a.entities & b.entities
    if len(shared) < min_entities or not (a.numbers & b.numbers):
        return None
    overlap = len(shared) / min(len(a.entities), len(b.entities))
    return overlap if overlap >= min_overlap else None


class CrossLingual:
    """Recent fingerprints indexed by language, then by entity and number, for finding another language's telling.

    A candidate must be in another language, share a number and share at least
    ``min_entities`` entities. So the index is split by language (an Indonesian
    article never looks at Indonesian members), and candidates are the members
    that share a number *and* one of the article's entities other than its
    ``min_entities - 1`` most common ones (whoever shares ``min_entities``
    entities shares one of those: prefix filtering). Both unions are set
    operations in C; only the few candidates left go through :func:`same_story`.
    This finds exactly what comparing with every member would find, without the
    cost growing with every member that mentions "Indonesia" or "2026".
    """

    def __init__(self, window: float = 36 * 3600.0, min_entities: int = 3) -> None:
        self.window = window
        self.min_entities = min_entities
        self._members: dict[str, tuple[str, Fingerprint]] = {}  # article id -> (story id, fingerprint)
        # language -> entity -> members, and language -> number -> members
        self._entities: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._numbers: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._expiry: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._members)

    def candidates(self, fp: Fingerprint) -> set[str]:
        """Members in another language sharing a number and possibly ``min_entities`` entities with ``fp``."""
        found: set[str] = set()
        if len(fp.entities) < self.min_entities or not fp.numbers or not fp.language:
            return found
        for language, by_number in self._numbers.items():
            if language == fp.language:
                continue
            numbered = set().union(*(by_number.get(n, ()) for n in fp.numbers))
            if not numbered:
                continue
            by_entity = self._entities[language]
            postings = sorted((by_entity.get(e, ()) for e in fp.entities), key=len)
            rare = postings[: len(postings) - (self.min_entities - 1)]
            found |= numbered & set().union(*rare)
        return found

    def find(self, fp: Fingerprint) -> tuple[str, float] | None:
        """(story id, overlap) of the best other-language match, or None."""
        best: tuple[float, float, str] | None = None
        entities, size, need = fp.entities, len(fp.entities), self.min_entities
        for member in self.candidates(fp):
            story, other = self._members[member]
            # same_story's bars, cheapest first (this loop is the hot one): shared entities, then the rest.
            shared = len(entities & other.entities)
            if shared < need or shared < MIN_OVERLAP * min(size, len(other.entities)):
                continue
            score = same_story(fp, other, window=self.window, min_entities=need)
            if score is not None and (best is None or (score, -other.at, story) > best):
                best = (score, -other.at, story)
        return (best[2], best[0]) if best else None

    def add(self, article_id: str, story_id: str, fp: Fingerprint, clock: float) -> None:
        """Remember an article's fingerprint; forget those older than the window."""
        if article_id in self._members or not fp.entities or not fp.language:
            return
        self._members[article_id] = (story_id, fp)
        for entity in fp.entities:
            self._entities[fp.language][entity].add(article_id)
        for number in fp.numbers:
            self._numbers[fp.language][number].add(article_id)
        heapq.heappush(self._expiry, (max(fp.at, clock), article_id))
        while self._expiry and self._expiry[0][0] < clock - self.window:
            _, old = heapq.heappop(self._expiry)
            gone = self._members.pop(old, None)
            if gone is not None:
                _drop(self._entities[gone[1].language], gone[1].entities, old)
                _drop(self._numbers[gone[1].language], gone[1].numbers, old)


def _drop(index: dict[str, set[str]], tokens: frozenset[str], member: str) -> None:
    for token in tokens:
        posting = index.get(token)
        if posting is not None:
            posting.discard(member)
            if not posting:
                del index[token]
