"""What classification produces: every match carries its own explanation.

These records cross process boundaries (the Kafka matches topic, the SQLite
outbox), so they are msgspec Structs with one JSON wire form.
"""

from __future__ import annotations

import msgspec

from pantau.core.article import Article, JsonCodec

__all__ = ["Hit", "Match", "StoryMarks", "Classified", "encode_classified", "decode_classified"]


class Hit(msgspec.Struct, frozen=True, kw_only=True):
    """One occurrence of a term: which field, where in the original field text, and as written."""

    term: str
    field: str
    start: int
    end: int
    text: str


class Match(msgspec.Struct, frozen=True, kw_only=True):
    """A rule that matched, why (hits, snippet) and with which rule set version."""

    rule: str
    topic: str
    score: float
    severity: str
    tags: tuple[str, ...] = ()
    hits: tuple[Hit, ...] = ()
    snippet: str = ""
    ruleset_version: str = ""
    notes: tuple[str, ...] = ()
    """Judgement shown to people: why the story is about the topic, hits that did not count and why."""


class StoryMarks(msgspec.Struct, frozen=True, kw_only=True):
    """What story grouping needs of a matched article, computed once where it was classified.

    The classifiers of a distributed worker fill it in, so that the one process that groups stories
    and delivers (the owner of the matches partition) does not hash every match itself: the same
    bytes :class:`pantau.streams.stories.StoryMember` stores (streams/stories.py ``marks``).
    """

    signature: bytes
    """The MinHash signature of the article's word 3-shingles: 128 little-endian uint32."""
    size: int
    """How many distinct shingles the signature was made of."""
    fingerprint: bytes = b""
    """The cross-language fingerprint, encoded (empty when the article has no entities or no language)."""


class Classified(msgspec.Struct, frozen=True, kw_only=True):
    """An article with the rule matches one rule set found in it."""

    article: Article
    matches: tuple[Match, ...] = ()
    ruleset_version: str = ""
    marks: StoryMarks | None = None
    """Story marks carried on the matches topic (None elsewhere: alerts and archives do not keep them)."""

    @property
    def topics(self) -> tuple[str, ...]:
        """The matched topic ids, sorted and unique."""
        return tuple(sorted({m.topic for m in self.matches}))


_codec = JsonCodec(Classified)
encode_classified = _codec.encode
"""Serialise a Classified to JSON bytes (the matches topic's wire form)."""
decode_classified = _codec.decode
"""Parse JSON bytes back into a Classified, validating every field."""
