"""Story members in a Faust table: the distributed twin of ``SqliteStoryStore``.

The deliver agent assigns each matched article to a story with the same
:class:`pantau.streams.stories.StoryIndex` as the embedded mode; this store keeps
the index's members in a table (article id -> member) whose changelog lets a
worker that takes the deliver partition over rebuild the same index.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import msgspec

from pantau.streams.stories import StoryMember

__all__ = ["TableStoryStore"]


class _Member(msgspec.Struct, array_like=True):
    story_id: str
    at: float
    size: int
    signature: bytes
    fingerprint: bytes = b""  # absent in records written before fingerprints were kept
    seen: float = 0.0  # absent in records written before fetch times were kept


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(_Member).decode


def _kept_from(raw: bytes) -> float:
    m = _decode(raw)
    return max(m.at, m.seen)


class TableStoryStore:
    """The ``StoryStore`` protocol over an article id -> bytes table."""

    def __init__(self, table: MutableMapping[str, bytes]) -> None:
        self._table = table

    def get(self, article_id: str) -> StoryMember | None:
        """The member recorded for ``article_id``, if any."""
        raw = self._table.get(article_id)
        if raw is None:
            return None
        m = _decode(raw)
        return StoryMember(article_id, m.story_id, m.at, m.size, m.signature, m.fingerprint, m.seen)

    def add(self, member: StoryMember) -> None:
        """Record a member; a second add of the same article is ignored (first write wins)."""
        if member.article_id not in self._table:
            self._table[member.article_id] = _encode(
                _Member(member.story_id, member.at, member.size, member.signature, member.fingerprint, member.seen)
            )

    def recent(self, since: float) -> list[StoryMember]:
        """Members kept from ``since`` or later, oldest first."""
        members = (self.get(key) for key in list(self._table.keys()))
        return sorted((m for m in members if m is not None and m.kept_from >= since), key=lambda m: m.kept_from)

    def latest(self) -> float | None:
        """The newest member's ``kept_from``, or None when empty."""
        return max((_kept_from(raw) for raw in list(self._table.values())), default=None)

    def prune(self, before: float) -> int:
        """Forget members kept from before ``before`` (tombstones in the changelog); returns how many."""
        old = [key for key, raw in list(self._table.items()) if _kept_from(raw) < before]
        for key in old:
            del self._table[key]
        return len(old)
