"""Stories: recognise copies of the same story from different outlets.

Wire stories are republished by many outlets with their own headline, page
boilerplate, or a body cut short; an editor wants one alert per story, not
one per copy. Each article becomes a set of normalised word 3-shingles of its
title and text, summarised by a MinHash signature; a MinHash LSH index finds
earlier articles likely to share many shingles (both datasketch's, value for
value, computed in bulk by streams/signature.py), and a
candidate joins their story when the estimated Jaccard similarity, or the
containment of the shorter text in the longer, is high enough.

Why MinHash and not SimHash (measured on the seeds, 3-shingles): the two
copies of one story (one a raw page cut short, one a clean full body) have
Jaccard 0.36 and containment 0.79, every other pair <= 0.01; their 64-bit
SimHashes differ in 19 bits against 27-38 for unrelated pairs, too narrow a
margin to index. MinHash keeps the two far apart and LSH queries stay cheap
(signing and assigning take well under 1 ms an article: tests/bench/bench_stories.py).

Limits: a summary-only copy far shorter than the full text (Jaccard under
about 0.15) is seldom proposed by LSH and then starts its own story.

An article with no same-language copy may still join a story told in another
language (Indonesian and English): streams/crosslang.py matches names,
numbers and time, tuned for precision.

The index is pure; a :class:`StoryStore` keeps the members so that a restart
rebuilds the same index (SQLite in embedded mode, memory in tests).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from pantau.core.article import Article
from pantau.streams.classify.records import StoryMarks
from pantau.streams.crosslang import CrossLingual, decode_fingerprint, encode_fingerprint, fingerprint
from pantau.streams.signature import NUM_PERM, BandIndex, Signed, freeze, jaccard, restore, shingles, sign, warm

__all__ = [
    "StoryRef",
    "StoryMember",
    "StoryStore",
    "MemoryStoryStore",
    "StoryIndex",
    "marks",
    "shingles",
]


@dataclass(frozen=True)
class StoryRef:
    """The story an article belongs to; ``is_new`` when the article started it."""

    story_id: str
    is_new: bool
    article_id: str
    similarity: float
    """Estimated similarity to the copy it joined (1.0 for a new story)."""


@dataclass(frozen=True)
class StoryMember:
    """One indexed article: its story, time, shingle count, MinHash signature and cross-language fingerprint."""

    article_id: str
    story_id: str
    at: float
    size: int
    signature: bytes
    fingerprint: bytes = b""
    """streams/crosslang.py's fingerprint, encoded (empty when the article has none)."""
    seen: float = 0.0
    """When it was indexed (the article's fetch time): the window runs from here (0: not recorded)."""

    @property
    def kept_from(self) -> float:
        """Where the member's time in the window starts: its publication, or its fetch when later."""
        return max(self.at, self.seen)


class StoryStore(Protocol):
    """Where story members are kept between restarts."""

    def get(self, article_id: str) -> StoryMember | None:
        """The member recorded for ``article_id``, if any."""

    def add(self, member: StoryMember) -> None:
        """Record a member; the first write for an article wins."""

    def recent(self, since: float) -> list[StoryMember]:
        """Members kept from ``since`` or later (:attr:`StoryMember.kept_from`), oldest first."""

    def latest(self) -> float | None:
        """The newest member's ``kept_from``, or None when empty."""

    def prune(self, before: float) -> int:
        """Forget members kept from before ``before``; returns how many."""


class MemoryStoryStore:
    """A store in a dict: for tests and for callers that keep state elsewhere."""

    def __init__(self) -> None:
        self._members: dict[str, StoryMember] = {}

    def get(self, article_id: str) -> StoryMember | None:
        """The member recorded for ``article_id``, if any."""
        return self._members.get(article_id)

    def add(self, member: StoryMember) -> None:
        """Record a member (first write wins, as in SQLite)."""
        self._members.setdefault(member.article_id, member)

    def recent(self, since: float) -> list[StoryMember]:
        """Members kept from ``since`` or later, oldest first."""
        return sorted((m for m in self._members.values() if m.kept_from >= since), key=lambda m: m.kept_from)

    def latest(self) -> float | None:
        """The newest member's ``kept_from``, or None when empty."""
        return max((m.kept_from for m in self._members.values()), default=None)

    def prune(self, before: float) -> int:
        """Forget members kept from before ``before``; returns how many."""
        old = [k for k, m in self._members.items() if m.kept_from < before]
        for k in old:
            del self._members[k]
        return len(old)


SIGNATURE_BYTES = NUM_PERM * 4


def marks(article: Article) -> StoryMarks:
    """The article's story signature and cross-language fingerprint, as :meth:`StoryIndex.assign` would compute them."""
    signed = sign(_article_text(article))
    fp = fingerprint(article) if article.language else None
    return StoryMarks(signature=freeze(signed.values), size=signed.size, fingerprint=encode_fingerprint(fp))


def _article_text(article: Article) -> str:
    # The summary is usually the lead of the content: count it only when there is no content.
    return f"{article.title}\n{article.content or article.summary}"


def _article_time(article: Article) -> float:
    # A feed's future-dated item must not move the window: never later than the fetch.
    fetched = article.fetched.timestamp()
    return min(article.published.timestamp(), fetched) if article.published else fetched


