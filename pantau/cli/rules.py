"""``pantau rules check|test|diff|backtest``: what editors run before a rule change goes live."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pantau.streams.classify import check_ruleset, load_ruleset
from pantau.streams.classify.corpus import default_corpus_dir, diff_rulesets, evaluate, load_corpus, read_json_lines
from pantau.streams.classify.examples import example_article
from pantau.streams.classify.schema import TopicFile
from pantau.cli.classify import add_rules_options, rules_directory
from pantau.core.errors import ConfigError

__all__ = ["register", "check", "test", "diff"]

EPILOG = """\
examples:
  pantau rules check                       validate the shipped rules/
  pantau rules check my-rules/             every error as file:line:col, exit 1 on errors
  pantau rules test                        examples + fixture corpus, precision/recall per topic
  pantau rules diff rules/ my-rules/       which corpus articles gain or lose topics
  pantau rules diff rules/ my-rules/ articles.jsonl
  pantau rules backtest --rules my-rules/  what the edit would have alerted over the archive
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``rules`` and its sub-commands to the command line."""
    parser = subparsers.add_parser(
        "rules",
        help="check, test and compare topic rule files",
        description="Check, test and compare the YAML topic rules before they go live.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    p = sub.add_parser("check", help="report every error (file:line:col) and warning", description="Validate a rules directory; exit 1 when it has errors.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", nargs="?", type=Path, help="rules directory (default: the shipped rules/)")
    add_rules_options(p)
    p.set_defaults(handler=check)
    p = sub.add_parser("test", help="run rule examples and the labelled corpus", description="Run every rule's examples and the labelled corpus; print precision and recall per topic.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", nargs="?", type=Path, help="rules directory (default: the shipped rules/)")
    p.add_argument("--corpus", type=Path, help="labelled corpus directory (default: rules/corpus)")
    p.add_argument("-v", "--verbose", action="store_true", help="list every example, not only failures")
    add_rules_options(p)
    p.set_defaults(handler=test)
    p = sub.add_parser("diff", help="articles that gain or lose topics between two rule sets", description="Compare two rule directories on a set of articles.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old", type=Path, help="rules directory in force")
    p.add_argument("new", type=Path, help="edited rules directory")
    p.add_argument("file", nargs="?", help="JSON-lines articles (default: the labelled corpus)")
    p.set_defaults(handler=diff)
    from pantau.cli.rules_review import add_subcommands  # backtest over the archive (and feedback reports)

    add_subcommands(sub)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _directory(args: argparse.Namespace) -> Path:
    return args.directory if args.directory is not None else rules_directory(args.rules, args.config)


def check(args: argparse.Namespace) -> int:
    """Print every error, then every warning; 1 when there are errors."""
    directory = _directory(args)
    report = check_ruleset(directory)
    for label, problems in (("error", report.errors), ("warning", report.warnings)):
        for problem in problems:
            fix = f"\n    fix: {problem.hint}" if problem.hint else ""
            print(f"{problem.file}:{problem.line}:{problem.col}: {label}: {problem.message}{fix}")
    if report.ruleset is not None:
        rs = report.ruleset
        print(f"ok: {directory}: {rs.active} rules in {len(rs.topics)} topics ({', '.join(rs.topics)}), version {rs.version}; {len(report.warnings)} warning(s)")
        return 0
    print(f"refused: {directory}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)", file=sys.stderr)
    return 1


def test(args: argparse.Namespace) -> int:
    """Examples of every rule, then the corpus: precision/recall per topic; 1 on any failure."""
    directory = _directory(args)
    report = check_ruleset(directory)
    example_errors = [p for p in report.errors if "example" in p.message]
    other = [p for p in report.errors if p not in example_errors]
    for p in other:
        print(f"{p}", file=sys.stderr)
    if other:
        return 1
    ruleset = report.ruleset
    if ruleset is None:  # only example failures: a refused rule set has no corpus figures to show
        for p in example_errors:
            print(f"FAIL {p}")
        return 1
    passed = 0
    from ruamel.yaml import YAML

    for path in sorted(directory.glob("*.y*ml")):
        spec = TopicFile.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
        for rule in spec.rules:
            for kind in ("should_match", "should_not_match"):
                for i, ex in enumerate(getattr(rule.examples, kind)):
                    passed += 1
                    if args.verbose:
                        got = [m.rule for m in ruleset.classify(example_article(ex, rule.id)).matches]
                        print(f"ok   {spec.topic}/{rule.id} {kind}[{i + 1}] -> {', '.join(got) or '-'}")
    print(f"examples: {passed} passed, 0 failed")
    corpus_dir = args.corpus or default_corpus_dir()
    if not corpus_dir.is_dir():
        print(f"corpus: {corpus_dir} not found; pass --corpus DIR")
        return 0
    items = load_corpus(corpus_dir)
    result = evaluate(ruleset, items)
    print(f"corpus: {result.total} articles from {corpus_dir}")
    print(f"  {'topic':<14}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for topic, s in sorted(result.topics.items()):
        print(f"  {topic:<14}{s.precision:>10.3f}{s.recall:>8.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}")
    for item, want, got in result.mistakes:
        print(f"  MISS {item.id}: expected [{', '.join(want)}] got [{', '.join(got)}]  {item.title[:60]}")
    return 1 if result.mistakes else 0


def diff(args: argparse.Namespace) -> int:
    """Print the articles that gain (+) or lose (-) topics under the new rules."""
    old, new = load_ruleset(args.old), load_ruleset(args.new)
    if args.file:
        try:
            with open(args.file, encoding="utf-8") as stream:
                articles = [(a.title or a.url or f"line {n}", a) for n, a, _err in read_json_lines(stream) if a is not None]
        except OSError as exc:
            raise ConfigError(f"cannot read {args.file}: {exc.strerror}", hint="pass a JSON-lines file") from None
    else:
        articles = [(f"{i.id}: {i.title}", i.article()) for i in load_corpus(default_corpus_dir())]
    changes = diff_rulesets(old, new, articles)
    for change in changes:
        marks = [f"+{t}" for t in change.gained] + [f"-{t}" for t in change.lost]
        print(f"{' '.join(marks):<30} {change.label[:90]}")
    gained = sum(len(c.gained) for c in changes)
    lost = sum(len(c.lost) for c in changes)
    print(f"{len(changes)} of {len(articles)} articles change: {gained} topic(s) gained, {lost} lost ({old.version} -> {new.version})")
    return 0
