"""Router: Alertmanager-style first match, continue, default, one alert per destination."""

import pytest

from pantau.core.errors import ConfigError
from pantau.streams.classify import Hit, Match
from pantau.streams.deliver.alert import alert_key
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.route import Router

DESTS = ["slack", "mail", "siem", "console"]


def _router(*routes, clock=lambda: 1000.0):
    return Router([RouteSpec.model_validate(r) for r in routes], DESTS, clock=clock)


def test_first_matching_route_wins_without_continue(classified):
    r = _router({"topics": ["asean"], "to": ["slack"]}, {"topics": ["asean"], "to": ["mail"]})
    assert [a.destination for a in r.alerts_for(classified(topic="asean"), "s1")] == ["slack"]


def test_continue_falls_through_to_later_routes(classified):
    r = _router({"topics": ["asean"], "to": ["slack"], "continue": True}, {"topics": ["asean"], "to": ["mail"]})
    assert [a.destination for a in r.alerts_for(classified(topic="asean"), "s1")] == ["slack", "mail"]


def test_default_route_takes_only_what_nothing_else_took(classified):
    r = _router({"topics": ["north-korea"], "to": ["siem"]}, {"default": True, "to": ["mail"]})
    assert [a.destination for a in r.alerts_for(classified(topic="asean"))] == ["mail"]
    assert [a.destination for a in r.alerts_for(classified(topic="north-korea"))] == ["siem"]


def test_every_matcher_must_hold(classified):
    c = classified(
        topic="cybercrime",
        rule="ransomware",
        severity="high",
        tags=("malware",),
        feed="https://siber.example/rss",
        language="id",
    )
    assert _router({"topics": ["cybercrime"], "severity": ["high"], "languages": ["id"], "to": ["siem"]}).alerts_for(c)
    assert not _router({"topics": ["cybercrime"], "severity": ["critical"], "to": ["siem"]}).alerts_for(c)
    assert not _router({"rules": ["phishing"], "to": ["siem"]}).alerts_for(c)
    assert _router({"tags": ["malware", "x"], "feeds": ["https://siber.example/rss"], "to": ["siem"]}).alerts_for(c)
    assert not _router({"feeds": ["https://other.example/rss"], "to": ["siem"]}).alerts_for(c)
    assert not _router({"languages": ["en"], "to": ["siem"]}).alerts_for(c)


def test_one_alert_per_destination_even_when_two_routes_name_it(classified):
    r = _router({"topics": ["asean"], "to": ["slack", "siem"], "continue": True}, {"topics": ["asean"], "to": ["siem"]})
    assert [a.destination for a in r.alerts_for(classified(topic="asean"))] == ["slack", "siem"]


def test_keys_are_stable_and_copies_of_a_story_share_them(classified):
    r = _router({"topics": ["asean"], "to": ["slack"]})
    first = r.alerts_for(classified(url="https://a.example/1", feed="https://a.example/rss"), "story-7")
    copy = r.alerts_for(classified(url="https://b.example/9", feed="https://b.example/rss"), "story-7")
    other = r.alerts_for(classified(url="https://a.example/2"), "story-8")
    assert first[0].key == copy[0].key == alert_key("story-7", r.routes[0].name, "slack")
    assert other[0].key != first[0].key


def test_story_defaults_to_the_article_id(classified):
    c = classified()
    (alert,) = _router({"topics": ["asean"], "to": ["slack"]}).alerts_for(c)
    assert alert.story == c.article.id and alert.created == 1000.0


def test_repeat_interval_lets_a_story_alert_again_in_a_later_interval(classified):
    now = [1000.0]
    r = _router({"topics": ["asean"], "to": ["slack"], "repeat_interval": "1h"}, clock=lambda: now[0])
    k1 = r.alerts_for(classified(), "s")[0].key
    now[0] += 60
    assert r.alerts_for(classified(), "s")[0].key == k1
    now[0] += 3600
    assert r.alerts_for(classified(), "s")[0].key != k1


def test_no_matches_no_alerts_and_no_routes_means_console(classified):
    c = classified()
    assert _router({"to": ["slack"]}).alerts_for(c.__class__(article=c.article, matches=())) == []
    assert [a.destination for a in Router([], DESTS).alerts_for(c)] == ["console"]


def test_a_route_to_an_unknown_destination_is_refused():
    with pytest.raises(ConfigError, match="unknown destination 'pager'"):
        _router({"topics": ["asean"], "to": ["pager"]})


def test_any_match_can_satisfy_the_route(classified):
    extra = Match(
        rule="dprk-missile",
        topic="north-korea",
        score=2.0,
        severity="high",
        hits=(Hit(term="rudal", field="title", start=0, end=5, text="rudal"),),
    )
    c = classified(topic="asean", extra=(extra,))
    assert c.topics == ("asean", "north-korea")
    assert [a.destination for a in _router({"topics": ["north-korea"], "to": ["siem"]}).alerts_for(c)] == ["siem"]
