"""``pantau rules check|test|diff|backtest``: what editors run before a rule change goes live."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from pantau.cli.classify import add_rules_options, rules_directory
from pantau.core.article import Article
from pantau.core.errors import ConfigError, RulesError
from pantau.streams.classify import check_ruleset, default_rules_dir
from pantau.streams.classify.corpus import default_corpus_dir, diff_rulesets, evaluate, load_corpus, read_json_lines
from pantau.streams.classify.examples import example_article
from pantau.streams.classify.schema import TopicFile

__all__ = ["register", "check", "test", "diff"]

EPILOG = """\
examples:
  pantau rules check                       ./rules if there is one, else the shipped rules
  pantau rules check my-rules/             every error as file:line:col, exit 1 on errors
  pantau rules check rules/asean.yaml      the folder of that file (rules refer to each other)
  pantau rules test                        examples + fixture corpus, precision/recall per topic
  pantau rules test --corpus tests/fixtures/heldout2 --corpus tests/fixtures/devset3
  pantau rules diff rules/ my-rules/       which corpus articles gain or lose topics, and why
  pantau rules diff rules/ my-rules/ articles.jsonl
  pantau rules backtest --rules my-rules/  what the edit would have alerted over the archive
  pantau rules train                       teach the judge again from the labelled folders
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``rules`` and its sub-commands to the command line."""
    parser = subparsers.add_parser(
        "rules",
        help="check, test and compare topic rule files",
        description="Check, test and compare the YAML topic rules before they go live.",
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTION")
    p = sub.add_parser(
        "check",
        help="report every error (file:line:col) and warning",
        description="Validate a rules directory; exit 1 when it has errors.",
        epilog=EPILOG,
    )
    p.add_argument(
        "directory",
        nargs="?",
        type=Path,
        help="rules folder, or one rule file for its folder (default: ./rules if it exists, else the shipped rules)",
    )
    add_rules_options(p)
    p.set_defaults(handler=check)
    p = sub.add_parser(
        "test",
        help="run rule examples and the labelled corpus",
        description="Run every rule's examples and the labelled corpus; print precision and recall per topic.",
        epilog=EPILOG,
    )
    p.add_argument("directory", nargs="?", type=Path, help="rules directory (default: the shipped rules/)")
    p.add_argument(
        "--corpus",
        type=Path,
        action="append",
        metavar="DIR",
        help="labelled corpus directory; repeat for several (default: rules/corpus)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="list every example, not only failures")
    add_rules_options(p)
    p.set_defaults(handler=test)
    p = sub.add_parser(
        "diff",
        help="articles that gain or lose topics between two rule sets",
        description="Compare two rule directories on a set of articles.",
        epilog=EPILOG,
    )
    p.add_argument("old", type=Path, help="rules directory in force")
    p.add_argument("new", type=Path, help="edited rules directory")
    p.add_argument("file", nargs="?", help="JSON-lines articles (default: the labelled corpus)")
    p.set_defaults(handler=diff)
    from pantau.cli.rules_backtest import add_subcommand as add_backtest  # an edit replayed over the archive
    from pantau.cli.rules_review import add_subcommands as add_review  # what the desk's verdicts say

    add_backtest(sub)
    add_review(sub)
    from pantau.cli.rules_train import add_subcommand  # the judge, trained from labelled folders

    add_subcommand(sub)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _directory(args: argparse.Namespace) -> Path:
    """The rules folder to work on, after saying which one and why (a rule file means its folder)."""
    given = args.directory
    if given is not None and given.is_file() and given.suffix not in (".yaml", ".yml"):
        raise ConfigError(
            f"{given} is a file, not a rules folder",
            hint="pass the folder holding the *.yaml rule files, or one of those files",
        )
    if given is not None and given.is_file():
        directory, why = given.parent, f"the folder of {given.name}: rules use lists and topics of the other files"
    elif given is not None:
        directory, why = given, ""
    elif args.rules is not None or args.config is not None:
        directory = rules_directory(args.rules, args.config)
        why = "" if args.rules is not None else f"the rules: of {args.config}"
    elif Path("rules").is_dir():
        directory, why = Path("rules"), "no folder given, and ./rules exists"
    else:
        directory, why = default_rules_dir(), "the rules shipped with pantau: no folder given and no ./rules here"
    print(f"checking {directory}" + (f" ({why})" if why else ""))
    return directory


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
        print(
            f"ok: {directory}: {rs.active} rules in {len(rs.topics)} topics ({', '.join(rs.topics)}), "
            f"version {rs.version}; {len(report.warnings)} warning(s)"
        )
        return 0
    print(f"refused: {directory}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)", file=sys.stderr)
    return 1


def test(args: argparse.Namespace) -> int:
    """Examples of every rule, then the corpus: precision/recall per topic; 1 on any failure."""
    corpora = args.corpus or [default_corpus_dir()]
    for corpus_dir in corpora:
        if not corpus_dir.is_dir():  # before the examples: a typo in the path should not wait for them
            what = "is not a folder" if corpus_dir.exists() else "does not exist"
            raise ConfigError(
                f"corpus {corpus_dir} {what}",
                hint="pass --corpus with a folder of labelled *.yaml articles, "
                "like rules/corpus (leave it out to use that one)",
            )
    directory = _directory(args)
    report = check_ruleset(directory)
    # compiled but refused: every error is a failing example
    example_errors = report.errors if report.compiled is not None else []
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
    status = 0
    for corpus_dir in corpora:
        status |= _score_corpus(ruleset, corpus_dir)
    return status


def _score_corpus(ruleset, corpus_dir: Path) -> int:
    """Precision/recall per topic on one labelled directory, then its mistakes; 1 when there are mistakes."""
    items = load_corpus(corpus_dir)
    result = evaluate(ruleset, items)
    print(f"corpus: {result.total} articles from {corpus_dir}")
    print(f"  {'topic':<14}{'precision':>10}{'recall':>8}{'f1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for topic, s in sorted(result.topics.items()):
        f1 = 2 * s.precision * s.recall / (s.precision + s.recall) if s.precision + s.recall else 0.0
        print(f"  {topic:<14}{s.precision:>10.3f}{s.recall:>8.3f}{f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}")
    for item, want, got in result.mistakes:
        print(f"  MISS {item.id}: expected [{', '.join(want)}] got [{', '.join(got)}]  {item.title[:60]}")
    return 1 if result.mistakes else 0


def diff(args: argparse.Namespace) -> int:
    """Print the articles that gain (+) or lose (-) topics under the new rules, and the term behind each.

    The edited rules are compared even when some of their own examples now fail (those are listed
    after the diff, and make the exit status 1: the edit would be refused live as it stands).
    """
    try:
        old, _ = _compiled(args.old)
        new, failing = _compiled(args.new)
    except RulesError as exc:
        for problem in exc.problems:
            print(f"{problem}", file=sys.stderr)
        print(f"refused: {len(exc.problems)} error(s); `pantau rules check` explains each", file=sys.stderr)
        return 1
    articles = _articles(args.file)
    changes = diff_rulesets(old, new, articles)
    for change in changes:
        marks = [f"+{t}" for t in change.gained] + [f"-{t}" for t in change.lost]
        print(f"{' '.join(marks):<30} {change.label[:90]}")
        for reason in change.why:
            print(f"    {reason}")
    gained = sum(len(c.gained) for c in changes)
    lost = sum(len(c.lost) for c in changes)
    print(
        f"{len(changes)} of {len(articles)} articles change: {gained} topic(s) gained, {lost} lost "
        f"({old.version} -> {new.version})"
    )
    if failing:
        print(f"\n{len(failing)} example(s) of the edited rules now fail; they would refuse the edit live:")
        for problem in failing:
            print(f"  {problem}")
        return 1
    return 0


def _compiled(directory: Path):
    """A folder's rule set and its failing examples (a set that does not compile raises RulesError)."""
    report = check_ruleset(directory)
    if report.ruleset is not None:
        return report.ruleset, []
    if report.compiled is not None:
        return report.compiled, report.errors
    raise RulesError(report.errors, directory=str(directory))


_ONE_PER_LINE = "pass a JSON-lines file, one article per line"


def _articles(file: str | None) -> list[tuple[str, Article]]:
    """The articles to compare on: a JSON-lines file (every line must be an article) or the corpus."""
    if not file:
        return [(f"{i.id}: {i.title}", i.article()) for i in load_corpus(default_corpus_dir())]
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {file}: {exc.strerror or exc}", hint=_ONE_PER_LINE) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file} is not UTF-8 text (byte {exc.start})", hint=_ONE_PER_LINE) from None
    articles: list[tuple[str, Article]] = []
    errors: list[str] = []
    for n, article, error in read_json_lines(io.StringIO(text)):
        if article is None:
            errors.append(f"{file}:{n}: {error.removeprefix(f'line {n}: ')}")
        else:
            articles.append((article.title or article.url or f"line {n}", article))
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        raise ConfigError(
            f"{len(errors)} malformed line(s) in {file}; nothing compared",
            hint='each line must be one JSON article, e.g. {"title": "...", "content": "..."}',
        )
    return articles
