"""The cues of a rule file compiled to term keys: denials, senses, headline scope, frames and salience mentions.

A cue item is a term or an ``@list``; each becomes key ids in the one term
table, so judgement (streams/classify/judgement.py) reads them from the same
hits as the rules. An unknown list, or an item that cannot be a cue, is a
located error; a ``beside:`` topic must be one of the rule set's topics.
"""

from __future__ import annotations

from typing import Literal

from pantau.streams.classify.compiled import FIELD_INDEX
from pantau.streams.classify.judgement import CLAUSE_BREAKS, DENIED, SENTENCE_BREAKS, Cue
from pantau.streams.classify.named_lists import TermLists
from pantau.streams.classify.problems import Loc, Problem, Report, RuleFile, did_you_mean, locate
from pantau.streams.classify.query import ListRef, QueryError, Term, parse_item
from pantau.streams.classify.schema import SalienceSpec, TermSpec
from pantau.streams.classify.terms import CompileError, TermTable

__all__ = ["salience_keys", "check_beside", "cue_keys", "compile_cues"]


def salience_keys(
    spec: SalienceSpec | None,
    field: Literal["mentions", "other_names"],
    base: Loc,
    f: RuleFile,
    table: TermTable,
    lists: TermLists,
    report: Report,
    used: set[str],
) -> frozenset[int]:
    """Key ids of a salience's ``mentions:`` or ``other_names:`` (empty when it lists none)."""
    items = getattr(spec, field) if spec is not None else None
    if not items:
        return frozenset()
    return cue_keys(items, table, lists, base + ("salience", field), f, report, used)


def check_beside(spec: SalienceSpec | None, where: Loc, f: RuleFile, topics: frozenset[str], report: Report) -> None:
    """A ``beside:`` topic must be one of the rule set's topics."""
    for i, topic in enumerate(spec.beside if spec is not None else ()):
        if topic not in topics:
            report.errors.append(
                Problem(
                    f.name,
                    *locate(f.tree, where + (i,)),
                    f"salience beside: unknown topic {topic!r}{did_you_mean(topic, topics)}",
                    f"name a topic of this folder: {', '.join(sorted(topics))}",
                )
            )


def cue_keys(
    items: list[str | TermSpec],
    table: TermTable,
    lists: TermLists,
    where: Loc,
    f: RuleFile,
    report: Report,
    used: set[str],
) -> frozenset[int]:
    """Key ids of denial/sense cue items (terms or @lists)."""
    keys: set[int] = set()
    for i, item in enumerate(items):
        try:
            if isinstance(item, TermSpec):
                keys.add(table.key_for(item.term, item.exact))
                continue
            node = parse_item(item)
            if isinstance(node, ListRef):
                if node.name not in lists:
                    raise CompileError(
                        f"unknown list '@{node.name}'{did_you_mean(node.name, lists)}",
                        0,
                        "define it under terms: or fix the name",
                    )
                used.add(node.name)
                keys.update(table.key_for(t, x) for t, _w, x in lists[node.name])
            elif isinstance(node, Term):
                keys.add(table.key_for(node.text, False))
            else:
                raise CompileError(f"{item!r} cannot be a cue", 0, "cues are terms or @lists")
        except (QueryError, CompileError) as exc:
            report.errors.append(
                Problem(
                    f.name,
                    *locate(f.tree, where + (i,)),
                    exc.message if hasattr(exc, "message") else str(exc),
                    getattr(exc, "hint", ""),
                )
            )
    return frozenset(keys)


def compile_cues(f: RuleFile, table: TermTable, lists: TermLists, report: Report, used: set[str]) -> tuple[Cue, ...]:
    """The file's denials and senses as compiled cues."""
    spec = f.spec
    cues: list[Cue] = []
    if spec.denials is not None:
        d = spec.denials
        cues.append(
            Cue(
                why=DENIED,
                targets=None,
                before=cue_keys(d.before, table, lists, ("denials", "before"), f, report, used),
                after=cue_keys(d.after, table, lists, ("denials", "after"), f, report, used),
                unless=cue_keys(d.unless, table, lists, ("denials", "unless"), f, report, used),
                window=d.window,
                min_cues=1,
                breaks=CLAUSE_BREAKS,
                windows=tuple(sorted(d.windows.items())),
                contrast=True,
            )
        )
    for n, s in enumerate(spec.senses):
        base = ("senses", n)
        cues.append(
            Cue(
                why=s.why,
                targets=cue_keys(s.terms, table, lists, base + ("terms",), f, report, used) if s.terms else None,
                before=cue_keys(s.before, table, lists, base + ("before",), f, report, used),
                after=cue_keys(s.after, table, lists, base + ("after",), f, report, used),
                unless=frozenset(),
                window=-1 if s.anywhere else s.window,
                min_cues=s.min_cues,
                breaks=SENTENCE_BREAKS,
                windows=tuple(sorted(s.windows.items())),
                in_list=s.in_list,
                in_lines=s.in_lines,
                fields=frozenset(FIELD_INDEX[name] for name in s.fields),
            )
        )
    return tuple(cues)
