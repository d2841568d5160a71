"""A backtest's scope: only the edited topics (and those naming them) are classified again, with the same result."""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from pantau.adapters.sqlite.archive import ArchiveStore, Intake
from pantau.adapters.sqlite.state import open_state
from pantau.core.article import Article, article_id
from pantau.streams.backtest import backtest, proposal
from pantau.streams.backtest_scope import edit_scope
from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.deliver.config import RouteSpec

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
ROUTES = [
    RouteSpec(name="cyber-desk", topics=["cybercrime"], to=["slack-desk"]),
    RouteSpec(name="rest", default=True, to=["console"]),
]
HELDOUT = Path(__file__).resolve().parents[1] / "fixtures" / "heldout"
REFERRING = """\
  - id: cyber-in-dprk
    query: topic:north-korea AND peretas
"""


def art(n: int, title: str, content: str, *, day: int = 0) -> Article:
    at = T0 + timedelta(days=day, minutes=n)
    url = f"https://a.example/{n}"
    return Article(id=article_id(url), url=url, title=title, content=content, fetched=at, published=at, feed="a")


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("corpus", "__pycache__", "*.md", "*.py"))
    return dst


def _figures(result) -> tuple:
    return (
        [(t.topic, t.before, t.after, t.gained, t.lost) for t in result.topics],
        [(r.topic, r.rule, r.before, r.after, r.gained, r.lost) for r in result.rules],
        [[s.article_id for s in r.gained_samples + r.lost_samples] for r in result.rules],
        [(d.route, d.destination, d.before, d.after, d.days) for d in result.deliveries],
    )


@pytest.fixture
def rules(tmp_path, small_rules) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for name, text in small_rules.items():
        (folder / name).write_text(text + (REFERRING if name == "cybercrime.yaml" else ""), encoding="utf-8")
    return folder


def test_one_edited_topic_is_the_scope(rules):
    edited = (rules / "asean.yaml").read_text(encoding="utf-8").replace("[ASEAN]", "[ASEAN, cabai]")
    _ruleset, scope = proposal(rules, {"asean.yaml": edited})
    assert scope is not None and scope.topics == {"asean"}
    assert scope.ruleset is not None and scope.ruleset.topics == ("asean",)
    assert scope.applies(load_ruleset(rules).version) and not scope.applies("other")


def test_a_topic_naming_the_edited_one_joins_the_scope(rules):
    edited = (rules / "north-korea.yaml").read_text(encoding="utf-8").replace(", Pyongyang]", "]")
    _ruleset, scope = proposal(rules, {"north-korea.yaml": edited})
    assert scope is not None and scope.topics == {"north-korea", "cybercrime"}


def test_the_topics_an_edited_one_names_are_loaded_but_not_rejudged(rules):
    edited = (rules / "cybercrime.yaml").read_text(encoding="utf-8").replace("ransomware,", "ransomware, judi,")
    _ruleset, scope = proposal(rules, {"cybercrime.yaml": edited})
    assert scope is not None and scope.topics == {"cybercrime"}
    assert scope.ruleset is not None and set(scope.ruleset.topics) == {"cybercrime", "north-korea"}


def test_no_scope_when_every_topic_changes_and_none_needed_for_a_removal(rules, tmp_path):
    proposed = _copy(rules, tmp_path / "all")
    for path in proposed.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert edit_scope(rules, proposed) is None
    removed = _copy(rules, tmp_path / "removed")
    (removed / "asean.yaml").unlink()
    scope = edit_scope(rules, removed)
    assert scope is not None and scope.topics == {"asean"} and scope.ruleset is None


def test_scoped_backtest_equals_the_whole_classification(rules, tmp_path):
    running = load_ruleset(rules)
    store = ArchiveStore(open_state(tmp_path / "state.db"))
    texts = [
        ("Peretas Korea Utara mencuri kripto", "Kelompok peretas dari Pyongyang mencuri kripto."),
        ("Situs judi diblokir", "Kominfo memblokir ribuan situs judi."),
        ("KTT ASEAN dibuka", "Para pemimpin ASEAN bertemu membahas harga cabai."),
        ("Harga cabai naik", "Harga cabai rawit naik di pasar."),
        ("Delegasi tiba di Pyongyang", "Rombongan diplomat tiba di Pyongyang."),
    ]
    store.record([Intake(classified=running.classify(art(i, t, c, day=i % 3))) for i, (t, c) in enumerate(texts)])
    edits = {
        "north-korea.yaml": (", Pyongyang]", "]"),
        "cybercrime.yaml": ("ransomware,", "ransomware, judi,"),
        "asean.yaml": ("[ASEAN]", "[ASEAN, cabai]"),
    }
    dests = {"slack-desk": "slack"}
    for name, (old, new) in edits.items():
        text = (rules / name).read_text(encoding="utf-8")
        assert old in text
        proposed, scope = proposal(rules, {name: text.replace(old, new)})
        assert scope is not None
        whole = backtest(store.scan(), running, proposed, routes=ROUTES, destinations=dests)
        scoped = backtest(store.scan(), running, proposed, routes=ROUTES, destinations=dests, scope=scope)
        assert whole.changed, name  # each edit changes something, so the comparison means something
        assert _figures(scoped) == _figures(whole), name
        assert scoped.narrowed == len(texts) and whole.narrowed == 0


