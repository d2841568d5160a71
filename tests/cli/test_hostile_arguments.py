"""Every subcommand against a table of hostile arguments: a one-line error and exit 1 (2 for usage), never a traceback.

The table is checked against the parser itself: a subcommand added later
without rows here fails :func:`test_every_subcommand_has_hostile_rows`, so
nobody can add a command that was never tried with a bad path.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pantau.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[2]

# Hostile inputs, made once per test in a fresh folder (see the `hostile` fixture):
#   {missing}  a path that does not exist       {dir}    a folder
#   {binary}   bytes that are not UTF-8 text     {empty}  an empty file
#   {cfg_state_dir}  a config whose `state:` is a folder
#   {cfg_state_bad}  a config whose `state:` is a file that is not SQLite
#   {cfg_state_missing} a valid config whose state file does not exist yet
#   {cfg_feeds_dir}  a config whose `feeds:` names a folder
#   {cfg_feeds_missing} a config whose `feeds:` names a missing file
FILES = ("missing", "dir", "binary", "empty")
USAGE = 2  # argparse's status for a wrong option or value
ERROR = 1

CASES: list[tuple[str, list[str], int]] = []


def _case(command: str, argv: list[str], code: int) -> None:
    CASES.append((command, argv, code))


def _name(cmd: list[str]) -> str:
    """The command a row exercises: the subcommand too, when there is one ("rules check", "run")."""
    return " ".join(cmd[:2] if len(cmd) > 1 and not cmd[1].startswith("-") else cmd[:1])


# Commands by what they open: the state file only to read it (never created), the state file at all,
# a --config file at all. Each list holds the one before it.
READS_STATE = (
    ["status"],
    ["feeds", "status"],
    ["alerts", "pending"],
    ["alerts", "dead"],
    ["alerts", "replay", "--all"],
    ["silence", "list"],
    ["silence", "expire", "abc"],
)
OPENS_STATE = (
    ["run", "--once"],
    *READS_STATE,
    ["silence", "add", "--topic", "asean", "--for", "1h", "--reason", "x"],
)
TAKES_CONFIG = (
    *OPENS_STATE,
    ["worker"],
    ["topics"],
    ["topics", "--grow"],
    ["sources"],
    ["feeds", "export"],
    ["classify"],
    ["rules", "check"],
    ["rules", "test"],
    ["rules", "backtest"],
    ["archive", "search", "x"],
    ["archive", "show", "abc"],
    ["archive", "stats"],
    ["archive", "follow", "--once"],
    ["rules", "quality"],
    ["rules", "candidates"],
    ["web"],
)

# Every bad configuration file is exit 1.
for _cmd in TAKES_CONFIG:
    for _bad in (*FILES, "cfg_feeds_dir", "cfg_feeds_missing"):
        _case(_name(_cmd), [*_cmd, "--config", "{%s}" % _bad], ERROR)

# The state file: a folder, not SQLite, or (for read-only commands) not there.
for _cmd in OPENS_STATE:
    for _bad in ("cfg_state_dir", "cfg_state_bad"):
        _case(_name(_cmd), [*_cmd, "--config", "{%s}" % _bad], ERROR)
for _cmd in READS_STATE:
    _case(_name(_cmd), [*_cmd, "--config", "{cfg_state_missing}"], ERROR)
for _bad in ("dir", "binary"):
    _case("feeds status", ["feeds", "status", "--state", "{%s}" % _bad], ERROR)

# Files given as arguments.
for _bad in FILES:
    if _bad != "empty":  # an empty file is a valid (empty) input for these
        _case("classify", ["classify", "{%s}" % _bad], ERROR)
        _case("poll", ["poll", "--once", "--feeds", "{%s}" % _bad], ERROR)
        _case("feeds import", ["feeds", "import", "{%s}" % _bad], ERROR)
        _case("feeds export", ["feeds", "export", "--feeds", "{%s}" % _bad], ERROR)
        _case("rules diff", ["rules", "diff", "{rules}", "{rules}", "{%s}" % _bad], ERROR)
    _case("rules check", ["rules", "check", "{%s}" % _bad], ERROR)
    _case("rules test", ["rules", "test", "{%s}" % _bad], ERROR)
    _case("rules diff", ["rules", "diff", "{%s}" % _bad, "{rules}"], ERROR)
    _case(
        "poll",
        ["poll", "--once", "--feeds", "{feeds}", "--state", "{%s}" % _bad]
        if _bad in ("dir", "binary")
        else ["poll", "--once", "--feeds", "{binary}"],
        ERROR,
    )
_case("feeds import", ["feeds", "import", "{empty}"], ERROR)  # an empty OPML file has no feeds to import

for _bad in FILES:
    _case("rules backtest", ["rules", "backtest", "--rules", "{%s}" % _bad], ERROR)
    _case("rules train", ["rules", "train", "{%s}" % _bad], ERROR)
for _cmd in (
    ["archive", "search", "x"],
    ["archive", "show", "abc"],
    ["archive", "stats"],
    ["rules", "backtest"],
    ["rules", "quality"],
    ["rules", "candidates"],
):
    _case(" ".join(_cmd[:2]), [*_cmd, "--config", "{cfg_state_missing}"], ERROR)  # no archive: never created

# Numbers: negative, zero, huge, the wrong type.
for _value in ("-3", "0", "abc", "1e400"):
    _case("status", ["status", "--limit", _value], USAGE)
    _case("archive search", ["archive", "search", "x", "--limit", _value], USAGE)  # the same type: positive_int
for _value in ("-3", "abc", "1.5"):
    _case("rules backtest", ["rules", "backtest", "--samples", _value], USAGE)
for _value in ("-3d", "soon", "0d", "999999999d"):
    _case("archive search", ["archive", "search", "x", "--since", _value], ERROR if _value[0] != "-" else USAGE)
    _case("rules backtest", ["rules", "backtest", "--since", _value], ERROR if _value[0] != "-" else USAGE)
for _value in ("-5", "abc", "nan", "1e400"):
    _case("alerts replay", ["alerts", "replay", "--all", "--max-wait", _value], USAGE)
for _value in ("0m", "999999999d", "soon", "1e400", "0.0000001s"):
    _case("silence add", ["silence", "add", "--topic", "asean", "--for", _value, "--reason", "x"], ERROR)
_case("silence add", ["silence", "add", "--topic", "asean", "--for", "-4h", "--reason", "x"], USAGE)
_case("silence add", ["silence", "add", "--topic", "asean", "--for", "4h", "--reason", ""], USAGE)
_case("silence add", ["silence", "add", "--topic", "asean", "--for", "4h", "--reason", "  "], USAGE)

# Addresses and everything else.
for _url in ("not-a-url", "ftp://example.org/feed", "http://", "http://" + "a" * 70000 + ".example/", "{binary}"):
    _case("fetch", ["fetch", _url], ERROR)
_case("fetch", ["fetch", "http://127.0.0.1:9/feed.xml"], ERROR)  # loopback refused without --allow-private
_case("demo", ["demo", "--keep-serving", "extra"], USAGE)
_case("web hash-password", ["web", "hash-password"], ERROR)  # an empty password from standard input
_case("web hash-password", ["web", "hash-password", "extra"], USAGE)
_case("rules quality", ["rules", "quality", "--since", "soon"], ERROR)
_case("rules quality", ["rules", "quality", "--since", "-3d"], USAGE)
_case("run", ["run", "--once", "--log-level", "verbose"], USAGE)
_case("run", ["--log-level", "verbose", "run", "--once"], USAGE)
_case("worker", ["worker", "--config"], USAGE)
_case("topics", ["topics", "--grow=yes"], USAGE)
_case("sources", ["sources", "--allow-private=maybe"], USAGE)
_case("alerts replay", ["alerts", "replay", "--config", "{cfg_state_missing}", "nope"], ERROR)
_case("alerts replay", ["alerts", "replay"], ERROR)


def _leaf_commands() -> set[str]:
    """Every runnable subcommand of the parser: "status", "feeds import", ..."""
    import argparse

    def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...]) -> set[str]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            return {" ".join(prefix)}
        found: set[str] = set()
        for action in subs:
            for name, child in action.choices.items():
                found |= walk(child, (*prefix, name))
        return found

    return walk(build_parser(), ())


def test_every_subcommand_has_hostile_rows() -> None:
    covered = {command for command, _argv, _code in CASES}
    assert _leaf_commands() - covered == set(), "add hostile-argument rows for these new commands"


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The hostile files, and a working folder where nothing may be created behind our back."""
    (tmp_path / "dir").mkdir()
    (tmp_path / "binary").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "not-sqlite.db").write_text("these words are not a database\n", encoding="utf-8")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - url: http://127.0.0.1:9/f.xml\n", encoding="utf-8")

    def config(name: str, body: str) -> str:
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"metrics: null\nfeeds: []\n{body}", encoding="utf-8")
        return str(path)

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    from pantau.core.config import shipped_rules_dir

    return {
        "missing": str(tmp_path / "missing" / "file"),
        "dir": str(tmp_path / "dir"),
        "binary": str(tmp_path / "binary"),
        "empty": str(tmp_path / "empty"),
        "feeds": str(feeds),
        "rules": str(shipped_rules_dir()),
        "cfg_state_dir": config("state-dir", f"state: {tmp_path / 'dir'}\n"),
        "cfg_state_bad": config("state-bad", f"state: {tmp_path / 'not-sqlite.db'}\n"),
        "cfg_state_missing": config("state-missing", f"state: {tmp_path / 'nowhere' / 'state.db'}\n"),
        "cfg_feeds_dir": str(_write(tmp_path / "feeds-dir.yaml", f"metrics: null\nfeeds: {tmp_path / 'dir'}\n")),
        "cfg_feeds_missing": str(_write(tmp_path / "feeds-missing.yaml", "metrics: null\nfeeds: nope.yaml\n")),
    }


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _check(code: int, err: str, want: int, argv: list[str], out: str = "") -> None:
    assert "Traceback" not in err + out, f"{argv}: traceback\n{err}"
    assert code == want, f"{argv}: exit {code}, want {want}\n{err}"
    errors = [line for line in err.splitlines() if line.startswith("pantau") and ": error: " in line]
    if argv[0] == "rules" and not errors:  # `rules check|test` list located problems, one per line, instead
        located = [line for line in (out + err).splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
        assert located, f"{argv}: want located file:line:col errors\n{out}{err}"
        return
    assert len(errors) == 1, f"{argv}: want one `pantau...: error:` line\n{err}"
    assert "unexpected" not in errors[0], f"{argv}: reached the last-resort handler: {errors[0]}"
    assert len(errors[0]) < 1200, f"{argv}: not a one-line error:\n{err}"


@pytest.mark.parametrize(("command", "argv", "want"), CASES, ids=[" ".join(c[1]) for c in CASES])
def test_hostile_argument_gives_one_line_error(
    command: str,
    argv: list[str],
    want: int,
    hostile: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    argv = [a.format(**hostile) if "{" in a else a for a in argv]
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse leaves through SystemExit
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    _check(code, captured.err, want, argv, captured.out)
    # Nothing is created where the command ran, nor a state folder that was not there.
    assert list(Path.cwd().iterdir()) == [], f"{argv} created {list(Path.cwd().iterdir())}"
    assert not (tmp_path / "nowhere").exists(), f"{argv} created the state folder of a read-only command"


SUBPROCESS_CASES = [
    ["status", "--config", "{dir}"],
    ["classify", "{binary}"],
    ["run", "--once", "--config", "{cfg_state_bad}"],
    ["silence", "add", "--topic", "asean", "--for", "999999999d", "--reason", "x"],
    ["--log-level", "verbose", "status"],
]


@pytest.mark.parametrize("argv", SUBPROCESS_CASES, ids=[" ".join(a) for a in SUBPROCESS_CASES])
def test_hostile_arguments_through_the_real_console_script(argv: list[str], hostile: dict[str, str]) -> None:
    argv = [a.format(**hostile) if "{" in a else a for a in argv]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PANTAU_LOG_FORMAT": "json"}
    proc = subprocess.run(
        [sys.executable, "-m", "pantau.cli.main", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    want = USAGE if "verbose" in argv else ERROR
    _check(proc.returncode, proc.stderr, want, argv)
