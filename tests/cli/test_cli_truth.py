"""The command line says what it does: --version, help with an example everywhere, ids by prefix, names checked."""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pantau.cli.main import build_parser, main
from pantau.core.config import shipped_rules_dir


def _run(capsys, argv: list[str], stdin: str = "", monkeypatch=None) -> tuple[int, str, str]:
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def _parsers() -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...]) -> None:
        found[" ".join(prefix)] = parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, (*prefix, name))

    walk(build_parser(), ())
    return found


def test_version(capsys) -> None:
    from pantau import __version__

    code, out, _ = _run(capsys, ["--version"])
    assert code == 0 and out.strip() == f"pantau {__version__}"


@pytest.mark.parametrize("command", sorted(c for c in _parsers() if c))
def test_every_command_has_a_description_and_an_example_in_its_help(command: str) -> None:
    parser = _parsers()[command]
    text = parser.format_help()
    assert parser.description and len(parser.description) > 20, f"`pantau {command} --help` has no description"
    assert "example" in text.lower() and f"pantau {command.split()[0]}" in text.split("example", 1)[1], (
        f"`pantau {command} --help` shows no example"
    )


def test_one_word_for_sub_actions() -> None:
    metavars = {a.metavar for p in _parsers().values() for a in p._actions if isinstance(a, argparse._SubParsersAction)}
    assert metavars == {"COMMAND", "ACTION"}


def test_allow_private_reads_the_same_and_names_the_setting_it_overrides_only_beside_a_config() -> None:
    having = {}
    for command, parser in _parsers().items():
        options = {name: action for action in parser._actions for name in action.option_strings}
        if "--allow-private" in options:
            having[command] = (str(options["--allow-private"].help), "--config" in options)
    assert {"run", "sources", "fetch", "poll"} <= set(having)
    for command, (text, with_config) in having.items():
        assert text.startswith("allow feeds on private, loopback and link-local addresses"), command
        assert ("overrides network.allow_private" in text) == with_config, command


@pytest.fixture
def monitor(tmp_path: Path) -> Path:
    path = tmp_path / "pantau.yaml"
    path.write_text(
        f"metrics: null\nstate: {tmp_path / 'state.db'}\n"
        "feeds:\n  - {url: 'https://kabar.example/rss', name: Kabar}\n",
        encoding="utf-8",
    )
    return path


def test_silence_ids_are_taken_by_unique_prefix(capsys, monitor: Path) -> None:
    code, out, _ = _run(
        capsys, ["silence", "add", "--config", str(monitor), "--topic", "asean", "--for", "1h", "--reason", "summit"]
    )
    silence_id = out.split()[1].rstrip(":")
    assert code == 0 and len(silence_id) > 6
    code, out, _ = _run(capsys, ["silence", "expire", "--config", str(monitor), silence_id[:6]])
    assert code == 0 and f"silence {silence_id} expired" in out
    code, _, err = _run(capsys, ["silence", "expire", "--config", str(monitor), "zzzz"])
    assert code == 1 and "no active silence" in err


def test_an_ambiguous_prefix_names_the_candidates(capsys, monitor: Path) -> None:
    from pantau.cli.options import resolve_prefix
    from pantau.core.errors import InputError

    assert resolve_prefix("ab", ["abc1", "xyz"], what="silence", hint="") == "abc1"
    assert resolve_prefix("abc1", ["abc1", "abc12"], what="silence", hint="") == "abc1"  # exact wins
    with pytest.raises(InputError, match="abc1.*abc2"):
        resolve_prefix("abc", ["abc1", "abc2"], what="silence", hint="")


