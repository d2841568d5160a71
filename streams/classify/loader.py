"""Load a rules directory: read, validate, compile, check examples, in one pass.

Every problem in every file is collected before anything is refused, so an
editor sees the whole list at once (``pantau rules check``), and a live reload
refuses a broken edit with the same located messages.
"""

from __future__ import annotations

import gc
import hashlib
import time
from pathlib import Path

from pantau.core.errors import RulesError
from pantau.core.logs import get_logger
from pantau.streams.classify.build import build_ruleset
from pantau.streams.classify.engine import RuleSet
from pantau.streams.classify.examples import check_examples
from pantau.streams.classify.judge import MODEL_FILE, Judge, load_judge
from pantau.streams.classify.judge_train import SETTINGS_FILE, read_settings
from pantau.streams.classify.problems import Problem, Report, RuleFile
from pantau.streams.classify.rule_file import display_name, read_rule_file

__all__ = ["Report", "check_ruleset", "load_ruleset", "rule_files", "fingerprint"]

log = get_logger(component="rules")


# Parsed files by (path, content hash, located, display name): a reload -- and the located second pass of a
# refused one -- re-reads only the files an editor changed. Trees are read, never modified, after parsing.
_PARSED: dict[tuple[str, str, bool, str], RuleFile] = {}


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory (``*.yaml``/``*.yml``), sorted by name."""
    return sorted(
        p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith(".")
    )


def judge_files(directory: Path) -> list[Path]:
    """The judge's files of a rules directory that exist (settings, model): they are part of its version."""
    folder = Path(directory) / "judge"
    return [p for p in (folder / SETTINGS_FILE, folder / MODEL_FILE) if p.is_file()]


def fingerprint(directory: Path) -> str | None:
    """The version the files in ``directory`` would load as (a content hash), or None if unreadable."""
    digest = hashlib.sha256()
    try:
        for path in [*rule_files(Path(directory)), *judge_files(Path(directory))]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()[:12]


def load_ruleset(directory: Path) -> RuleSet:
    """Load and compile a rules directory; raises RulesError listing every located error.

    Valid sets take the fast path (libyaml parser, no positions); only a set
    with errors is read again with positions, so reloads of large sets stay fast.
    """
    report = check_ruleset(directory, located=False)
    if report.errors:
        report = check_ruleset(directory)
        if not report.errors and report.ruleset is not None:
            # The two YAML readers disagree on a few exotic characters (a NEL, U+0085, is a line
            # break to libyaml, not to ruamel's pure reader): the located reader is what
            # `pantau rules check` shows editors, so it has the last word.
            return report.ruleset
        raise RulesError(
            report.errors or [Problem(str(directory), 1, 1, "rule set changed while loading")], directory=str(directory)
        )
    assert report.ruleset is not None
    return report.ruleset


def check_ruleset(directory: Path, *, located: bool = True) -> Report:
    """Every error and warning of a rules directory, and the rule set if it is valid.

    ``located=False`` skips the line/column bookkeeping (and warnings): for loading, not for editors.
    """
    collecting = gc.isenabled()
    gc.disable()  # loading allocates ~10 objects per term; the cycle collector would rescan them all, repeatedly
    try:
        return _check(Path(directory), located)
    except Exception as exc:  # never a traceback, never a dead watcher: a refusal naming the directory
        log.error("rules_check_crashed", directory=str(directory), error=repr(exc), exc_info=exc)
        problem = Problem(
            str(directory),
            1,
            1,
            f"the rules could not be checked: {type(exc).__name__}: {exc}",
            "undo the last edit; if the rules look right, report this as a pantau bug",
        )
        return Report(None, errors=[problem])
    finally:
        if collecting:
            gc.enable()


