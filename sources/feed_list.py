"""The feed list: YAML entries (the ``feeds:`` shape of pantau.yaml) or OPML, into FeedSpecs."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml import YAML

from pantau.core.errors import ConfigError
from pantau.core.files import read_text
from pantau.core.yaml_errors import describe, kind_of
from pantau.sources.feeds import FeedSpec, warn_short_intervals
from pantau.sources.opml import parse_opml

__all__ = ["load_feed_list"]


def load_feed_list(path: Path) -> list[FeedSpec]:
    """Read a feed list from a YAML (``feeds:`` list) or OPML file."""
    text = read_text(path, what="feed list", hint="name a YAML (`feeds:` list) or OPML file")
    if path.suffix.lower() in {".opml", ".xml"}:
        return warn_short_intervals(parse_opml(text, where=str(path)), where=str(path))
    try:
        data = YAML(typ="rt").load(text) or {}  # round trip: keeps line/column marks for errors
    except Exception as exc:  # ruamel raises several unrelated types for bad YAML
        raise ConfigError(f"{path}: not valid YAML: {exc}", hint="fix the indentation or quoting") from None
    items = data.get("feeds", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ConfigError(
            f"{path}: expected a list of feeds, got {kind_of(items)}",
            hint="write `feeds:` followed by `- url: ...` entries",
        )
    feeds, problems = [], []
    for index, item in enumerate(items):
        try:
            feeds.append(FeedSpec.model_validate(item))
        except ValidationError as exc:
            prefix = ("feeds", index) if isinstance(data, dict) else (index,)
            problems.append(describe(exc, path, data, FeedSpec, prefix=prefix, quiet=frozenset({"headers", "auth"})))
    if problems:  # every broken entry at once, not one per restart
        raise ConfigError(
            f"{path} has errors:\n" + "\n".join(problems),
            hint="see pantau/defaults/feeds.yaml for the fields a feed takes",
        )
    return warn_short_intervals(feeds, where=str(path))
