"""Schema errors in editors' words: pydantic's findings, located and with a fix."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pantau.streams.classify.problems import Loc, Problem, did_you_mean, locate
from pantau.streams.classify.schema import ExampleSpec, ExamplesSpec, RuleSpec, TermListSpec, TermSpec, TopicFile

__all__ = ["schema_problems", "model_at"]

# Union branches and validator names that pydantic puts in error locations.
_TYPE_STEP = re.compile(
    r"^(str|int|float|bool|none|[A-Z]\w*|list\[.*\]|dict\[.*\]|function-.*|literal\[.*\]|lax-.*|strict-.*)$"
)


# Words editors bring from other tools, and where that idea lives in pantau rules.
_RULE_SYNONYMS = {
    "keywords": "put the terms under any: (one is enough), all: (every one) or none: (none may appear)",
    "terms": "named term lists go at the top of the file under terms:; a rule lists them under any:/all:/none:",
    "include": "write the terms under any:",
    "exclude": "write the terms under none:",
    "must": "write the terms under all:",
    "weight": "weights belong to a term ({term: x, weight: 2}) or a named list under terms:",
    "language": "write languages: [id, en]",
}


def model_at(loc: Loc) -> type[BaseModel] | None:
    """The schema model that owns the mapping at ``loc`` (a cleaned location)."""
    if not loc:
        return TopicFile
    if loc[0] == "rules" and len(loc) >= 2:
        rest = loc[2:]
        if not rest:
            return RuleSpec
        if rest[0] in ("any", "all", "none") and len(rest) == 2:
            return TermSpec
        if rest[0] == "examples":
            return ExamplesSpec if len(rest) == 1 else ExampleSpec
    if loc[0] == "terms" and len(loc) == 2:
        return TermListSpec
    if loc[0] == "terms" and len(loc) >= 3:
        return TermSpec
    return None


def _clean(loc: Loc) -> Loc:
    return tuple(step for step in loc if not (isinstance(step, str) and _TYPE_STEP.match(step)))


def schema_problems(exc: ValidationError, tree: Any, file: str) -> list[Problem]:
    """One located problem per distinct place pydantic complained about."""
    errors = [(_clean(e["loc"]), e) for e in exc.errors(include_url=False)]
    # A union (text or mapping) reports every branch: keep the deepest explanation per place.
    keep: dict[Loc, ErrorDetails] = {}
    for loc, err in errors:
        if any(other[: len(loc)] == loc and len(other) > len(loc) for other, _ in errors):
            continue
        keep.setdefault(loc, err)
    problems: list[Problem] = []
    for loc, err in keep.items():
        message, hint = _describe(loc, err)
        line, col = locate(tree, loc, key=err["type"] == "extra_forbidden")
        if err["type"] == "missing":
            line, col = locate(tree, loc[:-1])
        problems.append(Problem(file, line, col, message, hint))
    return problems


def _describe(loc: Loc, err: ErrorDetails) -> tuple[str, str]:
    kind, value = err["type"], err.get("input")
    name = str(loc[-1]) if loc else "file"
    where = ".".join(str(s) for s in loc)
    if kind == "extra_forbidden":
        model = model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        guess = did_you_mean(name, allowed)
        if not guess and model is RuleSpec:
            synonym = did_you_mean(name, _RULE_SYNONYMS)
            if synonym:
                meant = synonym.split("'")[1]
                return f"unknown field '{name}'{synonym}", f"{meant} is not a field: {_RULE_SYNONYMS[meant]}"
        return f"unknown field '{name}'{guess}", f"allowed here: {', '.join(allowed)}"
    if kind == "missing":
        return f"missing required field '{name}'", f"add `{name}:` here"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        return (
            f"{_parent_name(loc)} {value!r} is not allowed{did_you_mean(value, choices)}",
            f"use one of: {', '.join(choices)}",
        )
    if kind == "string_pattern_mismatch":
        slug = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "my-rule"
        return f"{name} {value!r} may contain only lower-case letters, digits and hyphens", f"write e.g. {slug}"
    if kind in ("too_short", "string_too_short"):
        return f"'{name}' must not be empty", "write at least one entry"
    if kind in ("greater_than", "greater_than_equal", "less_than_equal"):
        return f"{name} {value!r}: {err['msg'].lower()}", "change the number"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = "a list (lines starting with '- ')" if kind == "list_type" else "a mapping (key: value lines)"
        return f"{where or 'file'} must be {wanted}, got {_kind(value)} {_short(value)}", f"write {name} as {wanted}"
    if kind in ("string_type",):
        return f"{where} must be text, got {_short(value)}", "quote the value"
    return f"{where}: {err['msg']} (got {_short(value)})", "fix the value"


def _parent_name(loc: Loc) -> str:
    for step in reversed(loc):
        if isinstance(step, str):
            return step
    return "value"


def _kind(value: Any) -> str:
    """What an editor wrote, in their words (not ``CommentedSeq`` or ``NoneType``)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) < 60 else text[:57] + "..."
