"""A broken feed list names every bad entry with file:line:col and a hint."""

import pytest

from pantau.core.errors import ConfigError
from pantau.sources.feed_list import load_feed_list


def test_every_bad_entry_is_located_at_once(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds:\n"
        "  - url: https://a.example/rss\n"
        "    nmae: A\n"
        "  - url: https://b.example/rss\n"
        "  - url: https://c.example/rss\n"
        "    interval: soon\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_feed_list(path)
    text = str(err.value)
    assert f"{path}:3:5: unknown field 'nmae' in feeds.0 (did you mean 'name'?)" in text
    assert f"{path}:6:5: feeds.2.interval:" in text and "'soon'" in text


def test_header_values_are_never_echoed(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds:\n  - url: https://a.example/rss\n    headers: {Authorization: [s3cr3t]}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="headers.Authorization") as err:
        load_feed_list(path)
    assert "s3cr3t" not in str(err.value)
