"""Edit a topic file from the browser: check on a copy, save atomically, commit when in git.

An edit is checked exactly as ``pantau rules check`` checks a folder: the
rules folder is copied to a temporary folder with the edited file in place,
so cross-file problems (topic references, duplicate ids) are found too, and
problems are named ``file:line:col`` by the file's own name. Saving writes the
edited text as typed (comments and order are the editor's own), atomically,
after the same check; a save based on an older text than the file now holds
is refused, so two editors cannot silently overwrite each other. The running
LiveRules sees the new file and reloads it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pantau.core.errors import RuleEditRefused
from pantau.streams.classify.loader import check_ruleset, rule_files
from pantau.streams.classify.problems import Problem
from pantau.web.auth import User

__all__ = [
    "EditCheck",
    "Saved",
    "EditRefused",
    "topic_names",
    "read_topic",
    "text_sha",
    "check_edit",
    "proposed_rules",
    "save_edit",
    "git_root",
]

_SAVE_LOCK = threading.Lock()

EditRefused = RuleEditRefused


@dataclass
class EditCheck:
    """The outcome of checking an edited file with the rest of the folder."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    version: str | None = None
    """The rule set version the edit would produce (None when refused)."""
    rules: int = 0


@dataclass(frozen=True)
class Saved:
    """A written edit: the version it makes, the diff, and the commit when the folder is in git."""

    name: str
    version: str
    diff: str
    commit: str | None


def topic_names(directory: Path) -> list[str]:
    """The rule file names of a folder (``cybercrime.yaml``, ...), sorted."""
    return [p.name for p in rule_files(directory)]


def _path(directory: Path, name: str) -> Path:
    # Only names the folder listing gives are accepted: no path tricks from a form field.
    if name not in topic_names(directory):
        raise EditRefused(f"no rule file {name!r} in {directory}", hint="pick a file from the rules page")
    return directory / name


def read_topic(directory: Path, name: str) -> str:
    """The text of one rule file."""
    return _path(directory, name).read_text(encoding="utf-8")


def text_sha(text: str) -> str:
    """A short hash of a file's text: the base an edit started from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@contextmanager
def proposed_rules(directory: Path, name: str, text: str) -> Iterator[Path]:
    """A temporary copy of the rules folder with ``name`` replaced by ``text``."""
    _path(directory, name)
    with tempfile.TemporaryDirectory(prefix="pantau-edit-") as tmp:
        folder = Path(tmp) / "rules"
        folder.mkdir()
        for other in rule_files(directory):
            shutil.copyfile(other, folder / other.name)
        (folder / name).write_text(text, encoding="utf-8")
        yield folder


def _renamed(problems: list[Problem]) -> list[Problem]:
    # The copy's path means nothing to the editor: name each problem by its file name.
    return [Problem(Path(p.file).name, p.line, p.col, p.message, p.hint, p.severity) for p in problems]


def check_edit(directory: Path, name: str, text: str) -> EditCheck:
    """Every located error and warning the folder would have with this edit."""
    with proposed_rules(directory, name, text) as folder:
        report = check_ruleset(folder)
    ruleset = report.ruleset
    return EditCheck(
        _renamed(report.errors),
        _renamed(report.warnings),
        ruleset.version if ruleset is not None else None,
        ruleset.active if ruleset is not None else 0,
    )


def save_edit(directory: Path, name: str, text: str, *, base: str, user: User) -> Saved:
    """Check, then write ``text`` to the rule file and commit it when the folder is in git."""
    text = text.replace("\r\n", "\n")  # browsers post CRLF; the files are LF
    with _SAVE_LOCK:
        path = _path(directory, name)
        current = path.read_text(encoding="utf-8")
        if text_sha(current) != base:
            raise EditRefused(
                f"{name} changed since you opened it", hint="reload the page to see the new text, then edit again"
            )
        checked = check_edit(directory, name, text)
        if checked.errors:
            raise EditRefused(
                f"{name} has {len(checked.errors)} error(s); nothing was saved", hint=str(checked.errors[0])
            )
        diff = "".join(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )
        temp = directory / f".{name}.saving"  # a dot file: the loader ignores it
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
        commit = _commit(directory, path, user) if diff else None
    return Saved(name, checked.version or "", diff, commit)


def git_root(directory: Path) -> Path | None:
    """The git work tree holding ``directory``, or None."""
    if shutil.which("git") is None:
        return None
    proc = subprocess.run(
        ["git", "-C", str(directory), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=10
    )
    return Path(proc.stdout.strip()) if proc.returncode == 0 else None


def _commit(directory: Path, path: Path, user: User) -> str | None:
    """Commit the file as the editor; None when the folder is not in git (a failed commit raises)."""
    root = git_root(directory)
    if root is None:
        return None
    author = f"{user.name} <{user.email or user.name + '@pantau.invalid'}>"
    # The committer is pantau itself: the machine may have no git identity configured.
    base = ["git", "-C", str(root), "-c", "user.name=pantau web", "-c", "user.email=pantau@pantau.invalid"]
    steps = [
        base + ["add", "--", str(path)],
        base
        + [
            "commit",
            "--quiet",
            "--author",
            author,
            "-m",
            f"rules: {path.name} edited on the web page by {user.name}",
            "--",
            str(path),
        ],
        base + ["rev-parse", "HEAD"],
    ]
    out = ""
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, timeout=30)
        if proc.returncode != 0:
            raise EditRefused(
                f"saved {path.name}, but git refused the commit: {proc.stderr.strip()[:300]}",
                hint=f"commit it by hand in {root}",
            )
        out = proc.stdout.strip()
    return out
