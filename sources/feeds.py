"""The feed list: YAML entries (the ``feeds:`` shape of pantau.yaml) or OPML."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FeedSpec", "load_feed_list"]


class FeedSpec(BaseModel):
    """One feed as the user declares it."""

    model_config = ConfigDict(extra="forbid")
    url: str
    name: str = ""
    id: str = ""
    """Stable id used in state, metrics and logs; defaults to the URL."""
    language: str | None = None
    tags: list[str] = Field(default_factory=list)
    interval: float = 300.0
    """Seconds between polls (adapted within bounds to how busy the feed is)."""
    enabled: bool = True
    headers: dict[str, str] = Field(default_factory=dict)
    full_text: bool = False
    """Fetch each article's page and extract its main text (summary-only feeds)."""
    silent_after: float = 86400.0
    """Seconds without a new item after which the feed counts as silent."""

    @property
    def key(self) -> str:
        """The feed's id: ``id`` when given, else its URL."""
        return self.id or self.url


def load_feed_list(path: Path) -> list[FeedSpec]:
    """Read a feed list from a YAML (``feeds:`` list) or OPML file."""
    from ruamel.yaml import YAML

    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in {".opml", ".xml"}:
        from sources.opml import parse_opml

        return parse_opml(text, where=str(path))
    data = YAML(typ="safe").load(text) or {}
    items = data.get("feeds", []) if isinstance(data, dict) else data
    return [FeedSpec.model_validate(item) for item in items]