class StoryIndex:
    """Assigns each article to a story, grouping near-duplicates within a time window."""

    def __init__(
        self,
        store: StoryStore | None = None,
        *,
        window: float = 3 * 86400,
        jaccard: float = 0.25,
        containment: float = 0.6,
        min_shingles: int = 8,
        retention: float = 30 * 86400,
        cross_language: bool = True,
    ) -> None:
        self.store = store if store is not None else MemoryStoryStore()
        self.window = window
        self.jaccard = jaccard
        self.containment = containment
        self.min_shingles = min_shingles
        self.retention = retention
        self.cross_language = cross_language
        """Also join another language's telling of a story (streams/crosslang.py)."""
        self._cross = CrossLingual(window=min(window, 36 * 3600.0))
        warm()  # the compiled signature kernels, ready before the first article (signature.py)
        # LSH proposes candidates a little below the decision threshold; the
        # signature comparison below then decides.
        self._lsh = BandIndex()
        self._live: dict[str, tuple[StoryMember, np.ndarray]] = {}
        self._expiry: list[tuple[float, str]] = []
        self._high_water = self.store.latest() or 0.0
        # Restored on the clock they were indexed on (their fetch), as the index that wrote them
        # kept them: a copy published days before it was fetched stays as long after a restart.
        for member in self.store.recent(self._high_water - window):
            self._index(member, restore(member.signature), member.kept_from)
            fp = decode_fingerprint(member.fingerprint) if self.cross_language else None
            if fp is not None:  # after a restart, another language's copies still find these stories
                self._cross.add(member.article_id, member.story_id, fp, member.kept_from)

    def __len__(self) -> int:
        return len(self._live)

    def assign(self, article: Article, marks: StoryMarks | None = None) -> StoryRef:
        """The article's story: an earlier copy's story, or a new one it starts.

        ``marks`` (from :func:`marks`, computed where the article was classified) spare the hashing;
        the answer is the same with or without them.
        """
        known = self.store.get(article.id)
        if known is not None:  # re-processing after a restart: same answer as before
            return StoryRef(known.story_id, known.story_id == article.id, article.id, 1.0)
        at = _article_time(article)
        if marks is not None and len(marks.signature) == SIGNATURE_BYTES:
            signed = Signed(restore(marks.signature), marks.size)
            fp = decode_fingerprint(marks.fingerprint) if self.cross_language and article.language else None
        else:  # none carried (embedded mode, an older classifier) or not a signature: computed here
            signed = sign(_article_text(article))
            fp = fingerprint(article) if self.cross_language and article.language else None
        story_id, similarity = self._best_match(signed.values, signed.size, at)
        if story_id is None and fp is not None:
            # No same-language copy: another language's telling of the story (names, numbers, time).
            found = self._cross.find(fp)
            if found is not None:
                story_id, similarity = found
        # Eviction runs on the processing clock (fetch time), not publication time:
        # feeds finish in any order, and a newer story seen first must not evict
        # the older copies that are still to be matched.
        clock = article.fetched.timestamp()
        member = StoryMember(
            article.id, story_id or article.id, at, signed.size, freeze(signed.values), encode_fingerprint(fp), clock
        )
        self.store.add(member)
        if fp is not None:
            self._cross.add(article.id, member.story_id, fp, clock)
        self._index(member, signed.values, clock)
        self._advance(clock)
        return StoryRef(member.story_id, story_id is None, article.id, similarity if story_id else 1.0)

    def replay(self, member: StoryMember, seen_at: float) -> None:
        """Index a member signed earlier, from its stored signature (no hashing), as ``assign`` did then.

        Backtests replay the archived stories this way and hash only the
        articles the proposed rules newly match.
        """
        self.store.add(member)
        self._index(member, restore(member.signature), seen_at)
        self._advance(seen_at)

    def _best_match(self, sig: np.ndarray, size: int, at: float) -> tuple[str | None, float]:
        best: tuple[float, float, str] | None = None
        if size == 0:
            return None, 0.0
        for key in self._lsh.query(sig):
            member, other = self._live[key]
            if abs(member.at - at) > self.window:
                continue
            score = self._similarity(sig, size, other, member.size)
            # Ties go to the earlier member, then to the larger story id: the same answer whatever the set order.
            if score is not None and (best is None or (score, -member.at, member.story_id) > best):
                best = (score, -member.at, member.story_id)
        return (best[2], best[0]) if best else (None, 0.0)

    def _similarity(self, a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> float | None:
        """The estimated similarity when it makes the two one story, else None."""
        j = jaccard(a, b)
        if min(size_a, size_b) < self.min_shingles:
            # Two short headlines share a phrase easily: demand near identity.
            return j if j >= 0.7 else None
        if j >= self.jaccard:
            return j
        # |A and B| from Jaccard and sizes; containment of the shorter text in the longer.
        common = j * (size_a + size_b) / (1 + j)
        contained = common / min(size_a, size_b)
        return contained if contained >= self.containment else None

    def _index(self, member: StoryMember, sig: np.ndarray, seen_at: float) -> None:
        if member.size == 0 or member.article_id in self._live:
            return
        self._lsh.insert(member.article_id, sig)
        self._live[member.article_id] = (member, sig)
        heapq.heappush(self._expiry, (max(member.at, seen_at), member.article_id))

    def _advance(self, at: float) -> None:
        """Move the clock to the newest fetch seen; evict what fell out of the window."""
        if at <= self._high_water:
            return
        previous, self._high_water = self._high_water, at
        while self._expiry and self._expiry[0][0] < at - self.window:
            _, key = heapq.heappop(self._expiry)
            if self._live.pop(key, None) is not None:
                self._lsh.remove(key)
        if int(previous // 86400) != int(at // 86400):  # at most once a day of article time
            self.store.prune(at - self.retention)
