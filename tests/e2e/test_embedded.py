"""End to end, embedded: real feed server -> `pantau run --once` subprocess -> real webhook receiver."""

from __future__ import annotations

import base64
import re
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from servers import Item, rss
from standardwebhooks import Webhook

from pantau.adapters.sqlite.inbox import Inbox
from pantau.adapters.sqlite.state import open_state
from pantau.core.article import Article, article_id

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whsec_" + base64.b64encode(b"pantau-e2e-secret-0123456789abcd").decode()
T0 = datetime(2026, 11, 17, 8, 0, tzinfo=timezone.utc)

NK_BODY = (
    "Kelompok peretas yang dikaitkan dengan Korea Utara diduga membobol sebuah bursa kripto di Singapura "
    "dan memindahkan aset digital senilai ratusan juta dolar dalam waktu kurang dari satu jam. Perusahaan "
    "analisis blockchain menyebut dana curian dipecah ke ratusan alamat lalu dicuci melalui layanan "
    "pencampur, pola yang sama dengan serangan terhadap bursa lain tahun lalu."
)
MATCHING = [
    Item("Peretas Korut Bobol Bursa Kripto", "https://kabar.example/nk-kripto", "JAKARTA - " + NK_BODY, T0),
    Item(
        "Ransomware Lumpuhkan Rumah Sakit Daerah",
        "https://kabar.example/ransomware",
        "Serangan ransomware melumpuhkan sistem rekam medis sebuah rumah sakit sejak Senin.",
        T0,
    ),
    Item(
        "Menlu ASEAN Bertemu di Kuala Lumpur",
        "https://kabar.example/asean",
        "Para menteri luar negeri negara anggota ASEAN membahas kode etik Laut China Selatan.",
        T0,
    ),
]
NOT_MATCHING = [
    Item(
        "Harga Beras Turun Jelang Panen",
        "https://kabar.example/beras",
        "Harga beras medium di pasar induk turun lima ratus rupiah per kilogram.",
        T0,
    ),
    Item(
        "Mahasiswa Ikuti Hackathon Kota Pintar",
        "https://kabar.example/hackathon",
        "Tiga ratus mahasiswa membuat aplikasi pemantau banjir selama 48 jam.",
        T0,
    ),
]
# The same North Korea story from a second outlet: one story, one alert.
COPY = Item(
    "Korut Disebut Dalang Pembobolan Bursa",
    "https://warta.example/korut-bursa",
    "SEOUL - " + NK_BODY + " Baca juga: Jadwal pemadaman listrik.",
    T0 + timedelta(hours=2),
)


EVERY_TOPIC_TO_SIEM = [{"name": "all-topics", "topics": ["cybercrime", "north-korea", "asean"], "to": ["siem"]}]


def outlets(feed_server, **settings: object) -> list[dict]:
    """The site's two outlets, Kabar and Warta, as feed list entries with ``settings`` each."""
    return [
        {"url": feed_server.url("/kabar.xml"), "name": "Kabar", **settings},
        {"url": feed_server.url("/warta.xml"), "name": "Warta", **settings},
    ]


@pytest.fixture
def site(tmp_path, feed_server, webhook_receiver, write_config, write_rules, small_rules):
    """Rules, two feeds on the local server, and a config sending every topic to the receiver."""
    write_rules(tmp_path, small_rules)
    feed_server.put("/kabar.xml", rss("Kabar", MATCHING + NOT_MATCHING))
    feed_server.put("/warta.xml", rss("Warta", [COPY]))
    config = write_config(
        tmp_path,
        feeds=outlets(feed_server),
        rules="rules",
        state="state/pantau.db",
        metrics=None,
        destinations={
            "siem": {
                "type": "webhook",
                "url": webhook_receiver.url,
                "secret": SECRET,
                "retry": [0, 0.2, 0.2, 0.2],
                **ONE_PER_REQUEST,
            }
        },
        routes=EVERY_TOPIC_TO_SIEM,
    )
    return tmp_path, config


def delivered_titles(receiver) -> list[str]:
    """Verify each delivery's Standard Webhooks signature; return the article titles."""
    hook = Webhook(SECRET)
    titles = []
    for req in receiver.received:
        payload = hook.verify(req.body, req.headers)
        titles.append(_title_of(payload))
    return titles


