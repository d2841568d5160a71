"""Routing: which destinations hear about a classified story (Alertmanager's rules).

Routes are tried in order; the first that matches takes the story unless it
says ``continue: true``; ``default: true`` routes take what no other route
took. A story reaches each destination at most once per routing, even when
several routes name it, because users hate duplicates more than anything.
Routes with ``events:`` take ops events (:meth:`Router.events_for`) by the
same first-match/continue rules and never take articles; a destination
disabled never carries its own ``destination_disabled`` event.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from pantau.core.errors import ConfigError
from pantau.core.language import article_language, same_family
from pantau.streams.classify import Classified, Match
from pantau.streams.deliver.alert import Alert, alert_key
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.events import OpsEvent
from pantau.streams.deliver.feedback import FeedbackLinks

__all__ = ["Router", "route_matches", "event_matches", "default_routes"]


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
    if route.languages and not same_family(
        article_language(article.language, article.title, article.summary, article.content), route.languages
    ):
        return False
    return any(_match_ok(route, m) for m in classified.matches)


def event_matches(route: RouteSpec, event: OpsEvent) -> bool:
    """True when an ops route takes this event (its kind listed; ``feeds:`` checked for feed events)."""
    if event.kind not in route.events:
        return False
    if route.feeds and event.about == "feed":
        return event.subject in route.feeds or (bool(event.subject_name) and event.subject_name in route.feeds)
    return True


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
        links: Callable[[str, str], FeedbackLinks] | None = None,
    ) -> None:
        self.routes = list(routes)
        self._links = links  # LinkSigner.links: every article alert carries its signed feedback links
        if not any(not r.takes_events for r in self.routes):
            # Only ops routes (or none): articles still go to the console as before.
            self.routes += default_routes()
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
            if route.default or route.takes_events or not route_matches(route, classified):
                continue
            taken.append(route)
            if not route.continue_:
                break
        if not taken:
            taken = [r for r in self.routes if r.default and not r.takes_events and route_matches(r, classified)][:1]
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
                    Alert(
                        key=key,
                        destination=dest,
                        route=route.name,
                        classified=classified,
                        story=story,
                        created=now,
                        feedback=self._links(key, classified.article.id) if self._links is not None else None,
                    )
                )
        return alerts

    def events_for(self, event: OpsEvent) -> list[Alert]:
        """One Alert per destination the ops event is routed to (once per kind, subject and episode)."""
        now = self._clock()
        story = event.ident
        alerts: list[Alert] = []
        # A disabled destination cannot carry the news of its own disabling.
        reached: set[str] = {event.subject} if event.kind == "destination_disabled" else set()
        for route in self.routes:
            if not route.takes_events or not event_matches(route, event):
                continue
            before = len(alerts)
            for dest in route.to:
                if dest in reached:
                    continue
                reached.add(dest)
                alerts.append(
                    Alert(
                        key=alert_key(story, route.name, dest),
                        destination=dest,
                        route=route.name,
                        story=story,
                        created=now,
                        event=event,
                    )
                )
            # A route left with no destination (only the disabled one) passes the event on.
            if not route.continue_ and len(alerts) > before:
                break
        return alerts
