"""The log format defaults: readable on a terminal, JSON for machines."""

import io

from pantau.core.logs import default_format


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_gets_console_and_a_pipe_gets_json(monkeypatch):
    monkeypatch.delenv("PANTAU_LOG_FORMAT", raising=False)
    monkeypatch.setattr("sys.stderr", _Tty())
    assert default_format() == "console"
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert default_format() == "json"


def test_the_environment_overrides_the_guess(monkeypatch):
    monkeypatch.setenv("PANTAU_LOG_FORMAT", "json")
    monkeypatch.setattr("sys.stderr", _Tty())
    assert default_format() == "json"
