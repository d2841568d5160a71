"""`pantau status`: the state file read through its owners' stores, the live process over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pantau.adapters.sqlite.feed_state import SqliteFeedStateStore
from pantau.adapters.sqlite.inbox import Inbox
from pantau.adapters.sqlite.outbox import SqliteOutbox
from pantau.adapters.sqlite.silences import SqliteSilences
from pantau.adapters.sqlite.state import open_state
from pantau.cli.status import collect_status, render
from pantau.config import Config
from pantau.core import metrics
from pantau.core.article import Article
from pantau.core.errors import StateError
from pantau.runtime.observe import start_observer
from pantau.sources.feed_state import FeedState
from pantau.sources.feeds import FeedSpec
from pantau.streams.classify import Classified
from pantau.streams.deliver.alert import Alert
from pantau.streams.deliver.destinations.slack import SlackSettings
from pantau.streams.deliver.destinations.webhook import WebhookSettings

ROOT = Path(__file__).resolve().parents[2]
NOW = float(int(time.time()))  # the outbox stamps some updates with the real clock


def _article(n: int, title: str) -> Article:
    fetched = datetime.fromtimestamp(NOW - 600, tz=timezone.utc)
    return Article(id=f"a{n}", url=f"https://news.example/{n}", title=title, fetched=fetched, feed="busy")


def _alert(n: int, destination: str, title: str) -> Alert:
    classified = Classified(article=_article(n, title), ruleset_version="v1")
    return Alert(
        key=f"k{n}-{destination}",
        destination=destination,
        route="route-0",
        classified=classified,
        story=f"s{n}",
        created=NOW - 500 + n,
    )


@pytest.fixture
def config(tmp_path: Path, rules_dir: Path) -> Config:
    """A monitor with four feeds in every state and two destinations, its state file filled through the stores."""
    cfg = Config(
        feeds=[
            FeedSpec(url="https://busy.example/rss", id="busy"),
            FeedSpec(url="https://down.example/rss", id="down", name="Down outlet"),
            FeedSpec(url="https://quiet.example/rss", id="quiet", silent_after=3600),
            FeedSpec(url="https://added.example/rss", id="added"),
        ],
        rules=rules_dir,
        state=tmp_path / "state.db",
        metrics=None,
        destinations={
            "siem": WebhookSettings(url="https://siem.example/hook"),
            "slack": SlackSettings(url="https://hooks.slack.example/x"),
        },
    )
    conn = open_state(cfg.state)
    feeds = SqliteFeedStateStore(conn)
    feeds.save(
        FeedState(
            feed="busy",
            url="https://busy.example/rss",
            last_attempt=NOW - 60,
            last_success=NOW - 60,
            last_new_item=NOW - 60,
        )
    )
    feeds.save(
        FeedState(
            feed="down",
            url="https://down.example/rss",
            failures=4,
            last_attempt=NOW - 30,
            last_success=NOW - 7200,
            last_error="HTTP 503 Service Unavailable",
        )
    )
    feeds.save(
        FeedState(
            feed="quiet",
            url="https://quiet.example/rss",
            last_attempt=NOW - 60,
            last_success=NOW - 60,
            last_new_item=NOW - 2 * 86400,
        )
    )
    outbox = SqliteOutbox(conn)
    alerts = [
        _alert(1, "siem", "Ransomware hits port"),
        _alert(2, "siem", "Botnet takedown"),
        _alert(3, "slack", "Phishing wave"),
        _alert(4, "slack", "Scam centre raid"),
    ]
    outbox.enqueue(alerts, [NOW - 400] * 4)
    outbox.mark_sent([alerts[0].key, alerts[1].key], at=NOW - 300)
    outbox.mark_retry([alerts[2].key], at=NOW + 60, error="HTTP 429 Too Many Requests")
    outbox.mark_dead([alerts[3].key], error="gave up after 8 attempts", at=NOW - 100)
    Inbox(conn).accept([_article(9, "Waiting to be classified")], now=NOW)
    SqliteSilences(conn).add("topic", "asean", 3600, "summit week", now=NOW - 10)
    conn.close()
    return cfg


def test_feeds_are_counted_by_verdict_with_the_failing_feeds_error(config: Config) -> None:
    report = collect_status(config, now=NOW, ask_process=False)
    verdicts = {f.feed: f.verdict for f in report.feeds}
    assert verdicts == {"busy": "ok", "down": "failing", "quiet": "silent", "added": "new"}
    (down,) = [f for f in report.feeds if f.feed == "down"]
    assert (down.failures, down.last_error, down.last_success) == (4, "HTTP 503 Service Unavailable", NOW - 7200)


def test_destinations_show_queues_last_delivery_and_last_error(config: Config) -> None:
    report = collect_status(config, now=NOW, ask_process=False)
    by_name = {d.name: d for d in report.destinations}
    siem, slack = by_name["siem"], by_name["slack"]
    assert (siem.state, siem.sent, siem.pending, siem.dead, siem.last_sent) == ("ok", 2, 0, 0, NOW - 300)
    assert (slack.state, slack.sent, slack.pending, slack.dead) == ("retrying", 0, 1, 1)
    assert slack.last_error == "HTTP 429 Too Many Requests"


def test_queues_and_last_alerts_newest_first(config: Config) -> None:
    report = collect_status(config, now=NOW, limit=3, ask_process=False)
    assert report.queues == {"inbox": 1, "outbox": 1, "dead_letters": 1, "silences": 1}
    assert len(report.alerts) == 3
    assert [a.at for a in report.alerts] == sorted((a.at for a in report.alerts), reverse=True)
    pending = [a for a in report.alerts if a.status == "pending"]
    assert [a.title for a in pending] == ["Phishing wave"]


def test_rule_version_comes_from_the_rules_on_disk_when_no_process_answers(config: Config) -> None:
    from pantau.streams.classify import load_ruleset

    report = collect_status(config, now=NOW, ask_process=False)
    assert (report.rules_version, report.rules_problem) == (load_ruleset(config.rules).version, None)
    rule = config.rules / "cybercrime.yaml"
    rule.write_text(rule.read_text().replace("any:", "anyy:"))
    broken = collect_status(config, now=NOW, ask_process=False)
    assert broken.rules_version is None and "anyy" in (broken.rules_problem or "")


def test_the_running_process_reports_readiness_rule_version_and_disabled_destinations(config: Config) -> None:
    metrics.RULES_INFO.info({"version": "live-version-1"})
    metrics.DESTINATION_UP.labels("slack").set(0)
    try:
        with start_observer("127.0.0.1:0", lambda: ["no rule set loaded"]) as obs:
            config.metrics = f"127.0.0.1:{obs.port}"
            report = collect_status(config, now=NOW)
    finally:
        metrics.DESTINATION_UP.remove("slack")
        metrics.RULES_INFO.info({})
    assert (report.live.running, report.live.ready, report.live.reasons) == (True, False, ["no rule set loaded"])
    assert report.rules_version == "live-version-1"
    assert {d.name: d.state for d in report.destinations} == {"siem": "ok", "slack": "disabled"}


def test_the_terminal_rendering_names_the_trouble(config: Config) -> None:
    from rich.console import Console

    console = Console(record=True, width=200, color_system=None)
    render(collect_status(config, now=NOW, ask_process=False), console, NOW)
    text = console.export_text()
    assert "feeds: 4 (1 ok, 0 unreachable, 1 failing, 1 silent, 0 gone, 1 new, 0 disabled)" in text
    assert "HTTP 503 Service Unavailable" in text and "2h ago" in text
    assert "retrying" in text and "Phishing wave" in text
    assert "1 articles to classify, 1 alerts to deliver, 1 dead letters, 1 silences active" in text


def test_a_missing_state_file_is_a_state_error_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(StateError) as err:
        collect_status(Config(state=tmp_path / "nope" / "nope.db", metrics=None), ask_process=False)
    assert "nope.db; has pantau run here?" in err.value.message and "pantau run" in (err.value.hint or "")
    assert not (tmp_path / "nope").exists()  # a read-only command creates neither the file nor its folder


def test_status_after_a_real_run_once_matches_what_the_receiver_got(
    tmp_path: Path, e2e, write_monitor, webhook_receiver
) -> None:
    write_monitor(
        [
            e2e.Item("Ransomware menyerang bank daerah", "https://news.example/r/1", "Layanan terganggu."),
            e2e.Item("Festival kuliner di alun-alun", "https://news.example/r/2", "Ramai pengunjung."),
        ]
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PANTAU_LOG_FORMAT": "json"}

    def pantau(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pantau.cli.main", *args, "--config", "pantau.yaml"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    ran = pantau("run", "--once")
    assert ran.returncode == 0, ran.stderr
    status = pantau("status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert len(webhook_receiver.received) == 1
    assert [(d["name"], d["sent"], d["pending"], d["state"]) for d in report["destinations"]] == [("siem", 1, 0, "ok")]
    feeds = {f["feed"]: f for f in report["feeds"]}
    assert feeds["outlet"]["verdict"] == "ok" and feeds["outlet"]["last_new_item"] <= time.time()
    assert feeds["gone"]["failures"] == 1 and "404" in feeds["gone"]["last_error"]
    assert report["queues"] == {"inbox": 0, "outbox": 0, "dead_letters": 0, "silences": 0}
    assert report["live"]["running"] is False


def test_a_refused_rule_edit_shows_in_status_located_while_the_process_stays_ready(config: Config) -> None:
    from rich.console import Console

    from pantau.streams.classify import LiveRules

    live = LiveRules(config.rules)
    running = live.current.version
    rule = config.rules / "cybercrime.yaml"
    rule.write_text(rule.read_text().replace("any:", "anyy:"))
    assert live.reload() is False
    with start_observer("127.0.0.1:0", lambda: [], degraded=live.degraded) as obs:
        config.metrics = f"127.0.0.1:{obs.port}"
        report = collect_status(config, now=NOW)
    assert report.live.ready and len(report.live.reasons) == 1
    assert f"still running version {running}" in report.live.reasons[0] and "cybercrime.yaml:" in report.live.reasons[0]
    console = Console(record=True, width=300, color_system=None)
    render(report, console, NOW)
    text = console.export_text()
    assert "running, ready, degraded: rules on disk refused" in text and "anyy" in text


def test_a_feed_never_fetched_successfully_is_unreachable_with_its_error_not_ok(config: Config) -> None:
    config.feeds.append(FeedSpec(url="https://offline.example/rss", id="offline"))
    conn = open_state(config.state)
    SqliteFeedStateStore(conn).save(
        FeedState(
            feed="offline",
            url="https://offline.example/rss",
            failures=1,
            last_attempt=NOW - 20,
            last_error="connection refused",
        )
    )
    conn.close()
    report = collect_status(config, now=NOW, ask_process=False)
    (offline,) = [f for f in report.feeds if f.feed == "offline"]
    assert (offline.verdict, offline.last_error) == ("unreachable", "connection refused")


def test_last_alerts_show_the_titles_of_sent_alerts(config: Config) -> None:
    report = collect_status(config, now=NOW, limit=10, ask_process=False)
    sent = {a.title for a in report.alerts if a.status == "sent"}
    assert sent == {"Ransomware hits port", "Botnet takedown"}
