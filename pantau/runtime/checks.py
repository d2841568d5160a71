"""Checks that need the configuration and the rule set together.

``pantau.core.config`` must not import the rules engine (and the engine
knows nothing of routes), so what only both together can tell is checked
here, by every command that loads both: a route whose ``topics:`` or
``rules:`` name something no rule file defines would silently never take
an alert (``asaen`` for ``asean``). Each such name is a located config
error with a did-you-mean, all of them at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pantau.core.errors import ConfigError, RulesError

if TYPE_CHECKING:
    from pantau.core.config import Config
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


def route_problems(config: Config, topics: Iterable[str], rules: Iterable[str] = ()) -> list[str]:
    """One located line per route ``topics:`` / ``rules:`` entry the rule set does not define."""
    from pantau.core.yaml_errors import locate

    known = {"topics": sorted(set(topics)), "rules": sorted(set(rules))}
    raw = _raw(config.source)
    where = config.source or Path("pantau.yaml")
    problems = []
    for i, route in enumerate(config.routes):
        for field in ("topics", "rules"):
            if field == "rules" and not known["rules"]:
                continue
            for j, name in enumerate(getattr(route, field)):
                if name in known[field]:
                    continue
                close = difflib.get_close_matches(name, known[field], n=1)
                fix = f"did you mean {close[0]!r}?" if close else f"defined: {', '.join(known[field]) or 'none'}"
                place = locate(where, raw, ("routes", i, field, j)) if raw is not None else str(where)
                kind = "topic" if field == "topics" else "rule"
                problems.append(f"{place}: routes[{i}] {field}: no rule file defines {kind} {name!r} ({fix})")
    return problems


def check_routes_against_rules(config: Config, ruleset: RuleSet) -> None:
    """Raise one ConfigError listing every route topic or rule the rule set does not define."""
    problems = route_problems(config, ruleset.topics, _rule_ids(ruleset))
    if not problems:
        return
    head = problems[0] if len(problems) == 1 else f"{config.source} has errors:\n" + "\n".join(problems)
    raise ConfigError(head, hint=f"routes match the topic ids of the rule files in {config.rules}; "
                      "fix the name, or add the rule file first")


def check_config_and_rules(config: Config) -> None:
    """Load the rule set of ``config`` and check its routes against it (a refused rule set is left to rules)."""
    from pantau.streams.classify import load_ruleset

    if not config.routes:
        return
    try:
        ruleset = load_ruleset(config.rules)
    except RulesError:
        return  # reported, located, by whoever loads the rules next (run, worker, rules check)
    check_routes_against_rules(config, ruleset)


def _rule_ids(ruleset: RuleSet) -> list[str]:
    return [rule.id for rule in getattr(ruleset, "rules", ())]
