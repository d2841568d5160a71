"""The shared per-article flow: classify -> story -> route, and its metrics."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from pantau.core.article import Article, article_id
from pantau.streams.classify import load_ruleset
from pantau.streams.deliver import Router
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.pipeline import classify, classify_batch, process, route
from pantau.streams.stories import StoryIndex, marks

T0 = datetime(2026, 11, 17, 8, 0, tzinfo=timezone.utc)

BODY = (
    "Kelompok peretas yang dikaitkan dengan Korea Utara diduga membobol sebuah bursa kripto di "
    "Singapura dan memindahkan aset digital senilai ratusan juta dolar dalam waktu kurang dari satu "
    "jam. Perusahaan analisis blockchain menyebut dana curian dipecah ke ratusan alamat lalu dicuci "
    "melalui layanan pencampur, pola yang sama dengan serangan terhadap bursa lain tahun lalu. "
    "Penyidik menduga para pelaku masuk lewat seorang insinyur yang menerima tawaran kerja palsu."
)


@pytest.fixture(scope="module")
def rules(tmp_path_factory, small_rules):
    # Small rule files of our own, so that these tests do not move when editors
    # tune the shipped rules.
    directory = tmp_path_factory.mktemp("rules")
    for name, text in small_rules.items():
        (directory / name).write_text(text, encoding="utf-8")
    return load_ruleset(directory)


@pytest.fixture
def router():
    routes = [
        RouteSpec(name="korea-desk", topics=["north-korea"], to=["siem"]),
        RouteSpec(name="everything", default=True, to=["console"]),
    ]
    return Router(routes, ["siem", "console"], clock=lambda: 1000.0)


def make(url: str, title: str, content: str, *, minutes: int = 0, feed: str = "a") -> Article:
    at = T0 + timedelta(minutes=minutes)
    return Article(
        id=article_id(url), url=url, title=title, content=content, published=at, fetched=at, feed=feed, language="id"
    )


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_matching_article_gets_a_new_story_and_alerts_per_route(rules, router):
    article = make("https://a.example/1", "Peretas Korut Bobol Bursa Kripto", BODY)
    outcome = process(article, rules=rules, stories=StoryIndex(), router=router)
    assert outcome.matched
    assert set(outcome.classified.topics) == {"cybercrime", "north-korea"}
    assert outcome.story.is_new and outcome.story.story_id == article.id
    assert [(a.route, a.destination, a.story) for a in outcome.alerts] == [("korea-desk", "siem", article.id)]


def test_an_unmatched_article_stops_before_stories_and_routes(rules, router):
    stories = StoryIndex()
    article = make("https://a.example/2", "Harga Beras Turun", "Harga beras medium turun di pasar induk.")
    outcome = process(article, rules=rules, stories=stories, router=router)
    assert not outcome.matched and outcome.story is None and outcome.alerts == []
    assert len(stories) == 0


def test_two_outlets_copies_give_the_same_alert_keys(rules, router):
    stories = StoryIndex()
    first = process(
        make("https://a.example/3", "Peretas Korut Bobol Bursa Kripto", BODY),
        rules=rules,
        stories=stories,
        router=router,
    )
    before = sample("pantau_stories_duplicates_total")
    copy = process(
        make("https://b.example/9", "Korut Disebut Dalang Pembobolan", "SEOUL - " + BODY, minutes=90, feed="b"),
        rules=rules,
        stories=stories,
        router=router,
    )
    assert not copy.story.is_new and copy.story.story_id == first.story.story_id
    assert [a.key for a in copy.alerts] == [a.key for a in first.alerts]
    assert sample("pantau_stories_duplicates_total") == before + 1


def test_classify_counts_ingested_matches_and_lag(rules):
    article = make("https://a.example/4", "Serangan ransomware di ASEAN", "Negara anggota ASEAN waspada.")
    ingested = sample("pantau_classify_articles_ingested_total")
    matched = sample("pantau_classify_matches_total", topic="asean", rule="asean-name")
    classified = classify(article, rules, clock=lambda: T0.timestamp() + 42)
    assert set(classified.topics) == {"asean", "cybercrime"}
    assert sample("pantau_classify_articles_ingested_total") == ingested + 1
    assert sample("pantau_classify_matches_total", topic="asean", rule="asean-name") == matched + 1
    assert sample("pantau_classify_lag_seconds") == 42


def test_route_is_what_the_worker_calls_after_the_matches_topic(rules, router):
    stories = StoryIndex()
    classified = classify(make("https://a.example/5", "Korea Utara", BODY), rules)
    routed = route(classified, stories, router)
    assert routed.story.story_id == classified.article.id
    assert {a.destination for a in routed.alerts} == {"siem"}


def test_seed_copies_of_one_story_alert_once_per_destination(rules, router, seeds_dir: Path):
    stories = StoryIndex()
    keys = []
    for name in ("000_85e7d224f9f5be52.txt", "001_6545a012e7d75c24.txt"):
        text = (seeds_dir / name).read_text(encoding="utf-8")
        outcome = process(make(f"https://seed.example/{name}", "", text), rules=rules, stories=stories, router=router)
        keys.append({(a.destination, a.key) for a in outcome.alerts})
    assert keys[0] and keys[0] == keys[1]


def test_a_copy_that_adds_a_topic_alerts_only_where_the_story_had_not_gone(rules):
    router = Router(
        [
            RouteSpec(name="korea-desk", topics=["north-korea"], to=["siem"], **{"continue": True}),
            RouteSpec(name="asean-desk", topics=["asean"], to=["desk"]),
        ],
        ["siem", "desk"],
        clock=lambda: 1000.0,
    )
    stories = StoryIndex()
    first = process(
        make("https://a.example/6", "Peretas Korut Bobol Bursa Kripto", BODY),
        rules=rules,
        stories=stories,
        router=router,
    )
    copy = process(
        make(
            "https://b.example/6",
            "Peretas Korut Bobol Bursa Kripto",
            BODY + " Negara anggota ASEAN diminta bekerja sama.",
            feed="b",
        ),
        rules=rules,
        stories=stories,
        router=router,
    )
    assert copy.story.story_id == first.story.story_id
    assert {a.destination: a.key for a in first.alerts} == {"siem": first.alerts[0].key}
    assert {a.destination for a in copy.alerts} == {"siem", "desk"}
    assert next(a.key for a in copy.alerts if a.destination == "siem") == first.alerts[0].key


def test_a_batch_classified_for_the_worker_carries_marks_on_matches_only_and_routing_drops_them(rules, router):
    matched = make("https://a.example/6", "Peretas Korut Bobol Bursa Kripto", BODY)
    unmatched = make("https://a.example/7", "Harga Beras Turun", "Harga beras medium turun di pasar induk.")
    plain = classify_batch([matched, unmatched], rules)
    marked = classify_batch([matched, unmatched], rules, mark=True)
    assert [c.marks for c in plain] == [None, None]
    assert marked[0].marks == marks(matched) and marked[1].marks is None
    routed, hashed = route(marked[0], StoryIndex(), router), route(plain[0], StoryIndex(), router)
    assert routed.story == hashed.story
    assert routed.alerts == hashed.alerts and all(a.classified.marks is None for a in routed.alerts)


def test_a_judge_that_fails_on_a_batch_leaves_the_rules_verdicts_and_says_so(router):
    import structlog

    from pantau.streams.classify import default_rules_dir

    shipped = load_ruleset(default_rules_dir())  # the shipped rules carry the judge
    assert shipped.judge is not None
    batch = [
        make("https://a.example/8", "Peretas Korut Bobol Bursa Kripto", BODY),
        make("https://a.example/9", "Harga Beras Turun", "Harga beras medium turun di pasar induk."),
    ]

    def broken(ruled):
        raise RuntimeError("model file truncated")

    shipped.judge_many = broken  # type: ignore[method-assign]
    with structlog.testing.capture_logs() as logs:
        out = classify_batch(batch, shipped)
    assert out == [shipped.classify(a, judged=False) for a in batch] and out[0].matches
    assert [e["articles"] for e in logs if e["event"] == "judge_batch_failed"] == [2]
