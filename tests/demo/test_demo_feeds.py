"""The demo's sample feeds: one FeedSpec each, named and language-tagged from the channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.core.errors import ConfigError
from pantau.demo import FEEDS_DIR, demo_feeds


def test_every_shipped_sample_feed_becomes_a_named_feed_served_from_the_base_url():
    specs = demo_feeds("http://127.0.0.1:9")
    assert len(specs) == len(list(FEEDS_DIR.glob("*.xml"))) > 0
    for spec in specs:
        assert spec.url.startswith("http://127.0.0.1:9/") and spec.id.startswith("demo-")
        assert spec.name and spec.language


def test_a_sample_feed_without_a_channel_is_refused_by_name(tmp_path: Path):
    # It used to be an AttributeError ('NoneType' object has no attribute 'findtext').
    (tmp_path / "atom.xml").write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    with pytest.raises(ConfigError, match="atom.xml has no <channel>"):
        demo_feeds("http://127.0.0.1:9", tmp_path)
