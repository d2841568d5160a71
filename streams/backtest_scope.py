"""Backtest scope: which topics a rule edit can change, and a rule set that classifies only those.

An editor's change is nearly always one topic file. The other topics judge
every article exactly as the running set did (their matches are already in
the archive), so a backtest need only classify the edited topics again::

    scope = edit_scope(config.rules, proposed_dir)      # None: classify with the whole proposed set
    backtest(rows, running, proposed, scope=scope, ...)

A topic is in scope when its file was changed, added or removed, or when its
file names a topic in scope (``topic: cybercrime`` in a query, a shared list
``@north-korea.dprk``): the file text is searched for the topic id, which can
only over-include. The scope's rule set holds those topics and every topic
their files name (so references and shared lists resolve); only the in-scope
topics' matches are taken from it. The judge (rules/judge) reviews each topic
on that topic's matches alone, so it comes along; a changed judge means every
topic may change (no scope). Anything unexpected (a file that does not
load on its own, an unreadable file) gives no scope: the whole set is used.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from pantau.core.errors import RulesError
from pantau.streams.classify import RuleSet, load_ruleset
from pantau.streams.classify.loader import fingerprint, judge_files, rule_files

__all__ = ["Scope", "edit_scope"]


@dataclass(frozen=True)
class Scope:
    """The topics an edit can change (``topics``), judged by ``ruleset``; valid over matches of ``base``."""

    base: str
    """The version of the unedited rule set: the scope holds for matches that set made."""
    topics: frozenset[str]
    ruleset: RuleSet | None
    """Classifies the topics in scope (and those they name); None when the edit only removed topics."""

    def applies(self, version: str) -> bool:
        """True when matches made by rule set ``version`` can be completed with this scope's classification."""
        return version == self.base


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in rule_files(directory)}


def _judge_files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in judge_files(directory)}


def _topic(raw: bytes, name: str) -> str:
    try:
        tree = YAML(typ="safe").load(raw.decode("utf-8"))
    except Exception:  # a file the loader refuses never gets this far; the stem is a safe guess
        return Path(name).stem
    topic = tree.get("topic") if isinstance(tree, dict) else None
    return str(topic) if topic else Path(name).stem


def _mentions(text: str, topic: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(topic)}(?![\w-])", text) is not None


def edit_scope(running_dir: Path, proposed_dir: Path) -> Scope | None:
    """The scope of replacing the rules in ``running_dir`` by those in ``proposed_dir``; None when it is everything."""
    try:
        before, after = _files(Path(running_dir)), _files(Path(proposed_dir))
    except OSError:
        return None
    base = fingerprint(Path(running_dir))
    if base is None:
        return None
    if _judge_files(Path(running_dir)) != _judge_files(Path(proposed_dir)):
        return None  # a new judge may change any topic's verdicts
    topics = {name: _topic(raw, name) for name, raw in after.items()}
    texts = {name: raw.decode("utf-8", "replace") for name, raw in after.items()}
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    in_scope = {topics.get(name) or _topic(before[name], name) for name in changed}
    grown = True
    while grown:  # topics whose files name a topic in scope are in scope too
        grown = False
        for name, topic in topics.items():
            if topic not in in_scope and any(_mentions(texts[name], t) for t in in_scope):
                in_scope.add(topic)
                grown = True
    if set(topics.values()) <= in_scope:
        return None  # every topic changes: the whole proposed set is the scope
    needed = {name for name, topic in topics.items() if topic in in_scope}
    grown = True
    while grown:  # and the topics those files name, so their references and lists resolve
        grown = False
        for name, topic in topics.items():
            if name not in needed and any(_mentions(texts[n], topic) for n in needed):
                needed.add(name)
                grown = True
    if not needed:
        return Scope(base=base, topics=frozenset(in_scope), ruleset=None)
    with tempfile.TemporaryDirectory(prefix="pantau-scope-") as tmp:
        folder = Path(tmp) / "rules"
        folder.mkdir()
        for name in needed:
            shutil.copyfile(Path(proposed_dir) / name, folder / name)
        if (Path(proposed_dir) / "judge").is_dir():  # the judge reviews each topic on its own matches
            shutil.copytree(Path(proposed_dir) / "judge", folder / "judge")
        try:
            ruleset = load_ruleset(folder)
        except RulesError:
            return None
    return Scope(base=base, topics=frozenset(in_scope), ruleset=ruleset)
