"""Backtests over a real archive: gained and lost per rule, samples with hits, alerts per route and day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pantau.adapters.sqlite.archive import ArchiveStore, Intake
from pantau.adapters.sqlite.state import open_state
from pantau.core.article import Article, article_id
from pantau.core.errors import RulesError
from pantau.streams.backtest import backtest, proposed_ruleset
from pantau.streams.classify import load_ruleset
from pantau.streams.deliver.config import RouteSpec

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
STORY = (
    "Kelompok peretas membobol sistem sebuah bank daerah dan mencuri data nasabah dalam jumlah besar. "
    "Polisi menyebut pelaku masuk lewat akun pegawai yang kata sandinya bocor di forum gelap, lalu "
    "menjual data itu kepada sindikat penipuan yang menghubungi nasabah satu per satu."
)
ROUTES = [
    RouteSpec(name="cyber-desk", topics=["cybercrime"], to=["slack-desk"]),
    RouteSpec(name="rest", default=True, to=["console"]),
]
DESTS = {"slack-desk": "slack"}


def art(n: int, title: str, content: str, *, day: int = 0, feed: str = "a") -> Article:
    at = T0 + timedelta(days=day, minutes=n)
    url = f"https://{feed}.example/{n}"
    return Article(
        id=article_id(url), url=url, title=title, content=content, fetched=at, published=at, feed=feed, language="id"
    )


@pytest.fixture
def rules_dirs(tmp_path, small_rules):
    running = tmp_path / "running"
    running.mkdir()
    for name, text in small_rules.items():
        (running / name).write_text(text, encoding="utf-8")
    proposed = tmp_path / "proposed"
    proposed.mkdir()
    for name, text in small_rules.items():
        (proposed / name).write_text(text, encoding="utf-8")
    # The edit: cybercrime learns "judi online"; North Korea forgets "Pyongyang".
    (proposed / "cybercrime.yaml").write_text(
        small_rules["cybercrime.yaml"].replace("penipuan daring]", "penipuan daring, judi online]"), encoding="utf-8"
    )
    (proposed / "north-korea.yaml").write_text(
        small_rules["north-korea.yaml"].replace(", Pyongyang]", "]"), encoding="utf-8"
    )
    return running, proposed


@pytest.fixture
def archive(tmp_path, rules_dirs):
    running = load_ruleset(rules_dirs[0])
    store = ArchiveStore(open_state(tmp_path / "state.db"))
    articles = [
        art(1, "Peretas bobol bank daerah", STORY, day=0),
        art(2, "Bank daerah dibobol", "JAKARTA - " + STORY, day=0, feed="b"),  # a copy: same story
        art(3, "Situs judi online diblokir", "Kominfo memblokir ribuan situs judi online pekan ini.", day=0),
        art(4, "Bandar judi online ditangkap", "Polisi menangkap bandar judi online di Medan.", day=1),
        art(5, "Delegasi tiba di Pyongyang", "Rombongan diplomat tiba di Pyongyang untuk pembicaraan.", day=1),
        art(6, "Harga cabai naik", "Harga cabai rawit naik di pasar tradisional.", day=1),
    ]
    store.record([Intake(classified=running.classify(a)) for a in articles])
    return store, running


def test_gained_and_lost_per_topic_and_rule_with_samples(archive, rules_dirs):
    store, running = archive
    result = backtest(
        store.scan(), running, load_ruleset(rules_dirs[1]), routes=ROUTES, destinations={"slack-desk": "slack"}
    )
    assert result.articles == 6 and result.reused == 6  # the running side came from the archive
    by_rule = {(r.topic, r.rule): r for r in result.rules}
    cyber = by_rule[("cybercrime", "cyber-terms")]
    assert (cyber.before, cyber.after, cyber.gained, cyber.lost) == (2, 4, 2, 0)
    assert [s.title for s in cyber.gained_samples] == ["Situs judi online diblokir", "Bandar judi online ditangkap"]
    assert all(h.text.lower() == "judi online" for s in cyber.gained_samples for h in s.hits)
    nk = by_rule[("north-korea", "nk-names")]
    assert (nk.gained, nk.lost) == (0, 1) and nk.lost_samples[0].hits[0].text == "Pyongyang"
    assert {t.topic: (t.gained, t.lost) for t in result.topics} == {"cybercrime": (2, 0), "north-korea": (0, 1)}


def test_alerts_per_route_destination_and_day_count_a_story_once(archive, rules_dirs):
    store, running = archive
    since, until = T0.timestamp(), (T0 + timedelta(days=2)).timestamp()
    result = backtest(
        store.scan(since, until),
        running,
        load_ruleset(rules_dirs[1]),
        routes=ROUTES,
        destinations={"slack-desk": "slack"},
        since=since,
        until=until,
    )
    by = {(d.route, d.destination): d for d in result.deliveries}
    desk = by[("cyber-desk", "slack-desk")]
    # Before: one story (two copies) -> 1 alert. After: + two gambling articles on two days.
    assert (desk.before, desk.after) == (1, 3)
    assert desk.days == {"2026-11-20": [1, 2], "2026-11-21": [0, 1]}
    console = by[("rest", "console")]
    assert (console.before, console.after) == (1, 0)  # the Pyongyang article no longer alerts
    assert result.days == pytest.approx(2.0)
    assert result.headline()[0] == (
        "this change would have sent 1.0 more slack alerts a day to slack-desk (route cyber-desk: 0.5 -> 1.5 a day)"
    )


def test_same_rules_change_nothing(archive, rules_dirs):
    store, running = archive
    result = backtest(store.scan(), running, load_ruleset(rules_dirs[0]), routes=ROUTES, destinations=DESTS)
    assert not result.changed and result.headline() == []
    assert all(d.before == d.after for d in result.deliveries)


def test_without_a_running_set_the_archive_is_the_baseline(archive, rules_dirs):
    store, _ = archive
    result = backtest(store.scan(), None, load_ruleset(rules_dirs[1]), routes=ROUTES, destinations=DESTS)
    assert result.running_version == "archived"
    assert {(r.rule, r.gained, r.lost) for r in result.rules} == {("cyber-terms", 2, 0), ("nk-names", 0, 1)}


def test_articles_classified_by_another_version_are_classified_again(archive, rules_dirs):
    store, running = archive
    other = load_ruleset(rules_dirs[1])
    result = backtest(store.scan(), other, other, routes=ROUTES, destinations=DESTS)
    assert result.reused == 0 and not result.changed


def test_an_edit_in_memory_is_backtested_without_touching_the_files(archive, rules_dirs, small_rules):
    store, running = archive
    edit = small_rules["asean.yaml"].replace("[ASEAN]", "[ASEAN, cabai]")
    proposed = proposed_ruleset(rules_dirs[0], {"asean.yaml": edit})
    assert (rules_dirs[0] / "asean.yaml").read_text(encoding="utf-8") == small_rules["asean.yaml"]
    result = backtest(store.scan(), running, proposed, routes=ROUTES, destinations=DESTS)
    assert [(r.topic, r.gained) for r in result.rules if r.gained] == [("asean", 1)]


def test_a_broken_edit_names_the_editors_file(rules_dirs, small_rules):
    with pytest.raises(RulesError) as caught:
        proposed_ruleset(rules_dirs[0], {"asean.yaml": small_rules["asean.yaml"].replace("any:", "anyy:")})
    assert caught.value.problems and all(p.file == str(rules_dirs[0] / "asean.yaml") for p in caught.value.problems)


STORY2 = (
    "Sebuah sindikat menjalankan ratusan situs taruhan dari sebuah ruko di pinggiran kota dan menarik dana "
    "ribuan pemain lewat rekening penampung. Penyidik menyita puluhan komputer, ponsel dan buku catatan "
    "setoran, lalu menelusuri aliran uang ke beberapa dompet kripto yang dipakai untuk menyamarkan hasilnya."
)


def test_stored_signatures_group_a_newly_matched_copy_with_its_story(tmp_path, rules_dirs):
    from pantau.adapters.sqlite.stories import SqliteStoryStore
    from pantau.streams.stories import StoryIndex

    running, proposed = load_ruleset(rules_dirs[0]), load_ruleset(rules_dirs[1])
    conn = open_state(tmp_path / "live.db")
    store, members = ArchiveStore(conn), SqliteStoryStore(conn)
    live = StoryIndex(members)  # as the pipeline: matched articles only, signatures kept
    first = art(1, "Sindikat penipuan daring dibongkar", STORY2 + " Modusnya penipuan daring.")
    copy = art(2, "Situs judi online digerebek", "MEDAN - " + STORY2 + " Polisi menyebutnya judi online.", feed="b")
    other = art(3, "Bandar judi online ditangkap", "Polisi menangkap bandar judi online di Medan.")
    intakes = []
    for a in (first, copy, other):
        c = running.classify(a)
        intakes.append(Intake(classified=c, story_id=live.assign(a).story_id if c.matches else None))
    store.record(intakes)
    assert [i.story_id is not None for i in intakes] == [True, False, False]  # only the first matched live

    plain = backtest(store.scan(), running, proposed, routes=ROUTES, destinations=DESTS)
    lent = backtest(store.scan(), running, proposed, routes=ROUTES, destinations=DESTS, members=members)
    for result in (plain, lent):
        (desk,) = [d for d in result.deliveries if d.destination == "slack-desk"]
        # The copy joins the first article's story (no new alert); the other gambling story alerts once more.
        assert (desk.before, desk.after) == (1, 2)
