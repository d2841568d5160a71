"""Inhibition: a critical north-korea match mutes the asean route's alert on the same story (real receivers)."""

import asyncio
import time

import pytest
from prometheus_client import REGISTRY

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.sqlite.archive import ArchiveStore
from pantau.adapters.sqlite.archive_records import intake_of
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.state import open_state
from pantau.config import load_config
from pantau.core.errors import ConfigError
from pantau.streams.classify import Match
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination, parse_destination
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.inhibit import InhibitRule
from pantau.streams.deliver.route import Router
from pantau.streams.pipeline import Outcome
from pantau.streams.stories import StoryRef

RULE = InhibitRule.model_validate(
    {"source": {"topic": "north-korea", "severity": "critical"}, "target": {"topic": "asean"}, "equal": ["story"]}
)


def _nk(severity="critical"):
    return Match(
        rule="nk-missile",
        topic="north-korea",
        score=3.0,
        severity=severity,
        tags=(),
        hits=(),
        snippet="rudal",
        ruleset_version="rs-test-1",
    )


def _inhibited(dest, route):
    return REGISTRY.get_sample_value("pantau_delivery_inhibited_total", {"destination": dest, "route": route}) or 0.0


class Desk:
    def __init__(self, tmp_path, make_receiver, rules):
        self.security, self.asean = make_receiver().start(), make_receiver().start()
        self.routes = [
            RouteSpec(name="nk", topics=["north-korea"], to=["security"], continue_=True),
            RouteSpec(name="asean-desk", topics=["asean"], to=["desk"]),
        ]
        specs = {
            "security": {"type": "webhook", "url": self.security.url, "retry": [0]},
            "desk": {"type": "webhook", "url": self.asean.url, "retry": [0]},
        }
        dests = {n: build_destination(n, parse_destination(s)) for n, s in specs.items()}
        self.router = Router(self.routes, dests)
        self.d = Dispatcher(dests, SqliteOutbox(open_state(tmp_path / "s.db")), routes=self.routes, inhibit=rules)

    def run(self, classifieds, story="story-1"):
        async def go():
            out = []
            for c in classifieds:
                out.append((c, await self.d.submit(self.router.alerts_for(c, story=story)), dict(self.d.inhibited)))
            await self.d.drain(5)
            await self.d.aclose()
            return out

        return asyncio.run(go())


def test_a_critical_north_korea_match_mutes_the_asean_route_for_the_story(classified, make_receiver, tmp_path):
    desk = Desk(tmp_path, make_receiver, [RULE])
    before = _inhibited("desk", "asean-desk")
    both = classified(extra=(_nk(),))  # an asean match and a critical north-korea match
    copy = classified(url="https://lain.example/1", feed_name="Lain")  # a later copy: asean only
    (_, queued, why), (_, queued2, why2) = desk.run([both, copy])
    assert [a.destination for a in queued] == ["security"] and queued2 == []
    assert len(desk.security.requests) == 1 and desk.asean.requests == []
    assert _inhibited("desk", "asean-desk") - before == 2
    (text,) = why.values()
    assert "inhibit[0]" in text and "north-korea/critical" in text and "this article" in text
    assert "an earlier copy of the story" in next(iter(why2.values()))


def test_a_non_critical_match_inhibits_nothing(classified, make_receiver, tmp_path):
    desk = Desk(tmp_path, make_receiver, [RULE])
    desk.run([classified(extra=(_nk("high"),))])
    assert len(desk.security.requests) == 1 and len(desk.asean.requests) == 1


def test_without_rules_both_routes_alert(classified, make_receiver, tmp_path):
    desk = Desk(tmp_path, make_receiver, [])
    desk.run([classified(extra=(_nk(),))])
    assert len(desk.security.requests) == 1 and len(desk.asean.requests) == 1