def _check(directory: Path, located: bool) -> Report:
    report = Report(None)
    if not directory.is_dir():
        report.errors.append(
            Problem(
                str(directory),
                1,
                1,
                f"rules directory {str(directory)!r} does not exist",
                "pass the directory holding the *.yaml rule files",
            )
        )
        return report
    paths = rule_files(directory)
    if not paths:
        report.errors.append(
            Problem(
                str(directory),
                1,
                1,
                "no rule files (*.yaml) in the directory",
                "add one file per topic, e.g. cybercrime.yaml",
            )
        )
        return report
    digest = hashlib.sha256()
    files: list[RuleFile] = []
    began = time.perf_counter()
    fresh: dict[tuple[str, str, bool, str], RuleFile] = {}
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as exc:  # deleted or replaced while we read, or unreadable
            report.errors.append(
                Problem(
                    display_name(path),
                    1,
                    1,
                    f"cannot read the file: {exc.strerror or exc}",
                    "check that it exists and is readable",
                )
            )
            continue
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        # Keyed by mode and display name too: a located parse keeps line/column marks and file names as shown.
        cache_key = (str(path.resolve()), hashlib.sha256(raw).hexdigest(), located, display_name(path))
        parsed = _PARSED.get(cache_key)
        if parsed is None:
            errors_before = len(report.errors)
            parsed = read_rule_file(path, raw, report, located)
            if parsed is not None and len(report.errors) == errors_before:
                fresh[cache_key] = parsed  # only clean files: a file's own errors are found again next time
        else:
            fresh[cache_key] = parsed
        if parsed is not None:
            files.append(parsed)
    for key in [k for k in _PARSED if k[2] == located and Path(k[0]).parent == directory.resolve()]:
        del _PARSED[key]  # forget this directory's old versions
    _PARSED.update(fresh)
    judge_raw: dict[str, bytes] = {}
    for path in judge_files(directory):
        try:
            judge_raw[path.name] = path.read_bytes()
        except OSError as exc:
            report.errors.append(Problem(display_name(path), 1, 1, f"cannot read the file: {exc.strerror or exc}", ""))
            continue
        digest.update(path.name.encode() + b"\0" + judge_raw[path.name] + b"\0")
    version = digest.hexdigest()[:12]
    report.timings["parse"] = time.perf_counter() - began
    began = time.perf_counter()
    ruleset = build_ruleset(files, version, report, str(directory), located)
    report.timings["compile"] = time.perf_counter() - began
    began = time.perf_counter()
    if ruleset is not None and not report.errors:
        report.compiled = ruleset
        check_examples(files, ruleset, report)
    report.timings["examples"] = time.perf_counter() - began
    report.errors.sort()
    report.warnings.sort()
    if ruleset is not None and not report.errors and MODEL_FILE in judge_raw:
        # After the examples: they test the rules themselves, the judge is a second opinion on stories.
        ruleset.judge = _judge(directory, judge_raw, report)
    if not report.errors:
        report.ruleset = ruleset
    if not located:
        report.warnings = []
    return report


_JUDGES: dict[str, Judge] = {}
"""Loaded judges by the hash of their files: a rule edit reloads the rules, not the model."""


def _judge(directory: Path, raw: dict[str, bytes], report: Report) -> Judge | None:
    key = hashlib.sha256(b"\0".join(raw[k] for k in sorted(raw))).hexdigest()
    if key in _JUDGES:
        return _JUDGES[key]
    folder = directory / "judge"
    try:
        settings = read_settings(folder) if SETTINGS_FILE in raw else None
        judge = load_judge(folder / MODEL_FILE, settings.thresholds if settings else {})
    except RulesError as exc:
        report.errors.extend(exc.problems)
        return None
    except (OSError, ValueError, KeyError) as exc:
        hint = "train it again with `pantau rules train`, or delete the judge folder to let the rules alone decide"
        report.errors.append(Problem(display_name(folder / MODEL_FILE), 1, 1, f"unusable judge model: {exc}", hint))
        return None
    _JUDGES.clear()  # one model in memory at a time
    _JUDGES[key] = judge
    return judge
