"""Silences: by topic, rule, feed, term; expiring; an article with a live topic still alerts."""

import pytest

from pantau.adapters.sqlite.silences import SqliteSilences
from pantau.adapters.sqlite.state import open_state
from pantau.streams.classify import Hit, Match
from pantau.streams.deliver.silences import silencing


@pytest.fixture
def store(tmp_path):
    return SqliteSilences(open_state(tmp_path / "s.db"))


def test_topic_silence_mutes_until_it_expires(classified, store):
    s = store.add("topic", "asean", 3600, "summit week", now=1000.0)
    c = classified(topic="asean")
    assert silencing(store.active(1000.0), c, 1000.0) == s
    assert silencing(store.active(4600.0), c, 4600.0) is None
    assert store.active(4600.0) == []


def test_rule_feed_and_term_silences(classified, store):
    c = classified(rule="asean-diplomacy", feed="https://kabar.example/rss", terms=("Laut Cina Selatan",))
    for kind, value in (
        ("rule", "asean-diplomacy"),
        ("feed", "https://kabar.example/rss"),
        ("term", "laut cina selatan"),
    ):
        s = store.add(kind, value, 60, "test", now=0.0)
        assert silencing([s], c, 1.0) == s, kind
    assert silencing([store.add("term", "rudal", 60, "other", now=0.0)], c, 1.0) is None


def test_a_live_topic_still_alerts_when_another_is_silenced(classified, store):
    extra = Match(
        rule="dprk",
        topic="north-korea",
        score=1.0,
        severity="high",
        hits=(Hit(term="rudal", field="title", start=0, end=5, text="rudal"),),
    )
    c = classified(topic="asean", extra=(extra,))
    store.add("topic", "asean", 60, "noisy", now=0.0)
    assert silencing(store.active(1.0), c, 1.0) is None
    store.add("topic", "north-korea", 60, "also noisy", now=0.0)
    assert silencing(store.active(1.0), c, 1.0) is not None


def test_expire_ends_a_silence_now(store):
    s = store.add("topic", "asean", 3600, "oops", now=0.0)
    assert store.expire(s.id, now=10.0) is True
    assert store.active(11.0) == [] and store.expire(s.id, now=12.0) is False
    assert [x.id for x in store.all()] == [s.id]