def test_dead_letter_keys_are_taken_by_unique_prefix(capsys, monitor: Path) -> None:
    from pantau.adapters.sqlite.outbox import SqliteOutbox
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config
    from pantau.core.article import Article
    from pantau.streams.classify import Classified
    from pantau.streams.deliver.alert import Alert

    config = load_config(monitor)
    article = Article(
        id="a1",
        url="https://kabar.example/1",
        title="Peretas bobol bank",
        feed="kabar",
        fetched=datetime.now(timezone.utc),
    )
    alert = Alert(
        key="9f2c7a1b0d",
        destination="console",
        route="r",
        story="s",
        classified=Classified(article=article, ruleset_version="v"),
        created=time.time(),
    )
    outbox = SqliteOutbox(open_state(config.state))
    outbox.enqueue([alert], [time.time()])
    outbox.mark_dead([alert.key], error="gave up", at=time.time())
    code, out, err = _run(capsys, ["alerts", "replay", "--config", str(monitor), "--queue-only", "9f2c"])
    assert code == 0 and "1 alert(s) back in the outbox" in out, err


def test_silences_on_names_nothing_defines_are_warned_with_did_you_mean(capsys, monitor: Path) -> None:
    code, _, err = _run(
        capsys, ["silence", "add", "--config", str(monitor), "--topic", "asaen", "--for", "1h", "--reason", "typo"]
    )
    assert code == 0 and "no rule file defines topic 'asaen'" in err and "did you mean 'asean'" in err
    code, _, err = _run(
        capsys, ["silence", "add", "--config", str(monitor), "--feed", "Kabr", "--for", "1h", "--reason", "typo"]
    )
    assert code == 0 and "no feed 'Kabr'" in err and "did you mean 'Kabar'" in err
    code, _, err = _run(
        capsys, ["silence", "add", "--config", str(monitor), "--topic", "asean", "--for", "1h", "--reason", "fine"]
    )
    assert code == 0 and "warning" not in err


def test_a_route_to_a_topic_no_rule_file_defines_is_a_located_config_error(capsys, tmp_path: Path) -> None:
    path = tmp_path / "pantau.yaml"
    path.write_text(
        "metrics: null\nfeeds: []\nroutes:\n  - topics: [asaen, cybercrime]\n    to: [console]\n"
        "  - topics: [north-kora]\n    to: [console]\n",
        encoding="utf-8",
    )
    code, _, err = _run(capsys, ["run", "--once", "--config", str(path)])
    assert code == 1
    assert f"{path}:4:14: routes[0] topics: no rule file defines topic 'asaen' (did you mean 'asean'?)" in err
    assert f"{path}:6:14: routes[1] topics: no rule file defines topic 'north-kora'" in err
    assert "(did you mean 'north-korea'?)" in err
    assert not (tmp_path / "state.db").exists()


def test_fetch_output_piped_into_classify_keeps_the_article_url(capsys, monkeypatch) -> None:
    from pantau.core.article import Article, encode

    article = Article(
        id="abc123",
        url="https://kabar.example/korut-rudal",
        title="Korut luncurkan rudal balistik",
        feed="https://kabar.example/rss",
        fetched=datetime.now(timezone.utc),
        language="id",
        language_source="declared",
    )
    line = encode(article).decode() + "\n" + json.dumps({"title": "Korut uji rudal", "link": "https://old.example/1"})
    code, out, _ = _run(capsys, ["classify", "--rules", str(shipped_rules_dir())], line + "\n", monkeypatch)
    first, second = (json.loads(x) for x in out.splitlines())
    assert code == 0 and (first["id"], first["url"]) == ("abc123", "https://kabar.example/korut-rudal")
    assert first["topics"] == ["north-korea"] and second["url"] == "https://old.example/1"


def test_a_route_to_a_topic_like_nothing_defined_is_only_warned_about(tmp_path: Path) -> None:
    """A topic an editor is about to add while pantau runs (rules reload live) is not a typo."""
    from pantau.config import load_config
    from pantau.runtime.checks import check_config_and_rules

    path = tmp_path / "pantau.yaml"
    path.write_text("metrics: null\nfeeds: []\nroutes:\n  - topics: [pemilu]\n    to: [console]\n", encoding="utf-8")
    (unknown,) = check_config_and_rules(load_config(path))
    assert f"{path}:4:14: routes[0] topics: no rule file defines topic 'pemilu'" in unknown
