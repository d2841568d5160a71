"""Validation errors of YAML files users write, located as ``file:line:col``.

pantau.yaml and feed lists are validated by pydantic models with unknown keys
forbidden; this turns pydantic's error locations into the marks ruamel keeps
on round-trip loaded YAML, and unknown keys into "did you mean" hints.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]
"""A place in a YAML tree: mapping keys and list indexes, from the top."""

__all__ = ["describe", "locate", "fields_at", "kind_of", "plain_message"]

_KINDS = (
    (bool, "true/false"),
    (dict, "a mapping"),
    (list, "a list"),
    (str, "text"),
    (int, "a number"),
    (float, "a number"),
    (type(None), "nothing"),
)


def kind_of(value: Any) -> str:
    """What a YAML value is, in a user's words: "a list", "a mapping", "text" (never ``CommentedSeq``)."""
    for kind, words in _KINDS:
        if isinstance(value, kind):
            return words
    return "a value of another kind"


_PLAIN = (
    (re.compile(r"a valid dictionary or instance of \w+"), "a mapping of fields (key: value)"),
    (re.compile(r"not a valid path for <class '[\w.]+'>"), "not a file path"),
    (re.compile(r"<class '(?:[\w]+\.)*(\w+)'>"), r"\1"),
)


def plain_message(message: str) -> str:
    """A pydantic message without internal class names and its "Value error, " prefix."""
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    for pattern, words in _PLAIN:
        message = pattern.sub(words, message)
    return message


def locate(path: Path, data: Any, loc: Loc) -> str:
    """Turn a location of keys and indexes into ``file:line:col`` using ruamel's marks."""
    node, line, col = data, None, None
    for key in loc:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None and isinstance(key, str) and key in node:
                line, col = lc.key(key)
            elif lc is not None and isinstance(key, int):
                line, col = lc.item(key)
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    if line is None or col is None:
        return str(path)
    return f"{path}:{line + 1}:{col + 1}"


def _members(ann: Any) -> list[Any]:
    """The models of a (possibly Annotated) union, or [] when ``ann`` is not one."""
    while get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    return [a for a in get_args(ann) if isinstance(a, type) and issubclass(a, BaseModel)]


def fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Known field names of the model found at ``loc`` below ``model``."""
    current: Any = model
    keyed = False  # the previous field was a list or mapping: this key is an index or a name
    for key in loc:
        if keyed or isinstance(key, int):
            keyed = False
            continue
        tagged = {m.model_fields["type"].default: m for m in _members(current) if "type" in m.model_fields}
        if key in tagged:  # a discriminated union's tag: the member it names
            current = tagged[key]
            continue
        field = getattr(current, "model_fields", {}).get(key)
        if field is None:
            return []
        ann = field.annotation
        inner = getattr(ann, "__args__", None)
        keyed = getattr(ann, "__origin__", None) in (list, dict)
        current = inner[-1] if inner else ann
    return list(getattr(current, "model_fields", {}).keys())


def _untagged(data: Any, loc: Loc) -> Loc:
    """``loc`` without the tags pydantic inserts for a discriminated union (``destinations.x.slack.url``)."""
    out, node = [], data
    for key in loc:
        if isinstance(node, dict) and isinstance(key, str) and key not in node and node.get("type") == key:
            continue
        out.append(key)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(out)


def describe(
    exc: ValidationError,
    path: Path,
    data: Any,
    model: type[BaseModel],
    *,
    prefix: Loc = (),
    quiet: frozenset[str] = frozenset(),
) -> str:
    """One ``file:line:col: message`` line per error; ``prefix`` places ``model`` inside ``data``.

    Values are echoed only when scalar and not under a key in ``quiet`` (a
    whole mapping there would print SMTP passwords and webhook secrets).
    """
    lines = []
    for err in exc.errors():
        tagged = tuple(err["loc"])
        loc = _untagged(data, prefix + tagged)[len(prefix) :]
        if err["type"] in ("union_tag_not_found", "union_tag_invalid"):
            loc += (err.get("ctx", {}).get("discriminator", "'type'").strip("'"),)
        where = locate(path, data, prefix + loc)
        dotted = ".".join(str(p) for p in prefix + loc)
        if err["type"] == "extra_forbidden":
            parent = ".".join(str(p) for p in prefix + loc[:-1])
            msg = f"unknown field {loc[-1]!r}" + (f" in {parent}" if parent else "")
            close = difflib.get_close_matches(str(loc[-1]), fields_at(model, tagged[:-1]), n=1)
            if close:
                msg += f" (did you mean {close[0]!r}?)"
        elif err["type"] == "union_tag_not_found":
            msg = f"{dotted}: Field required"
        elif err["type"] == "union_tag_invalid":
            ctx = err.get("ctx", {})
            msg = f"{dotted}: Input should be one of {ctx.get('expected_tags', '')} (got {ctx.get('tag')!r})"
        else:
            text = plain_message(err["msg"])
            msg = f"{dotted}: {text}" if dotted else text
            given = err.get("input")
            if quiet.intersection(map(str, prefix + loc)):
                pass  # a whole destination could print SMTP passwords and webhook secrets
            elif isinstance(given, (dict, list)) or given is None:
                if err["type"] not in ("missing",) and "got" not in text:
                    msg += f" (got {kind_of(given)})"
            elif repr(given) not in text:  # validators often quote the value already: say it once
                msg += f" (got {given!r})"
        lines.append(f"{where}: {msg}")
    return "\n".join(lines)
