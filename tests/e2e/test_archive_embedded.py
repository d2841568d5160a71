"""End to end, embedded: `pantau run --once` archives every article; `pantau archive` finds them with their fates."""

from __future__ import annotations

import json

from test_embedded import COPY, MATCHING, NOT_MATCHING, once, site  # noqa: F401  (site is a fixture)


def archive(run_pantau, cwd, config, *args: str) -> list[dict]:
    proc = run_pantau("archive", *args, "--config", str(config), "--json", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_every_article_is_archived_with_its_topics_story_and_delivered_alerts(site, run_pantau, webhook_receiver):  # noqa: F811
    cwd, config = site
    once(run_pantau, cwd, config)
    everything = archive(run_pantau, cwd, config, "search", "", "--limit", "50")
    assert sorted(e["article"]["title"] for e in everything) == sorted(
        i.title for i in MATCHING + NOT_MATCHING + [COPY]
    )
    by_title = {e["article"]["title"]: e for e in everything}
    assert by_title["Harga Beras Turun Jelang Panen"]["topics"] == []
    nk, copy = by_title[MATCHING[0].title], by_title[COPY.title]
    assert nk["story_id"] == copy["story_id"]  # two outlets, one story
    assert "north-korea" in nk["topics"]
    # The story's one alert reached the receiver, and the archive knows it.
    assert [(a["destination"], a["status"]) for a in nk["alerts"]] == [("siem", "sent")]
    assert copy["alerts"] == nk["alerts"]

    (hit,) = archive(run_pantau, cwd, config, "search", "ransomware rumah sakit", "--topic", "cybercrime")
    assert hit["article"]["title"] == MATCHING[1].title
    assert any(marked for _, marked in hit["title_marked"])
    assert archive(run_pantau, cwd, config, "search", "ransomware", "--topic", "asean") == []

    shown = run_pantau("archive", "show", nk["article"]["id"], "--config", str(config), cwd=cwd)
    assert shown.returncode == 0, shown.stderr
    assert "2 copies" in shown.stdout and "siem via all-topics: sent" in shown.stdout


def test_search_before_any_run_says_what_to_do(tmp_path, run_pantau, write_config):
    config = write_config(tmp_path, feeds=[], state="nothing/state.db", metrics=None)
    proc = run_pantau("archive", "search", "x", "--config", str(config), cwd=tmp_path)
    assert proc.returncode == 1 and "nothing archived yet" in proc.stderr and "hint:" in proc.stderr


def test_backtest_of_an_edit_over_what_the_run_archived(site, run_pantau, small_rules):  # noqa: F811
    cwd, config = site
    once(run_pantau, cwd, config)
    proposed = cwd / "proposed"
    proposed.mkdir()
    for name, text in small_rules.items():
        (proposed / name).write_text(text, encoding="utf-8")
    # The edit: ASEAN also takes rice prices; North Korea's rule is gone.
    (proposed / "asean.yaml").write_text(
        small_rules["asean.yaml"].replace("[ASEAN]", "[ASEAN, harga beras]"), encoding="utf-8"
    )
    (proposed / "north-korea.yaml").unlink()
    proc = run_pantau("rules", "backtest", "--rules", str(proposed), "--since", "1d", "--config", str(config), cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout

    assert "asean/asean-name" in out and "+ Harga Beras Turun Jelang Panen  [Harga Beras" in out
    assert "- Peretas Korut Bobol Bursa Kripto" in out or "- Korut Disebut Dalang" in out
    # The crypto story still alerts through cybercrime; rice adds one alert: one more a day on the webhook.
    assert "this change would have sent 1.0 more webhook alerts a day to siem" in out

    as_json = run_pantau("rules", "backtest", "--rules", str(proposed), "--config", str(config), "--json", cwd=cwd)
    result = json.loads(as_json.stdout)
    assert result["articles"] == 6 and result["reused"] == 6
    (siem,) = result["deliveries"]
    assert (siem["before"], siem["after"]) == (3, 4)


def test_a_delivered_alerts_signed_link_records_a_verdict_that_quality_reports(site, run_pantau, webhook_receiver):  # noqa: F811
    from urllib.parse import parse_qs, urlsplit

    from pantau.adapters.sqlite.feedback import FeedbackStore
    from pantau.adapters.sqlite.state import open_state
    from pantau.config import load_config
    from pantau.streams.deliver.feedback import signer_for

    cwd, config = site
    once(run_pantau, cwd, config)
    bodies = [json.loads(r.body) for r in webhook_receiver.received]
    alert = next(a for b in bodies for a in b["alerts"] if a["article"]["title"] == MATCHING[1].title)
    link = urlsplit(alert["feedback"]["not_relevant"])
    assert link.geturl().startswith("http://127.0.0.1:8464/feedback/")  # no public_url: the local page
    _, _, key, verdict = link.path.split("/")
    query = {k: v[0] for k, v in parse_qs(link.query).items()}
    assert key == alert["key"]
    # What the web page does on the confirming POST: check the link, then record.
    cfg = load_config(config)
    assert signer_for(cfg).verify(key, verdict, query["exp"], query["sig"], article=query["a"]) == "not_relevant"
    FeedbackStore(open_state(cfg.state)).record(key, verdict, who="desk-editor", article_id=query["a"])

    proc = run_pantau("rules", "quality", "--config", str(config), "--json", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    quality = json.loads(proc.stdout)
    (cyber,) = [r for r in quality["rules"] if r["topic"] == "cybercrime"]
    assert (cyber["alerts"], cyber["not_relevant"], cyber["precision"]) == (2, 1, 0.0)
    proc = run_pantau("rules", "candidates", "--config", str(config), cwd=cwd)
    assert "should_not_match for cybercrime/cyber-terms" in proc.stdout and MATCHING[1].title in proc.stdout


def test_retention_is_enforced_by_the_runner_and_zero_turns_the_archive_off(tmp_path):
    import asyncio
    import time as clock
    from datetime import datetime, timezone

    from pantau.adapters.sqlite.archive import Intake
    from pantau.config import Config
    from pantau.core.article import Article
    from pantau.runtime.embedded import EmbeddedRunner
    from pantau.streams.classify import Classified

    old = Article(
        id="old",
        url="https://x.example/old",
        title="Berita lama",
        fetched=datetime(2020, 1, 1, tzinfo=timezone.utc),
        feed="x",
    )
    config = Config(state=tmp_path / "s.db", metrics=None, archive="14d")
    runner = EmbeddedRunner(config)
    try:
        runner.archive.record([Intake(classified=Classified(article=old))])
        runner._pruned_at = 0.0
        assert runner.prune_archive(now=clock.time()) == 1 and runner.archive.get("old") is None
        assert runner.prune_archive() == 0  # at most hourly
    finally:
        asyncio.run(runner.aclose())
    off = EmbeddedRunner(Config(state=tmp_path / "t.db", metrics=None, archive=0))
    try:
        assert off.archive is None
    finally:
        asyncio.run(off.aclose())