def test_the_archive_shows_the_explanation_of_the_inhibited_alert(classified, make_receiver, tmp_path):
    desk = Desk(tmp_path, make_receiver, [RULE])
    story = classified(extra=(_nk(),))
    alerts = desk.router.alerts_for(story, story="story-1")
    ((_, queued, why),) = desk.run([story])
    archive = ArchiveStore(open_state(tmp_path / "archive.db"))
    outcome = Outcome(classified=story, story=StoryRef("story-1", True, story.article.id, 1.0), alerts=alerts)
    archive.record([intake_of(outcome, {a.key for a in queued}, why)])
    entry = archive.get(story.article.id)
    fates = {a.destination: (a.status, a.why) for a in entry.alerts}
    assert fates["security"] == ("pending", "")
    assert fates["desk"][0] == "inhibited" and "north-korea/critical" in fates["desk"][1]


def test_config_takes_inhibit_rules_and_names_a_bad_one(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(
        "inhibit:\n  - source: {topic: north-korea, severity: critical}\n"
        "    target: {topic: asean}\n    equal: [story]\n"
    )
    (rule,) = load_config(good).inhibit
    assert rule.source.topic == "north-korea" and rule.target.topic == "asean"
    bad = tmp_path / "bad.yaml"
    bad.write_text("inhibit:\n  - source: {topic: north-korea}\n    target: {}\n")
    with pytest.raises(ConfigError, match="inhibit target needs route: or topic:"):
        load_config(bad)


@pytest.mark.parametrize("mode", ["sqlite", "tables"])
def test_a_restart_keeps_inhibiting_a_story_whose_source_came_before_it(classified, make_receiver, tmp_path, mode):
    ledger: dict[str, bytes] = {}
    tables = ({}, {}, {})

    def outbox():
        if mode == "sqlite":
            return SqliteOutbox(open_state(tmp_path / "state.db"))
        return TableOutbox(*tables, ledger=ledger)

    security, desk = make_receiver().start(), make_receiver().start()
    routes = [
        RouteSpec(name="nk", topics=["north-korea"], to=["security"], continue_=True),
        RouteSpec(name="asean-desk", topics=["asean"], to=["desk"]),
    ]
    specs = {"security": {"type": "webhook", "url": security.url}, "desk": {"type": "webhook", "url": desk.url}}

    def process(c, *, clock, rules=(RULE,)):
        dests = {n: build_destination(n, parse_destination(s)) for n, s in specs.items()}
        d = Dispatcher(dests, outbox(), routes=routes, inhibit=rules, clock=clock)

        async def go():
            queued = await d.submit(Router(routes, dests).alerts_for(c, story="story-9"))
            await d.drain(5)
            await d.aclose()
            return queued, dict(d.inhibited)

        return asyncio.run(go())

    now = time.time()
    process(classified(extra=(_nk(),)), clock=lambda: now)  # the critical source, then the process stops
    copy = classified(url="https://lain.example/9", feed_name="Lain")  # asean only
    queued, why = process(copy, clock=lambda: now + 3600)  # a new process, an hour later
    assert queued == [] and "an earlier copy of the story" in next(iter(why.values()))
    assert desk.requests == [] and len(security.requests) == 1
    # Rules reordered by an edit: still the same rule, still remembered.
    other = InhibitRule.model_validate({"source": {"topic": "cybercrime"}, "target": {"route": "nk"}})
    again = classified(url="https://lain.example/10", feed_name="Lain Lagi")
    queued, why = process(again, clock=lambda: now + 7200, rules=(other, RULE))
    assert queued == [] and "inhibit[1]" in next(iter(why.values()))
    # Past the memory (3 days) the story alerts again.
    late = classified(url="https://lain.example/11", feed_name="Lambat")
    queued, _ = process(late, clock=lambda: now + 4 * 86400)
    assert [a.destination for a in queued] == ["desk"]


@pytest.mark.parametrize("mode", ["sqlite", "tables"])
def test_remembered_sources_are_pruned_with_the_sent_keys(tmp_path, mode):
    box = SqliteOutbox(open_state(tmp_path / "s.db")) if mode == "sqlite" else TableOutbox({}, {}, {}, ledger={})
    box.save_inhibit_source("rule\x1fold-story", 1000.0)
    box.save_inhibit_source("rule\x1fnew-story", 5000.0)
    box.prune(before=3000.0)
    assert box.inhibit_source("rule\x1fold-story") is None and box.inhibit_source("rule\x1fnew-story") == 5000.0
