"""What classification produces: every match carries its own explanation.

These records cross process boundaries (the Kafka matches topic, the SQLite
outbox), so they are msgspec Structs with one JSON wire form.
"""

from __future__ import annotations

import msgspec

from sources.article import Article

__all__ = ["Hit", "Match", "Classified", "encode_classified", "decode_classified"]


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


class Classified(msgspec.Struct, frozen=True, kw_only=True):
    """An article with the rule matches one rule set found in it."""

    article: Article
    matches: tuple[Match, ...] = ()
    ruleset_version: str = ""

    @property
    def topics(self) -> tuple[str, ...]:
        """The matched topic ids, sorted and unique."""
        return tuple(sorted({m.topic for m in self.matches}))


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Classified)


def encode_classified(classified: Classified) -> bytes:
    """Serialise a Classified to JSON bytes (the matches topic's wire form)."""
    return _encoder.encode(classified)


def decode_classified(data: bytes | str) -> Classified:
    """Parse JSON bytes back into a Classified, validating every field."""
    return _decoder.decode(data)
