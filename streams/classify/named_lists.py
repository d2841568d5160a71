"""Named term lists across rule files: ``@dprk`` in its own file, ``@north-korea.dprk`` from another.

Every list is resolved once for the whole rule set, references expanded
(weights multiply, ``exact`` carries down), and each file sees its own lists
by their short names and every list by its qualified ``topic.name``. A
circular or unknown reference, or a ``topic:``/``regex:`` item in a list, is a
located error; a term listed twice is a warning.
"""

from __future__ import annotations

from typing import Any

from pantau.streams.classify.problems import Problem, Report, RuleFile, did_you_mean, locate
from pantau.streams.classify.schema import TermSpec
from pantau.streams.classify.text import fold_term

__all__ = ["TermLists", "resolve_lists"]


TermLists = dict[str, list[tuple[str, float, bool]]]
"""Visible list name -> [(term, weight, exact)]."""


def resolve_lists(files: list[RuleFile], report: Report) -> dict[str, TermLists]:
    """Per file: visible list name -> [(term, weight, exact)], @refs expanded."""
    raw: dict[str, tuple[RuleFile, str, Any]] = {}
    for f in files:
        for name, value in f.spec.terms.items():
            raw[f"{f.spec.topic}.{name}"] = (f, name, value)

    def expand(qual: str, stack: tuple[str, ...]) -> list[tuple[str, float, bool]]:
        f, name, value = raw[qual]
        items = value.terms if hasattr(value, "terms") else value
        weight, exact = getattr(value, "weight", 1.0), getattr(value, "exact", False)
        out: list[tuple[str, float, bool]] = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            where = locate(f.tree, ("terms", name, "terms", i) if hasattr(value, "terms") else ("terms", name, i))
            if isinstance(item, TermSpec):
                out.append((item.term, item.weight * weight, item.exact or exact))
                continue
            if item.startswith("@"):
                ref = item[1:] if "." in item else f"{f.spec.topic}.{item[1:]}"
                if ref in stack:
                    report.errors.append(
                        Problem(
                            f.name,
                            *where,
                            f"list '@{name}' refers to itself through {item!r}",
                            "remove the circular reference",
                        )
                    )
                elif ref not in raw:
                    names = [q.split(".", 1)[1] for q in raw if q.startswith(f.spec.topic + ".")] + list(raw)
                    report.errors.append(
                        Problem(
                            f.name,
                            *where,
                            f"unknown list {item!r}{did_you_mean(item[1:], names)}",
                            "define it under terms:",
                        )
                    )
                else:
                    out.extend((t, w * weight, x) for t, w, x in expand(ref, stack + (ref,)))
                continue
            if item.startswith(("topic:", "regex:")):
                report.errors.append(
                    Problem(
                        f.name, *where, f"{item!r} cannot be in a term list", "use it in a rule's any/all/none or query"
                    )
                )
                continue
            if fold_term(item.rstrip("*")) in seen:
                report.warnings.append(
                    Problem(
                        f.name, *where, f"term {item!r} is listed twice in '@{name}'", "remove the duplicate", "warning"
                    )
                )
            seen.add(fold_term(item.rstrip("*")))
            out.append((item, weight, exact))
        return out

    view: dict[str, TermLists] = {f.spec.topic: {} for f in files}
    resolved = {qual: expand(qual, (qual,)) for qual in raw}
    for f in files:
        for qual, items in resolved.items():
            view[f.spec.topic][qual] = items
            topic, name = qual.split(".", 1)
            if topic == f.spec.topic:
                view[f.spec.topic][name] = items
    return view
