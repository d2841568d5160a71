"""Read one rule file: its YAML to a tree, the tree to a TopicFile, every problem located.

The loader reads a directory; this is what it does with each file's bytes. Two
YAML readers: libyaml without positions for a reload that is probably fine, and
ruamel's pure reader with line and column marks for the editor's report. Invalid
rules are set aside so the valid ones of the same file are still checked in the
same pass.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from pantau.streams.classify.problems import Problem, Report, RuleFile, locate
from pantau.streams.classify.schema import TopicFile
from pantau.streams.classify.validate import schema_problems

__all__ = ["display_name", "read_rule_file"]


def display_name(path: Path) -> str:
    """A file's name as an editor is shown it: relative to the working folder when under it, else absolute."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def read_rule_file(path: Path, raw: bytes, report: Report, located: bool) -> RuleFile | None:
    """One rule file's bytes as a RuleFile of its valid rules, each problem added to ``report``; else None."""
    name = display_name(path)
    # libyaml (the fast reader) takes a tab where ruamel's pure reader, which `pantau rules check` uses,
    # refuses it ("biggest<TAB>" at a line end): a file with a tab is read by the pure reader both ways,
    # so a live reload never accepts what the check refuses.
    yaml = YAML(typ="rt" if located else "safe", pure=located or b"\t" in raw)
    yaml.preserve_quotes = True
    try:
        tree = yaml.load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        report.errors.append(Problem(name, 1, 1, f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8"))
        return None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.errors.append(
            Problem(name, line, col, f"YAML syntax: {what}", "check the indentation, colons and quotes on this line")
        )
        return None
    except Exception as exc:  # the YAML library fails outside its own error type on some input (``%YAML 9.9``)
        report.errors.append(
            Problem(
                name,
                1,
                1,
                f"YAML cannot be read: {type(exc).__name__}: {exc}",
                "look for a line starting with % or ! that is not part of the rules, or undo the last edit",
            )
        )
        return None
    if not isinstance(tree, dict):
        report.errors.append(
            Problem(name, 1, 1, "the file must be a mapping with topic:, title:, owner:, rules:", "see rules/README.md")
        )
        return None
    try:
        spec, kept = TopicFile.model_validate(tree), list(range(len(tree.get("rules") or [])))
    except ValidationError as exc:
        report.errors.extend(schema_problems(exc, tree, name))
        partial = _without_bad_rules(tree, exc)
        if partial is None:
            return None
        spec, kept = partial
    if spec.topic != path.stem:
        line, col = locate(tree, ("topic",))
        report.errors.append(
            Problem(
                name,
                line,
                col,
                f"topic {spec.topic!r} does not match the file name {path.name!r}",
                f"write topic: {path.stem}, or rename the file",
            )
        )
    return RuleFile(path, name, tree, spec, kept)


def _without_bad_rules(tree: Any, exc: ValidationError) -> tuple[TopicFile, list[int]] | None:
    """The file without its invalid rules, so the valid ones still get checked in this pass."""
    bad: set[int] = set()
    for err in exc.errors():
        loc = err["loc"]
        if len(loc) < 2 or loc[0] != "rules" or not isinstance(loc[1], int):
            return None  # a file-level problem: nothing sensible to check further
        bad.add(loc[1])
    rules = tree.get("rules") or []
    kept = [i for i in range(len(rules)) if i not in bad]
    if not kept:
        return None
    data = {k: v for k, v in tree.items() if k != "rules"}
    data["rules"] = [rules[i] for i in kept]
    try:
        return TopicFile.model_validate(data), kept
    except ValidationError:
        return None
