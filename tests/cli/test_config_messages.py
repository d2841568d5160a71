"""pantau.yaml errors read as a user's words: no internal type names, no repeats, lines everywhere, all at once."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest

from pantau.config import load_config
from pantau.core.errors import ConfigError, MissingEnvError


def _write(tmp_path: Path, text: str, name: str = "pantau.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_list_instead_of_settings_says_a_list_not_commentedseq(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, "- feeds\n- rules\n"), env={})
    assert "got a list" in err.value.message and "Commented" not in str(err.value)


def test_a_feed_list_of_the_wrong_shape_names_the_kind(tmp_path: Path) -> None:
    _write(tmp_path, "feeds: {a: 1}\n", name="feeds.yaml")
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, "feeds: feeds.yaml\n"), env={})
    assert "got a mapping" in err.value.message and "Commented" not in str(err.value)


def test_no_class_names_and_the_value_said_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        feeds:
          - url: ftp://x.example/feed
          - 7
        state: [a, b]
        routes:
          - {topics: [cybercrime], to: [console], group_wait: soon}
        """,
    )
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    text = str(err.value)
    for internal in ("<class", "FeedSpec", "pathlib", "Value error", "Commented"):
        assert internal not in text, text
    assert text.count("'ftp://x.example/feed'") == 1 and text.count("'soon'") == 1
    assert f"{path}:2:5: feeds.0.url: " in text and f"{path}:3:5: feeds.1: " in text and "(got 7)" in text
    assert f"{path}:4:1: state: " in text and "(got a list)" in text


def test_every_unset_env_value_is_located_at_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        destinations:
          siem:
            type: webhook
            url: https://siem.example/${NOPE_HOST_PART}
          chat:
            type: slack
            url: ${NOPE_SLACK_URL}
        """,
    )
    with pytest.raises(MissingEnvError) as err:
        load_config(path, env={})
    assert f"{path}:4:5: destinations.siem.url: environment variable NOPE_HOST_PART is not set" in err.value.message
    assert f"{path}:7:5: destinations.chat.url: environment variable NOPE_SLACK_URL is not set" in err.value.message
    assert "NOPE_HOST_PART=..." in err.value.hint and "NOPE_SLACK_URL=..." in err.value.hint


def test_every_unknown_destination_of_every_route_at_once_with_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        destinations:
          siem: {type: webhook, url: "https://siem.example/hook"}
        routes:
          - topics: [cybercrime]
            to: [sime]
          - topics: [asean]
            to: [console, nowhere]
        """,
    )
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert f"{path}:5:10: routes[0] sends to unknown destination 'sime' (did you mean 'siem'?)" in err.value.message
    assert f"{path}:7:19: routes[1] sends to unknown destination 'nowhere'" in err.value.message


def test_an_empty_config_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, "# nothing yet\n"), env={})
    assert "is empty" in err.value.message and "feeds:" in err.value.message


@pytest.mark.parametrize("make", ["folder", "binary", "missing"])
def test_a_config_path_that_is_not_a_text_file_is_a_config_error(tmp_path: Path, make: str) -> None:
    path = tmp_path / "pantau.yaml"
    if make == "folder":
        path.mkdir()
    elif make == "binary":
        path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    words = {"folder": "is a folder", "binary": "is not UTF-8 text", "missing": "does not exist"}[make]
    assert f"{path} {words}" in err.value.message


def test_a_feeds_file_that_is_a_folder_is_located_in_the_config(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    path = _write(tmp_path, "metrics: null\nfeeds: lists\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert err.value.message.startswith(f"{path}:2:1: feeds: feed list ") and "is a folder" in err.value.message


def test_an_interval_below_the_minimum_is_warned_at_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pantau.core.logs import configure_logging

    configure_logging("json", "info")
    path = _write(
        tmp_path,
        """\
        feeds:
          - {url: "https://fast.example/rss", interval: 10}
          - {url: "https://calm.example/rss", interval: 600}
        """,
    )
    load_config(path, env={})
    err = capsys.readouterr().err
    assert err.count("feed_interval_below_minimum") == 1 and "https://fast.example/rss" in err
    logging.getLogger().handlers.clear()


def test_a_zero_or_negative_interval_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="interval"):
        load_config(_write(tmp_path, "feeds:\n  - {url: 'https://x.example/rss', interval: -5}\n"), env={})
