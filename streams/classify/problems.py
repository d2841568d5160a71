"""Located problems in rule files: ``file:line:col: message`` with a fix.

Editors are not programmers, so every problem names the file, the line and
column (1-based, as editors show them), what is wrong, the offending value,
and what to write instead. Errors refuse the rule set; warnings are advice.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from pantau.streams.classify.engine import RuleSet

__all__ = ["Problem", "Report", "RuleFile", "Loc", "locate", "did_you_mean"]

Loc = tuple[str | int, ...]
"""A place in a rule file's tree: mapping keys and list indexes, from the top."""


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning at a place in a rule file."""

    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        fix = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{self.line}:{self.col}: {self.message}{fix}"

    @property
    def is_error(self) -> bool:
        """True for problems that refuse the rule set (warnings only advise)."""
        return self.severity == "error"


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def locate(root: Any, path: Loc, *, key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of the node at ``path`` in a ruamel round-trip tree.

    ``key=True`` points at the mapping key itself (for unknown fields); paths
    that run past the tree point at the deepest node that exists.
    """
    node = root
    pos = (node.lc.line, node.lc.col) if hasattr(node, "lc") else (0, 0)
    for i, step in enumerate(path):
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, list) and isinstance(step, int) and step < len(node):
                pos = lc.item(step) if lc else pos
            elif isinstance(node, dict) and step in node:
                pos = (lc.key(step) if key and i == len(path) - 1 else lc.value(step)) if lc else pos
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
        node = node[step]
    return pos[0] + 1, pos[1] + 1


@dataclass
class Report:
    """The outcome of checking a rules directory: a rule set only when there are no errors."""

    ruleset: RuleSet | None
    """The compiled RuleSet, only when there are no errors."""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    compiled: RuleSet | None = None
    """The compiled RuleSet even when only its examples fail (``rules diff`` previews it); None otherwise."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent reading/validating (``parse``), compiling and running examples."""


@dataclass
class RuleFile:
    """A rule file that passed the schema (its invalid rules left out), with its YAML tree."""

    path: Path
    name: str
    tree: Any
    spec: Any
    """The validated TopicFile."""
    rule_index: list[int]
    """Position in the file of each rule in ``spec.rules`` (rules with schema errors are left out)."""
