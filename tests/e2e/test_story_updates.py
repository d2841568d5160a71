"""Story updates end to end, both modes: three outlets -> one alert + one batched update, same story id.

Embedded: `pantau run --once` over a real feed server twice (the first outlet,
then two more outlets' copies: two processes, so a restart between them).
Distributed: a real `pantau worker` on the real broker, articles published to
the articles topic: the first one, then the worker is restarted, then the
copies. A signed webhook gets ``alert.updated``; a Slack app (a local server
speaking the Web API's chat.postMessage) gets the update as a reply in the
first message's thread, its ``ts`` kept across the restart.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from processes import pantau_env, private_prefix, publish, start_worker, wait_until
from servers import Item, rss

from pantau.core.article import Article, article_id
from tests.streams.deliver.chat_receivers import SlackWebApi

T0 = datetime.now(timezone.utc) - timedelta(hours=3)
BODY = (
    "Kelompok peretas yang dikaitkan dengan Korea Utara diduga membobol sebuah bursa kripto di Singapura "
    "dan memindahkan aset digital senilai ratusan juta dolar dalam waktu kurang dari satu jam. Perusahaan "
    "analisis blockchain menyebut dana curian dipecah ke ratusan alamat lalu dicuci melalui layanan "
    "pencampur, pola yang sama dengan serangan terhadap bursa lain tahun lalu."
)
OUTLETS = [("Kabar", "kabar", "JAKARTA - "), ("Warta", "warta", "SEOUL - "), ("Harian", "harian", "SINGAPURA - ")]
ROUTE = {"name": "nk", "topics": ["cybercrime", "north-korea"], "to": ["siem", "desk"], "update_wait": "1s"}
SLACK_TOKEN = "xoxb-2001-3001-e2eSecretTokenValue"


@pytest.fixture
def slack():
    api = SlackWebApi(SLACK_TOKEN, {"#desk": "C0DESK0001"})
    yield api
    api.stop()


def _destinations(webhook_receiver, slack) -> dict:
    return {
        "siem": {"type": "webhook", "url": webhook_receiver.url, "retry": [0, 0.2]},
        "desk": {"type": "slack", "token": SLACK_TOKEN, "channel": "#desk", "api": slack.api, "retry": [0, 0.2]},
    }


def _check_thread(slack) -> None:
    top, reply = slack.posts
    assert top.thread_ts is None and reply.thread_ts == top.ts and reply.channel == top.channel == "C0DESK0001"
    assert reply.raw["text"].startswith("2 more outlets: ")


def _bodies(receiver) -> list[dict]:
    return [r.json() for r in receiver.received]


def _check(bodies: list[dict]) -> None:
    assert [b["type"] for b in bodies] == ["alert", "alert.updated"], [b["type"] for b in bodies]
    first, update = bodies[0]["alerts"][0], bodies[1]["alerts"][0]
    assert update["story"] == first["story"]
    assert update["update"]["of"] == first["key"]
    assert update["update"]["outlets"] == ["Warta", "Harian"] or update["update"]["outlets"] == ["Harian", "Warta"]
    assert update["update"]["summary"].startswith("2 more outlets: ")


def test_embedded_three_outlets_one_alert_and_one_batched_update(
    tmp_path, feed_server, webhook_receiver, slack, write_config, write_rules, small_rules, run_pantau
):
    write_rules(tmp_path, small_rules)
    feeds = []
    for i, (name, slug, dateline) in enumerate(OUTLETS):
        item = Item(
            f"Peretas Korut Bobol Bursa Kripto ({name})",
            f"https://{slug}.example/korut-bursa",
            dateline + BODY,
            T0 + timedelta(minutes=10 * i),
        )
        feed_server.put(f"/{slug}.xml", rss(name, [item]))
        feeds.append({"url": feed_server.url(f"/{slug}.xml"), "name": name})

    def config(n):
        return write_config(
            tmp_path,
            feeds=feeds[:n],
            rules="rules",
            state="state/pantau.db",
            metrics=None,
            destinations=_destinations(webhook_receiver, slack),
            routes=[ROUTE],
        )

    for n in (1, 3):  # the first outlet, then the other two
        proc = run_pantau("run", "--once", "--config", str(config(n)), "--allow-private", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    _check(_bodies(webhook_receiver))
    _check_thread(slack)


def _article(name: str, slug: str, dateline: str, minutes: int) -> Article:
    url = f"https://{slug}.example/korut-bursa"
    when = T0 + timedelta(minutes=minutes)
    return Article(
        id=article_id(url),
        url=url,
        title=f"Peretas Korut Bobol Bursa Kripto ({name})",
        summary=dateline + BODY,
        published=when,
        fetched=datetime.now(timezone.utc),
        feed=f"https://{slug}.example/rss",
        feed_name=name,
        language="id",
    )


@pytest.mark.kafka
def test_distributed_three_outlets_one_alert_and_one_batched_update_across_a_restart(
    tmp_path, kafka_bootstrap, webhook_receiver, slack, worker_config, write_rules, small_rules
):
    write_rules(tmp_path, small_rules)
    config, metrics = worker_config(
        tmp_path,
        destinations=_destinations(webhook_receiver, slack),
        routes=[{**ROUTE, "update_wait": "3s"}],
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    worker = start_worker(config, env=env, metrics=metrics, name="worker-u")
    try:
        first, *copies = [_article(name, slug, dateline, 10 * i) for i, (name, slug, dateline) in enumerate(OUTLETS)]
        publish(kafka_bootstrap, prefix, [first])
        wait_until(
            lambda: len(webhook_receiver.received) >= 1 and len(slack.posts) >= 1,
            "the first alert",
            timeout=60,
            procs=[worker],
        )
        worker.stop()  # a restart (a deploy) between the first alert and the copies
        worker = start_worker(config, env=env, metrics=metrics, name="worker-u2")
        publish(kafka_bootstrap, prefix, copies)
        wait_until(
            lambda: len(webhook_receiver.received) >= 2 and len(slack.posts) >= 2,
            "the batched update",
            timeout=60,
            procs=[worker],
        )
        time.sleep(2)  # a third message (an unbatched copy) would arrive now
    finally:
        worker.stop()
    _check(_bodies(webhook_receiver))
    _check_thread(slack)
