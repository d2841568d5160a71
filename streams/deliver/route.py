"""Routing: which destinations hear about a classified story (Alertmanager's rules).

Routes are tried in order; the first that matches takes the story unless it
says ``continue: true``; ``default: true`` routes take what no other route
took. A story reaches each destination at most once per routing, even when
several routes name it, because users hate duplicates more than anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from streams.classify import Classified, Match
from streams.deliver.alert import Alert, alert_key
from streams.deliver.config import RouteSpec
from streams.errors import ConfigError

__all__ = ["Router", "route_matches", "default_routes"]


def _match_ok(route: RouteSpec, match: Match) -> bool:
    """True when one rule match satisfies the route's per-match matchers."""
    return (
        (not route.topics or match.topic in route.topics)
        and (not route.rules or match.rule in route.rules)
        and (not route.severity or match.severity in route.severity)
        and (not route.tags or bool(set(match.tags) & set(route.tags)))
    )


def route_matches(route: RouteSpec, classified: Classified) -> bool:
    """True when the route's matchers all hold for this classified article."""
    article = classified.article
    if route.feeds and article.feed not in route.feeds and article.feed_name not in route.feeds:
        return False
    if route.languages and (article.language or "") not in route.languages:
        return False
    return any(_match_ok(route, m) for m in classified.matches)


def default_routes() -> list[RouteSpec]:
    """What runs when pantau.yaml has no routes: every match to the console."""
    return [RouteSpec(name="default", default=True, to=["console"])]


class Router:
    """Turns a classified story into the alerts its routes ask for."""

    def __init__(
        self,
        routes: Iterable[RouteSpec],
        destinations: Mapping[str, object] | Iterable[str],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.routes = list(routes) or default_routes()
        names = set(destinations)
        seen: set[str] = set()
        for i, route in enumerate(self.routes):
            if route.name in seen:
                raise ConfigError(
                    f"routes[{i}]: two routes share the name {route.name!r}",
                    hint="give each route a distinct `name:`",
                )
            seen.add(route.name)
            for dest in route.to:
                if dest not in names:
                    raise ConfigError(
                        f"routes[{i}] ({route.name}) sends to unknown destination {dest!r}",
                        hint=f"declare it under destinations: (known: {', '.join(sorted(names)) or 'none'})",
                    )
        self._clock = clock

    def matching_routes(self, classified: Classified) -> list[RouteSpec]:
        """The routes that take this story, in order, with continue/default applied."""
        if not classified.matches:
            return []
        taken: list[RouteSpec] = []
        for route in self.routes:
            if route.default or not route_matches(route, classified):
                continue
            taken.append(route)
            if not route.continue_:
                break
        if not taken:
            taken = [r for r in self.routes if r.default and route_matches(r, classified)][:1]
        return taken

    def alerts_for(self, classified: Classified, story: str | None = None) -> list[Alert]:
        """One Alert per destination the story is routed to (story id defaults to the article id)."""
        story = story or classified.article.id
        now = self._clock()
        alerts: list[Alert] = []
        reached: set[str] = set()
        for route in self.matching_routes(classified):
            # With a repeat interval the same story may alert again once per
            # interval; the epoch is computed from the clock so that every
            # worker derives the same key.
            epoch = int(now // route.repeat_interval) if route.repeat_interval else 0
            for dest in route.to:
                if dest in reached:
                    continue
                reached.add(dest)
                key = alert_key(story, route.name, dest, epoch=epoch)
                alerts.append(
                    Alert(key=key, destination=dest, route=route.name, classified=classified, story=story, created=now)
                )
        return alerts
