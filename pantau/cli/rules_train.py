"""``pantau rules train``: teach the judge (the rules' learned second opinion) from labelled articles."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pantau.core.errors import ConfigError, RulesError
from pantau.streams.classify.judge import MODEL_FILE
from pantau.streams.classify.judge_train import SETTINGS_FILE, read_settings, train, training_items, write_model
from pantau.streams.classify.loader import check_ruleset

__all__ = ["add_subcommand", "handle_train"]

EPILOG = """\
The judge learns from the labelled folders listed under `train:` in
<rules>/judge/judge.yaml (paths relative to that file) and writes
<rules>/judge/model.npz. A running pantau picks the new model up like any
rule edit. Train again whenever labelled articles are added or relabelled:
`make test` fails while the model is older than its articles.

examples:
  pantau rules train                 the ./rules folder (or the shipped one)
  pantau rules train my-rules/       another rules folder with a judge/ folder
"""


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Add ``rules train`` to the ``rules`` sub-commands."""
    p = sub.add_parser(
        "train",
        help="train the judge from the labelled folders its settings list",
        description="Train the judge: per-topic models that confirm or overrule the rules (see rules/README.md).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("directory", nargs="?", type=Path, help="rules folder (default: ./rules if it exists)")
    p.set_defaults(handler=handle_train)


def handle_train(args: argparse.Namespace) -> int:
    """Train and write the judge model; print what it learned from and how long it took."""
    directory = args.directory or (Path("rules") if Path("rules").is_dir() else None)
    if directory is None or not (directory / "judge" / SETTINGS_FILE).is_file():
        where = directory / "judge" / SETTINGS_FILE if directory is not None else "./rules/judge/judge.yaml"
        raise ConfigError(
            f"no judge settings at {where}",
            hint="create it with `topics:` (each topic's veto and alone bars) and `train:` (labelled folders)",
        )
    settings = read_settings(directory / "judge")
    # The rules themselves, not the old model: training replaces a model this pantau cannot read.
    report = check_ruleset(directory, located=True)
    if report.compiled is None:
        raise RulesError(report.errors, directory=str(directory))
    topics = report.compiled.topics
    began = time.perf_counter()
    items = training_items(settings)
    print(f"training on {len(items)} labelled articles from {len(settings.train)} folders", file=sys.stderr)
    arrays, meta = train(items, topics, progress=lambda m: print(f"  {m}", file=sys.stderr))
    write_model(directory / "judge" / MODEL_FILE, arrays, meta)
    print(
        f"wrote {directory / 'judge' / MODEL_FILE} ({meta['fingerprint']}, "
        f"{time.perf_counter() - began:.0f} s); positives: "
        + ", ".join(f"{t} {n}" for t, n in meta["positives"].items())
    )
    return 0