def stories(titles: list[str]) -> list[str]:
    """Titles sorted, the second outlet's copy counted as the story it copies.

    Feeds are polled concurrently, so either outlet's copy may reach the
    pipeline first and be the one the alert shows.
    """
    return sorted(MATCHING[0].title if t == COPY.title else t for t in titles)


EXPECTED = sorted(i.title for i in MATCHING)
ONE_PER_REQUEST = {"batch": 1}
"""These tests follow each alert's attempts by request and webhook-id: one alert per request (a webhook
sends alerts due together in one request by default; tests/streams/deliver/test_deliver_dispatch.py)."""


def _title_of(payload: dict) -> str:
    assert len(payload["alerts"]) == 1  # no grouping configured: one alert per message
    return payload["alerts"][0]["article"]["title"]


def once(run_pantau, cwd: Path, config: Path):
    proc = run_pantau("run", "--once", "--config", str(config), "--allow-private", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_run_once_delivers_each_matching_story_once_and_nothing_on_a_second_run(
    site, run_pantau, webhook_receiver, feed_server
):
    cwd, config = site
    first = once(run_pantau, cwd, config)
    assert stories(delivered_titles(webhook_receiver)) == EXPECTED
    assert len({r.headers["webhook-id"] for r in webhook_receiver.received}) == 3
    assert re.search(
        r"2 feeds polled \(0 failed\), 6 new articles, 4 matched, 3 new alerts: 3 delivered", first.stderr
    ), first.stderr

    second = once(run_pantau, cwd, config)
    assert len(webhook_receiver.received) == 3
    assert "0 new articles" in second.stderr and "0 new alerts" in second.stderr

    # A new matching item in the feed: only it is delivered on the next run.
    extra = Item(
        "Sindikat Penipuan Daring Dibongkar",
        "https://kabar.example/penipuan",
        "Polisi menangkap sembilan tersangka penipuan daring yang menguras rekening nasabah.",
        T0,
    )
    feed_server.put("/kabar.xml", rss("Kabar", MATCHING + NOT_MATCHING + [extra]))
    once(run_pantau, cwd, config)
    assert delivered_titles(webhook_receiver)[3:] == [extra.title]


def test_an_article_accepted_before_a_crash_is_processed_on_restart(site, run_pantau, webhook_receiver):
    cwd, config = site
    once(run_pantau, cwd, config)
    assert len(webhook_receiver.received) == 3
    # What a process killed between accepting an article and classifying it leaves behind:
    # the article committed in the inbox, not yet processed.
    url = "https://kabar.example/pending"
    conn = open_state(cwd / "state" / "pantau.db")
    Inbox(conn).accept(
        [
            Article(
                id=article_id(url),
                url=url,
                title="Peretas Serang Situs Pemerintah",
                content="Peretas merusak tampilan situs pemerintah daerah.",
                published=T0,
                fetched=T0,
                feed="kabar",
                feed_name="Kabar",
                language="id",
            )
        ]
    )
    conn.close()
    once(run_pantau, cwd, config)
    assert delivered_titles(webhook_receiver)[3:] == ["Peretas Serang Situs Pemerintah"]


def test_a_receiver_failing_twice_still_gets_each_alert_once(site, run_pantau, webhook_receiver):
    cwd, config = site
    webhook_receiver.fail(times=2, status=500)
    proc = once(run_pantau, cwd, config)
    assert stories(delivered_titles(webhook_receiver)) == EXPECTED
    assert len(webhook_receiver.requests) == 5  # two refused attempts, then three accepted
    assert "3 delivered, 0 waiting for retry" in proc.stderr


def test_a_receiver_asking_to_wait_gets_each_alert_once_after_retry_after(site, run_pantau, webhook_receiver):
    cwd, config = site
    webhook_receiver.fail(times=1, status=429, retry_after=1)
    proc = once(run_pantau, cwd, config)
    assert stories(delivered_titles(webhook_receiver)) == EXPECTED
    assert [r.headers["webhook-id"] for r in webhook_receiver.requests].count(
        webhook_receiver.requests[0].headers["webhook-id"]
    ) == 2  # the refused message, sent again
    assert "3 delivered, 0 waiting for retry, 0 dead-lettered" in proc.stderr


def test_unreachable_feeds_are_reported_and_the_run_completes(
    tmp_path, run_pantau, write_config, write_rules, small_rules
):
    write_rules(tmp_path, small_rules)
    config = write_config(
        tmp_path,
        feeds=[{"url": "http://127.0.0.1:9/nothing.xml", "name": "Down"}],
        rules="rules",
        state="s.db",
        metrics=None,
    )
    proc = run_pantau("run", "--once", "--config", str(config), "--allow-private", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "feed failed: " in proc.stderr and "127.0.0.1:9" in proc.stderr
    assert "1 feeds polled (1 failed)" in proc.stderr


def test_demo_prints_alerts_offline(tmp_path, run_pantau):
    proc = run_pantau("demo", cwd=tmp_path, env={"COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # Two outlets carry the crypto-theft story: one alert, showing whichever copy came first.
    copies = ("Peretas Korea Utara Diduga Bobol Bursa Kripto", "Korut Disebut Dalang Pembobolan Bursa Kripto")
    assert sum(out.count(title) for title in copies) == 1
    assert "Polisi Bongkar Sindikat Penipuan Daring" in out
    assert "ASEAN ministers agree joint task force" in out
    for unrelated in ("Harga Beras", "Hackathon", "K-pop", "Festival Kuliner", "cà phê"):
        assert unrelated not in out
    assert not list(tmp_path.iterdir())  # the demo leaves no state behind


def test_the_monitor_runs_until_ctrl_c_and_serves_metrics(
    site, pantau_process, webhook_receiver, write_config, feed_server
):
    cwd, _ = site
    config = write_config(
        cwd,
        feeds=outlets(feed_server, interval=1),
        rules="rules",
        state="state/pantau.db",
        metrics="127.0.0.1:0",
        network={"allow_private": True},
        destinations={"siem": {"type": "webhook", "url": webhook_receiver.url, "secret": SECRET, **ONE_PER_REQUEST}},
        routes=EVERY_TOPIC_TO_SIEM,
    )
    monitor = pantau_process("run", "--config", str(config), cwd=cwd)
    assert stories(delivered_titles_after(webhook_receiver, 3)) == EXPECTED
    # The long-lived heap was frozen at start (pantau/core/heap.py): the start line counts it.
    assert monitor.logged("monitor_started")["frozen_objects"] > 0
    metrics_url = f"http://{monitor.logged('observer_started')['address']}/metrics"
    # Deliveries can overtake the classification of the unmatched articles: wait for all six.
    assert scrape_until(metrics_url, r"^pantau_classify_articles_ingested_total 6\.0$")
    assert monitor.interrupt() == 0
    assert monitor.logged("monitor_stopped")
    assert len(webhook_receiver.received) == 3


def test_a_monitor_killed_mid_retry_delivers_once_after_restart(
    site, pantau_process, run_pantau, webhook_receiver, write_config, feed_server
):
    cwd, _ = site
    config = write_config(
        cwd,
        feeds=outlets(feed_server, interval=1),
        rules="rules",
        state="state/pantau.db",
        metrics=None,
        destinations={
            "siem": {
                "type": "webhook",
                "url": webhook_receiver.url,
                "secret": SECRET,
                "retry": [0, 1, 1, 1, 1, 1, 1, 1],
                **ONE_PER_REQUEST,
            }
        },
        routes=EVERY_TOPIC_TO_SIEM,
    )
    webhook_receiver.fail(times=1000, status=503)
    monitor = pantau_process("run", "--config", str(config), "--allow-private", cwd=cwd)
    deadline = time.monotonic() + 30
    while len({r.headers["webhook-id"] for r in webhook_receiver.requests}) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert monitor.kill() != 0  # every story was tried and refused; now the process dies
    assert webhook_receiver.received == []
    webhook_receiver.recover()
    once(run_pantau, cwd, config)
    assert stories(delivered_titles(webhook_receiver)) == EXPECTED
    once(run_pantau, cwd, config)
    assert len(webhook_receiver.received) == 3


def test_rule_and_feed_list_edits_take_effect_in_the_running_monitor(
    site, pantau_process, webhook_receiver, write_config, feed_server, small_rules
):
    cwd, _ = site
    feeds = cwd / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {feed_server.url('/kabar.xml')}\n    name: Kabar\n    interval: 1\n")
    config = write_config(
        cwd,
        feeds="feeds.yaml",
        rules="rules",
        state="state/pantau.db",
        metrics=None,
        network={"allow_private": True},
        destinations={"siem": {"type": "webhook", "url": webhook_receiver.url, "secret": SECRET, **ONE_PER_REQUEST}},
        routes=EVERY_TOPIC_TO_SIEM,
    )
    monitor = pantau_process("run", "--config", str(config), cwd=cwd)
    assert stories(delivered_titles_after(webhook_receiver, 3)) == EXPECTED
    rule_file = cwd / "rules" / "cybercrime.yaml"
    # A typo first: refused with its location, and the watcher reads the fix that follows.
    rule_file.write_text(small_rules["cybercrime.yaml"].replace("penipuan daring]", "penipuan daring, '@phising']"))
    refused = monitor.logged("rules_reload_refused")
    assert "cybercrime.yaml:" in refused["problems"][0] and "'@phising'" in refused["problems"][0]
    rule_file.write_text(small_rules["cybercrime.yaml"].replace("penipuan daring]", "penipuan daring, phishing]"))
    monitor.logged("rules_reloaded")
    # Feeds are polled at most once a minute, so the new article comes from a feed added to the list.
    phishing = Item(
        "Gelombang Phishing Incar Nasabah Bank",
        "https://lain.example/phishing",
        "Pesan phishing yang meniru bank beredar lewat SMS sejak pekan lalu.",
        T0,
    )
    feed_server.put("/lain.xml", rss("Lain", [phishing]))
    with feeds.open("a") as fh:
        fh.write(f"  - url: {feed_server.url('/lain.xml')}\n    name: Lain\n    interval: 1\n")
    assert delivered_titles_after(webhook_receiver, 4)[3:] == [phishing.title]
    assert monitor.interrupt() == 0


def delivered_titles_after(receiver, count: int) -> list[str]:
    receiver.wait_for(count, timeout=30)
    return delivered_titles(receiver)


def scrape_until(url: str, pattern: str, timeout: float = 20.0) -> bool:
    """Scrape ``url`` until a line matches ``pattern`` (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url, timeout=10) as resp:
            if re.search(pattern, resp.read().decode(), re.M):
                return True
        time.sleep(0.1)
    return False


def test_the_seed_articles_served_as_feeds_alert_once_per_story_with_their_topics(
    tmp_path, seeds_dir, feed_server, webhook_receiver, write_config, run_pantau
):
    # The real articles, read at test time (never copied), served as two outlets' feeds;
    # the shipped rules decide. Seeds 000 and 001 are one story: one alert.
    index = YAML(typ="safe").load((seeds_dir / "index.yaml").read_text(encoding="utf-8"))
    items = {}
    for n, entry in enumerate(index):
        text = (seeds_dir / entry["file"]).read_text(encoding="utf-8")
        published = datetime.fromisoformat(str(entry["published"]))
        published = published if published.tzinfo else published.replace(tzinfo=timezone.utc)
        title = entry.get("title") or text.strip().splitlines()[0][:80]
        items[entry["file"]] = Item(title, f"https://seed{n}.example/{entry['file']}", text, published)
    files = sorted(items)
    feed_server.put("/a.xml", rss("Seeds A", [items[f] for f in files[::2]]))
    feed_server.put("/b.xml", rss("Seeds B", [items[f] for f in files[1::2]]))
    config = write_config(
        tmp_path,
        feeds=[
            {"url": feed_server.url("/a.xml"), "name": "A", "language": "id"},
            {"url": feed_server.url("/b.xml"), "name": "B", "language": "id"},
        ],
        rules=str(ROOT / "rules"),
        state="s.db",
        metrics=None,
        network={"allow_private": True},
        destinations={"siem": {"type": "webhook", "url": webhook_receiver.url, "secret": SECRET}},
        routes=EVERY_TOPIC_TO_SIEM,
    )
    once(run_pantau, tmp_path, config)
    by_url = {item.link: entry for entry in index for f, item in items.items() if f == entry["file"]}
    stories_seen = []
    for req in webhook_receiver.received:
        for alert in Webhook(SECRET).verify(req.body, req.headers)["alerts"]:
            entry = by_url[alert["article"]["url"]]
            assert sorted(alert["topics"]) == sorted(entry["expected_topics"]), entry["file"]
            stories_seen.append(entry["story"])
    assert sorted(stories_seen) == sorted({e["story"] for e in index})
