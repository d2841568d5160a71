"""``pantau``: the command line. Each command lives in ``pantau/cli/``.

Errors are handled here, once for every command: a :class:`PantauError`
prints ``pantau: error: <what, where>`` and ``  hint: <fix>`` and exits 1;
whatever else escapes a command (a file error, a database error, a bug) is
turned into the same one-line shape, never a traceback, with the traceback
kept for ``--log-level debug``. Usage mistakes exit 2, as argparse does.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
import traceback
from typing import Any, NoReturn

from pantau.cli.terminal import one_line
from pantau.core.errors import PantauError
from pantau.core.logs import configure_logging

__all__ = ["main", "build_parser"]

# Modules in this package, each with register(subparsers); order = help order.
COMMANDS = [
    "run",
    "demo",
    "fetch",
    "poll",
    "feeds",
    "alerts",
    "silence",
    "sources",
    "worker",
    "topics",
    "classify",
    "rules",
    "archive",
    "status",
    "web",
]

DESCRIPTION = """\
pantau watches news feeds, classifies every article against your topic rules
and sends alerts to Slack, email and signed webhooks.

Start here:
  pantau demo                 see it work offline in seconds
  pantau run                  monitor the shipped feeds, alerts on this terminal
  pantau rules check          validate the rule files an editor just changed
  pantau archive search WORDS search every article pantau saw
"""


LOG_LEVELS = ("debug", "info", "warning", "error")


class Parser(argparse.ArgumentParser):
    """argparse with pantau's error shape (one error line and a hint, exit status 2) and help as written.

    Every command's parser is one of these (``add_subparsers`` makes its parsers
    of the parent's class), so descriptions and example epilogs keep their lines
    without each command asking for ``RawDescriptionHelpFormatter``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Print ``pantau ...: error: message`` and where to read more; exit 2."""
        self.exit(2, f"{self.prog}: error: {message}\n  hint: see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered command."""
    from pantau import __version__

    parser = Parser(prog="pantau", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"pantau {__version__}")
    parser.add_argument(
        "--log-format",
        choices=["console", "json"],
        help="log format on stderr (default: json in containers or pipes, console on a terminal)",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        type=str.lower,
        choices=LOG_LEVELS,
        metavar="LEVEL",
        help="debug, info, warning or error (default: info)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pantau.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pantau`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    configure_logging(args.log_format, args.log_level)
    try:
        return int(args.handler(args) or 0)
    except PantauError as exc:
        return _fail(exc.message, exc.hint)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `pantau fetch URL | head`: the reader left, nothing to report
        sys.stderr.close()
        return 1
    except (OSError, UnicodeDecodeError, sqlite3.Error) as exc:
        # A boundary that should have said this in pantau's words did not: still one line, no traceback.
        _debug_traceback(args)
        return _fail(_describe(exc), "check the paths given on the command line and in pantau.yaml")
    except Exception as exc:  # noqa: BLE001 - the last resort: never show users a traceback
        _debug_traceback(args)
        return _fail(
            f"unexpected {type(exc).__name__}: {one_line(str(exc), ERROR_WIDTH) or 'no details'}",
            "rerun with --log-level debug for details, and report it if it persists",
        )


MAX_LINE = 400
"""Longest line of an error we print: a 70,000-character URL given by mistake is shown cut in the middle."""
ERROR_WIDTH = 300
"""Longest description of an exception pantau has no words of its own for (its text folded to one line)."""


def _fail(message: str, hint: str | None) -> int:
    print(f"pantau: error: {_shorten(message)}", file=sys.stderr)
    if hint:
        print(f"  hint: {_shorten(hint)}", file=sys.stderr)
    return 1


def _shorten(text: str) -> str:
    """Each line of ``text`` at most ``MAX_LINE`` characters, the middle of longer ones cut out."""
    half = MAX_LINE // 2 - 2
    return "\n".join(line if len(line) <= MAX_LINE else f"{line[:half]} … {line[-half:]}" for line in text.split("\n"))


def _describe(exc: BaseException) -> str:
    """One line naming the file and what is wrong with it."""
    from pathlib import Path

    from pantau.core.files import why_unreadable

    filename = getattr(exc, "filename", None)
    if isinstance(exc, OSError) and filename:
        return f"{filename} {why_unreadable(Path(str(filename)), exc)}"
    if isinstance(exc, UnicodeDecodeError):
        return f"input {why_unreadable(Path('-'), exc)}"
    if isinstance(exc, sqlite3.Error):
        return f"state database: {one_line(str(exc), ERROR_WIDTH)}"
    return one_line(str(exc), ERROR_WIDTH)


def _debug_traceback(args: argparse.Namespace) -> None:
    if getattr(args, "log_level", "info") == "debug":
        traceback.print_exc(file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