def test_scope_is_ignored_for_matches_another_rule_set_made(rules, tmp_path):
    running = load_ruleset(rules)
    store = ArchiveStore(open_state(tmp_path / "state.db"))
    store.record([Intake(classified=running.classify(art(1, "Peretas", "Peretas membobol bank.")))])
    text = (rules / "asean.yaml").read_text(encoding="utf-8").replace("[ASEAN]", "[ASEAN, bank]")
    proposed, scope = proposal(rules, {"asean.yaml": text})
    nk = rules / "north-korea.yaml"
    nk.write_text(nk.read_text(encoding="utf-8").replace(", Pyongyang]", "]"), encoding="utf-8")
    other = load_ruleset(rules)  # not the set the scope was cut from
    result = backtest(store.scan(), other, proposed, scope=scope)
    assert result.narrowed == 0 and [(t.topic, t.gained) for t in result.topics if t.gained] == [("asean", 1)]


def _heldout(n: int) -> list[tuple[str, str]]:
    items = []
    for path in sorted(HELDOUT.glob("*.yaml")):
        for item in YAML(typ="safe").load(path.read_text(encoding="utf-8")) or []:
            items.append((item.get("title") or "", item.get("content") or ""))
    random.Random(5).shuffle(items)
    return items[:n]


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        # A term taken away: the judge can only take matches away, so an added term's gains may not show.
        ("cybercrime.yaml", "      - hacker\n", ""),
        ("north-korea.yaml", "    - Kaesong\n", "    - Kaesong\n    - Tiongkok\n    - China\n    - Rusia\n"),
    ],
)
def test_scoped_backtest_equals_the_whole_one_with_the_shipped_rules(tmp_path, name, old, new):
    """The shipped topics refer to each other (state-hackers: topic:cybercrime AND topic:north-korea)."""
    rules = _copy(default_rules_dir(), tmp_path / "rules")
    running = load_ruleset(rules)
    store = ArchiveStore(open_state(tmp_path / "state.db"))
    items = _heldout(300)
    store.record([Intake(classified=running.classify(art(i, t, c, day=i % 4))) for i, (t, c) in enumerate(items)])
    text = (rules / name).read_text(encoding="utf-8")
    assert old in text
    proposed, scope = proposal(rules, {name: text.replace(old, new, 1)})
    assert scope is not None and len(scope.topics) < len(running.topics)
    routes = [*ROUTES[:1], RouteSpec(name="dprk", topics=["north-korea"], to=["console"], continue_=True), ROUTES[1]]
    whole = backtest(store.scan(), running, proposed, routes=routes, destinations={"slack-desk": "slack"})
    scoped = backtest(store.scan(), running, proposed, routes=routes, destinations={"slack-desk": "slack"}, scope=scope)
    assert whole.changed and scoped.narrowed == whole.articles
    assert _figures(scoped) == _figures(whole)
    # Classified ahead in two forked workers (small chunks, so many are in flight): the same again.
    forked = backtest(
        store.scan(), running, proposed, routes=routes, destinations={"slack-desk": "slack"}, scope=scope, workers=2
    )
    assert _figures(forked) == _figures(whole) and forked.narrowed == whole.articles


def test_classifying_ahead_keeps_the_order_and_asks_only_what_is_needed(rules):
    from pantau.streams.backtest_pool import ahead

    ruleset = load_ruleset(rules)
    items = [art(i, "Peretas" if i % 3 == 0 else "Cabai", "Isi berita.") for i in range(40)]

    def job(a):
        return a, ("rules" if int(a.url.rsplit("/", 1)[1]) % 2 == 0 else None), None

    for workers in (1, 2):
        out = list(ahead(items, job, {"rules": ruleset}, workers=workers, chunk=3))
        assert [a for a, _m, _n in out] == items
        for a, first, second in out:
            n = int(a.url.rsplit("/", 1)[1])
            assert second is None
            assert first == (ruleset.classify(a).matches if n % 2 == 0 else None)
        assert any(first for _a, first, _s in out)
