"""Checks that need the configuration and the rule set together.

``pantau.core.config`` must not import the rules engine (and the engine
knows nothing of routes), so what only both together can tell is checked
here, by every command that loads both: a route whose ``topics:`` or
``rules:`` misspell what a rule file defines would silently never take an
alert (``asaen`` for ``asean``). Each such name is a located config error
with a did-you-mean, all of them at once; a name like nothing defined is
warned about instead (an editor may add that rule file while pantau runs).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pantau.core.errors import ConfigError, RulesError

if TYPE_CHECKING:
    from pantau.config import Config
    from pantau.streams.classify import RuleSet

__all__ = ["route_problems", "check_routes_against_rules", "check_config_and_rules"]


def _raw(path: Path | None) -> Any:
    """The config file again, round-trip loaded for its line marks (None when unreadable)."""
    if path is None:
        return None
    from ruamel.yaml import YAML

    try:
        return YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - it loaded a moment ago; without marks we still name the route
        return None


def route_problems(config: Config, topics: Iterable[str], rules: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """Located lines for route ``topics:`` / ``rules:`` entries the rule set does not define: (typos, unknown).

    A name close to a defined one is a typo (an error: its alerts would never
    be routed); a name like nothing defined may be a topic an editor is about to
    add while pantau runs (rules reload live), so it is only warned about.
    """
    from pantau.core.yaml_errors import locate

    known = {"topics": sorted(set(topics)), "rules": sorted(set(rules))}
    raw = _raw(config.source)
    where = config.source or Path("pantau.yaml")
    typos, unknown = [], []
    for i, route in enumerate(config.routes):
        for field in ("topics", "rules"):
            if field == "rules" and not known["rules"]:
                continue
            for j, name in enumerate(getattr(route, field)):
                if name in known[field]:
                    continue
                close = difflib.get_close_matches(name, known[field], n=1)
                place = locate(where, raw, ("routes", i, field, j)) if raw is not None else str(where)
                kind = "topic" if field == "topics" else "rule"
                line = f"{place}: routes[{i}] {field}: no rule file defines {kind} {name!r}"
                if close:
                    typos.append(f"{line} (did you mean {close[0]!r}?)")
                else:
                    unknown.append(f"{line} (defined: {', '.join(known[field]) or 'none'})")
    return typos, unknown


def check_routes_against_rules(config: Config, ruleset: RuleSet) -> list[str]:
    """Raise one ConfigError listing every route name that looks like a typo; return (and log) the unknown ones."""
    from pantau.core.logs import get_logger

    typos, unknown = route_problems(config, ruleset.topics, _rule_ids(ruleset))
    if typos:
        head = typos[0] if len(typos) == 1 else f"{config.source} has errors:\n" + "\n".join(typos)
        raise ConfigError(
            head, hint=f"routes match the topic ids and rule ids of the rule files in {config.rules}; fix the name"
        )
    for line in unknown:
        get_logger().warning(
            "route_names_undefined",
            problem=line,
            hint="its alerts are routed once a rule file defines it (rules reload live)",
        )
    return unknown


def check_config_and_rules(config: Config) -> list[str]:
    """Load the rule set of ``config`` and check its routes against it (a refused rule set is left to rules)."""
    from pantau.streams.classify import load_ruleset

    if not config.routes:
        return []
    try:
        ruleset = load_ruleset(config.rules)
    except RulesError:
        return []  # reported, located, by whoever loads the rules next (run, worker, rules check)
    return check_routes_against_rules(config, ruleset)


def _rule_ids(ruleset: RuleSet) -> list[str]:
    return [rule.id for rule in getattr(ruleset, "rules", ())]
