"""``pantau classify``: JSON lines of articles in, one JSON line of topics and evidence out."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import msgspec

from pantau.core.errors import InputError
from pantau.core.files import why_unreadable
from pantau.streams.classify import load_ruleset
from pantau.streams.classify.corpus import read_json_lines
from pantau.streams.classify.explain import near_misses, render

__all__ = ["register", "handle", "rules_directory"]

EPILOG = """\
input: one JSON object per line with the Article's fields: id, url, title,
summary, content, feed, language (other keys are ignored; `link` is read as
url), so `pantau fetch` and `pantau poll` output can be piped in as it is.
output: one JSON line per input line, in order:
  {"line": N, "id": ..., "url": ..., "topics": [...], "matches": [{"rule",
   "topic", "score", "severity", "tags", "hits": [{"term", "field", "start", "end", "text"}],
   "snippet", "notes": [...]}], "ruleset_version": ...}
notes say why the story is about the topic and which hits did not count
(denied, another sense of the word).
A line that is not valid JSON gives {"line": N, "error": ...} and exit status 1.
--explain prints, instead of JSON, every match with its hits and judgement
(hits that did not count: denied, another sense; why the story is about the
topic) and, for each topic NOT matched, the closest rule and what it lacked.

examples:
  echo '{"title": "Korut luncurkan rudal", "language": "id"}' | pantau classify
  pantau classify --rules my-rules/ articles.jsonl > classified.jsonl
  pantau fetch https://www.antaranews.com/rss/terkini.xml | pantau classify
  echo '{"title": "Bank: gangguan bukan serangan siber"}' | pantau classify --explain
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classify`` to the command line."""
    parser = subparsers.add_parser(
        "classify",
        help="classify JSON-lines articles against the topic rules",
        description="Classify articles (JSON lines) against the topic rules and explain every match.",
        epilog=EPILOG,
    )
    parser.add_argument("file", nargs="?", default="-", help="JSON-lines file, or - for standard input (default)")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="human-readable: why each topic matched, and for the others what the closest rule lacked",
    )
    add_rules_options(parser)
    parser.set_defaults(handler=handle)


def add_rules_options(parser: argparse.ArgumentParser) -> None:
    """``--rules DIR`` and ``--config FILE``, shared by the rules commands."""
    parser.add_argument(
        "--rules",
        metavar="DIR",
        type=Path,
        help="rules directory (default: the config's rules:, else the shipped rules/)",
    )
    parser.add_argument("--config", metavar="FILE", type=Path, help="take the rules directory from this pantau.yaml")


def rules_directory(explicit: Path | None, config: Path | None) -> Path:
    """The rules directory: explicit, else the config file's ``rules:``, else the shipped one."""
    if explicit is not None:
        return explicit
    if config is not None:
        from pantau.config import load_config

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
        raise InputError(f"{name}, after line {number}, {why_unreadable(Path(name), exc)}", hint=_INPUT_HINT) from None


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
            if args.explain:
                misses = near_misses(ruleset, article, set(classified.topics))
                out.write(f"line {number}: " + render(classified, misses) + "\n\n")
                continue
            record = {
                "line": number,
                "id": article.id,
                "url": article.url,
                "topics": list(classified.topics),
                "matches": [msgspec.structs.asdict(m) for m in classified.matches],
                "ruleset_version": classified.ruleset_version,
            }
            out.write(encoder.encode(record).decode() + "\n")
    out.flush()
    return status
