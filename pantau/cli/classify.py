"""``pantau classify``: JSON lines of articles in, one JSON line of topics and evidence out."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import msgspec

from pantau.streams.classify import load_ruleset
from pantau.streams.classify.corpus import read_json_lines
from pantau.core.errors import InputError
from pantau.core.files import why_unreadable

__all__ = ["register", "handle", "rules_directory"]

EPILOG = """\
input: one JSON object per line with title, summary, content, link, language
(other keys are ignored). output: one JSON line per input line, in order:
  {"link": ..., "topics": [...], "matches": [{"rule", "topic", "score",
   "severity", "tags", "hits": [{"term", "field", "start", "end", "text"}],
   "snippet"}], "ruleset_version": ...}
A line that is not valid JSON gives {"line": N, "error": ...} and exit status 1.

examples:
  echo '{"title": "Korut luncurkan rudal", "language": "id"}' | pantau classify
  pantau classify --rules my-rules/ articles.jsonl > classified.jsonl
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classify`` to the command line."""
    parser = subparsers.add_parser(
        "classify",
        help="classify JSON-lines articles against the topic rules",
        description="Classify articles (JSON lines) against the topic rules and explain every match.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", default="-", help="JSON-lines file, or - for standard input (default)")
    add_rules_options(parser)
    parser.set_defaults(handler=handle)


def add_rules_options(parser: argparse.ArgumentParser) -> None:
    """``--rules DIR`` and ``--config FILE``, shared by the rules commands."""
    parser.add_argument("--rules", metavar="DIR", type=Path, help="rules directory (default: the config's rules:, else the shipped rules/)")
    parser.add_argument("--config", metavar="FILE", type=Path, help="take the rules directory from this pantau.yaml")


def rules_directory(explicit: Path | None, config: Path | None) -> Path:
    """The rules directory: explicit, else the config file's ``rules:``, else the shipped one."""
    if explicit is not None:
        return explicit
    if config is not None:
        from pantau.core.config import load_config

        return load_config(config).rules
    from pantau.streams.classify import default_rules_dir

    return default_rules_dir()


_INPUT_HINT = "pass a JSON-lines file (one article object per line), or - for standard input"


def _lines(stream, name: str):
    """``read_json_lines`` that names the input and the line when the bytes are not UTF-8 text."""
    number = 0
    try:
        for number, article, error in read_json_lines(stream):
            yield number, article, error
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}, after line {number}, {why_unreadable(Path(name), exc)}",
                         hint=_INPUT_HINT) from None


def handle(args: argparse.Namespace) -> int:
    """Classify every input line and print one JSON line per line."""
    ruleset = load_ruleset(rules_directory(args.rules, args.config))
    if args.file == "-":
        # Strict UTF-8 whatever the locale: surrogate-escaped bytes would fail later, far from their line.
        raw = getattr(sys.stdin, "buffer", None)
        stream = sys.stdin if raw is None else io.TextIOWrapper(raw, encoding="utf-8", errors="strict")
    else:
        if Path(args.file).is_dir():
            raise InputError(f"{args.file} is a folder, not a file", hint=_INPUT_HINT)
        try:
            stream = open(args.file, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{args.file} {why_unreadable(Path(args.file), exc)}", hint=_INPUT_HINT) from None
    encoder = msgspec.json.Encoder()
    status = 0
    out = sys.stdout
    name = "standard input" if args.file == "-" else args.file
    with stream:
        for number, article, error in _lines(stream, name):
            if article is None:
                out.write(encoder.encode({"line": number, "error": error}).decode() + "\n")
                status = 1
                continue
            classified = ruleset.classify(article)
            record = {
                "line": number,
                "link": article.url,
                "topics": list(classified.topics),
                "matches": [msgspec.structs.asdict(m) for m in classified.matches],
                "ruleset_version": classified.ruleset_version,
            }
            out.write(encoder.encode(record).decode() + "\n")
    out.flush()
    return status
