"""Delivery faults against a real `pantau worker` on the real broker (the embedded twins are in test_embedded.py).

One worker, one receiver per fault, articles published straight to the
articles topic with the sources' producer; each article's feed routes it to
its receiver. The worker is SIGKILLed while one receiver is down and restarted
after it came back: the retry state survives in the worker's tables.
"""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import msgspec
import pytest
from article_stream import cyber_rules
from processes import (
    PantauProcess,
    free_port,
    pantau_env,
    private_prefix,
    publish,
    start_worker,
    topic_records,
    wait_until,
)
from servers import WebhookReceiver

from pantau.adapters.kafka.outcomes import decode_outcome
from pantau.core.article import Article, article_id
from pantau.streams.deliver.outbox import DeadLetter

pytestmark = pytest.mark.kafka

RULES = cyber_rules("peretas")
FAULTS = ("flaky", "throttled", "down", "unreachable")


def article(fault: str) -> Article:
    url = f"https://kabar.example/{fault}"
    return Article(
        id=article_id(url),
        url=url,
        title=f"Peretas menyerang layanan {fault}",
        summary=f"Serangan peretas terhadap layanan {fault} masih diselidiki polisi.",
        fetched=datetime.now(timezone.utc),
        feed=fault,
        feed_name=fault,
        language="id",
    )


@pytest.fixture
def receivers():
    servers = {name: WebhookReceiver() for name in ("flaky", "throttled", "down")}
    yield servers
    for server in servers.values():
        server.stop()


def test_worker_retries_waits_survives_a_kill_and_parks_what_cannot_be_sent(
    tmp_path, kafka_bootstrap, receivers, worker_config, write_rules
):
    write_rules(tmp_path, {"cybercrime.yaml": RULES})
    often = [0] + [0.5] * 60  # ~30 s of attempts: outlasts the worker's restart
    destinations = {name: {"type": "webhook", "url": server.url, "retry": often} for name, server in receivers.items()}
    destinations["unreachable"] = {"type": "webhook", "url": f"http://127.0.0.1:{free_port()}/", "retry": [0, 0.2]}
    config, metrics = worker_config(
        tmp_path,
        destinations=destinations,
        routes=[{"name": name, "feeds": [name], "to": [name]} for name in FAULTS],
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    flaky, throttled, down = receivers["flaky"], receivers["throttled"], receivers["down"]
    flaky.fail(times=2, status=500)
    throttled.fail(times=1, status=429, retry_after=1)
    down.fail(times=10**6, status=503)

    workers = [start_worker(config, env=env, metrics=metrics, name="worker-1")]
    try:
        publish(kafka_bootstrap, prefix, [article(fault) for fault in FAULTS])

        dead_topic = f"{prefix}pantau.alerts.dead"
        wait_until(
            lambda: (
                flaky.received
                and throttled.received
                and len(down.requests) >= 2
                and topic_records(kafka_bootstrap, dead_topic)
            ),
            "deliveries, retries and a dead letter",
            timeout=60,
            procs=workers,
        )
        # Killed while "down" is being retried; the receiver comes back before the restart.
        workers[0].kill()
        down.recover()
        workers.append(PantauProcess(["worker", "--config", str(config)], cwd=tmp_path, env=env, name="worker-2"))
        wait_until(lambda: down.received, "the down receiver's alert after the restart", timeout=90, procs=workers[1:])
    finally:
        for worker in workers:
            worker.stop()

    def ids(server: WebhookReceiver) -> set[str]:
        return {r.headers["webhook-id"] for r in server.requests}

    # 500 twice, then 200: three attempts of one message, delivered once.
    assert (len(flaky.requests), len(flaky.received), len(ids(flaky))) == (3, 1, 1)
    # 429 with Retry-After: one refusal, then the same message accepted.
    assert (len(throttled.requests), len(throttled.received), len(ids(throttled))) == (2, 1, 1)
    # Down across a SIGKILL and restart: the same message (id) retried until it got through, once.
    assert len(down.received) == 1 and len(ids(down)) == 1 and len(down.requests) >= 3
    # Nothing listens for "unreachable": its alert is parked on the dead-letter topic, named.
    ((key, raw),) = topic_records(kafka_bootstrap, dead_topic)
    letter = msgspec.json.decode(raw, type=DeadLetter)
    assert (letter.alert.key, letter.alert.destination, letter.attempts) == (key, "unreachable", 2)
    events = [json.loads(line) for line in workers[0].output().splitlines() if line.startswith("{")]
    assert any(e["event"] == "alert_dead_lettered" and e.get("destination") == "unreachable" for e in events)


def _pending(metrics: str, destination: str) -> float:
    """The worker's ``pantau_alerts_pending`` gauge for one destination (-1 when not readable)."""
    try:
        with urllib.request.urlopen(f"http://{metrics}/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return -1.0
    for line in text.splitlines():
        if line.startswith(f'pantau_alerts_pending{{destination="{destination}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return -1.0


GROUPED = {
    "one": (
        "Peretas membobol server dinas kependudukan di Medan",
        "Data kependudukan jutaan warga diduga bocor setelah peretas masuk lewat akun admin yang lemah.",
    ),
    "two": (
        "Polisi tangkap peretas situs bank daerah",
        "Tersangka mengaku menjual akses panel bank kepada pembeli di forum gelap seharga ribuan dolar.",
    ),
    "three": (
        "Peretas sebar ransomware ke jaringan rumah sakit di Surabaya",
        "Layanan pendaftaran pasien lumpuh dua hari; pelaku meminta tebusan dalam mata uang kripto.",
    ),
}


def grouped_article(name: str) -> Article:
    url = f"https://kabar.example/{name}"
    title, summary = GROUPED[name]
    return Article(
        id=article_id(url),
        url=url,
        title=title,
        summary=summary,
        fetched=datetime.now(timezone.utc),
        feed=name,
        feed_name=name,
        language="id",
    )


def test_a_worker_killed_mid_group_sends_the_next_digest_once_and_not_before_group_interval(
    tmp_path, kafka_bootstrap, worker_config, write_rules
):
    # The embedded and dict-backed twins are in tests/streams/deliver/test_deliver_timers.py; here a real
    # worker is SIGKILLed with an alert waiting in its group, and a new one takes over from the changelogs.
    # The waiting alert carries its own due time in the outbox, so it alone cannot tell whether the group's
    # clock (when it last sent) survived: a third alert arriving after the kill is planned against that
    # clock only. Lost, the new worker would send it (and the waiting one with it) group_wait after it came.
    interval = 60.0  # longer than a kill, a rejoin after the 10 s session timeout and the tables' recovery
    write_rules(tmp_path, {"cybercrime.yaml": RULES})
    desk = WebhookReceiver()
    config, metrics = worker_config(
        tmp_path,
        destinations={"desk": {"type": "webhook", "url": desk.url, "retry": [0, 0.5]}},
        routes=[
            {
                "name": "grouped",
                "feeds": ["one", "two", "three"],
                "to": ["desk"],
                "group_wait": "2s",
                "group_interval": f"{interval:g}s",
            }
        ],
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    workers = [start_worker(config, env=env, metrics=metrics, name="worker-g1")]
    try:
        publish(kafka_bootstrap, prefix, [grouped_article("one")])
        wait_until(lambda: desk.received, "the first digest (after group_wait)", timeout=60, procs=workers)
        first_at = time.time()
        publish(kafka_bootstrap, prefix, [grouped_article("two")])  # waits for group_interval after the first digest
        wait_until(lambda: _pending(metrics, "desk") == 1, "the second alert in the outbox", timeout=60, procs=workers)
        time.sleep(3)  # the tables' changelog records go out within the producer's linger
        workers[0].kill()
        # Waiting on the matches topic for the next owner, which routes it first thing after the takeover.
        publish(kafka_bootstrap, prefix, [grouped_article("three")])
        workers.append(start_worker(config, env=env, metrics=metrics, name="worker-g2"))
        wait_until(
            lambda: _pending(metrics, "desk") == 2 or len(desk.received) > 1,
            "the third alert in the outbox",
            timeout=60,
            procs=workers[1:],
        )
        time.sleep(4)  # past the third alert's group_wait: sent now if the group's clock was lost
        assert len(desk.received) == 1, "the restarted worker sent the waiting alerts before group_interval"
        wait_until(lambda: len(desk.received) >= 2, "the second digest", timeout=interval + 60, procs=workers[1:])
        second_at = time.time()
        time.sleep(3)  # a repeat of either digest would arrive now
    finally:
        for worker in workers:
            worker.stop()
        desk.stop()

    assert second_at - first_at >= interval - 1.0, (first_at, second_at)
    bodies = [r.json() for r in desk.received]
    assert len(bodies) == 2, [b["alerts"] for b in bodies]
    keys = [sorted(a["article"]["url"] for a in b["alerts"]) for b in bodies]
    assert keys == [["https://kabar.example/one"], ["https://kabar.example/three", "https://kabar.example/two"]], keys


# One wire story as two outlets print it, and another story: bodies long enough to be signed (not titles alone).
WIRE = (
    "Polisi menyelidiki serangan peretas terhadap sistem pembayaran sebuah bank daerah yang melumpuhkan "
    "layanan nasabah selama dua hari. Pelaku menyusup melalui akun pegawai yang menerima surel palsu, lalu "
    "memindahkan dana ke ratusan rekening penampung sebelum ditukar menjadi aset kripto di luar negeri. "
    "Bank tersebut berjanji mengganti kerugian nasabah dan memperketat pengamanan akun pegawainya."
)
OTHER = (
    "Kelompok peretas membobol situs pemerintah kota dan mengganti halaman depannya dengan pesan protes. "
    "Dinas komunikasi memulihkan situs itu dalam tiga jam dan melapor kepada kepolisian setempat."
)


def told(url: str, title: str, content: str, days_old: float) -> Article:
    now = datetime.now(timezone.utc)
    return Article(
        id=article_id(url),
        url=url,
        title=title,
        content=content,
        published=now - timedelta(days=days_old),
        fetched=now,
        feed="kabar",
        language="id",
    )


def test_a_copy_routed_after_a_takeover_joins_the_story_alerted_before_it(
    tmp_path, kafka_bootstrap, worker_config, write_rules
):
    # The next owner rebuilds the story index from the story table's changelog. Its items were published
    # days before they were fetched (a feed's older items, or a backlog): the first match after the takeover
    # once evicted every restored story, and a later copy of one opened a story, and an alert, of its own
    # (tests/e2e/test_distributed.py saw it as one story under two webhook ids across a kill).
    write_rules(tmp_path, {"cybercrime.yaml": RULES})
    desk = WebhookReceiver()
    config, metrics = worker_config(
        tmp_path,
        destinations={"desk": {"type": "webhook", "url": desk.url, "retry": [0, 0.5]}},
        routes=[{"name": "desk", "topics": ["cybercrime"], "to": ["desk"]}],
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    first = told("https://kabar.example/bank", "Peretas Bobol Sistem Bank Daerah", WIRE, 11)
    other = told("https://kabar.example/situs", "Peretas Ganti Halaman Situs Pemkot", OTHER, 11)
    copy = told("https://warta.example/bank", "Bank Daerah Diserang Peretas", "PADANG - " + WIRE, 11)
    workers = [start_worker(config, env=env, metrics=metrics, name="worker-s1")]
    try:
        publish(kafka_bootstrap, prefix, [first])
        wait_until(lambda: desk.received, "the story's alert", timeout=60, procs=workers)
        time.sleep(3)  # the story table's changelog records go out within the producer's linger
        workers[0].kill()
        workers.append(start_worker(config, env=env, metrics=metrics, name="worker-s2"))
        publish(kafka_bootstrap, prefix, [other])  # the first match the next owner routes
        wait_until(lambda: len(desk.received) >= 2, "the other story's alert", timeout=60, procs=workers[1:])
        publish(kafka_bootstrap, prefix, [copy])
        outcomes = f"{prefix}pantau.alerts.outcomes"
        wait_until(
            lambda: any(decode_outcome(raw).article == copy.id for _, raw in topic_records(kafka_bootstrap, outcomes)),
            "the copy's outcome",
            timeout=60,
            procs=workers[1:],
        )
        time.sleep(2)  # an alert of the copy's own would arrive now
    finally:
        for worker in workers:
            worker.stop()
        desk.stop()

    titles = [b["alerts"][0]["article"]["title"] for b in (r.json() for r in desk.received)]
    assert titles == [first.title, other.title]
    (joined,) = [
        decode_outcome(raw)
        for _, raw in topic_records(kafka_bootstrap, outcomes)
        if decode_outcome(raw).article == copy.id
    ]
    assert (joined.story, joined.status) == (first.id, None)


def _committed(bootstrap: str, group: str, topic: str) -> int:
    """The offset ``group`` has committed on ``topic``'s partition 0 (-1 when none yet)."""
    from kafka import KafkaAdminClient, TopicPartition

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        found = admin.list_group_offsets({group: None}).get(group, {}).get(TopicPartition(topic, 0))
    finally:
        admin.close()
    return found.offset if found is not None else -1


def test_an_alert_held_until_the_commit_is_neither_lost_nor_repeated_across_a_kill(
    tmp_path, kafka_bootstrap, worker_config, write_rules
):
    # A new outbox entry is held in memory until Faust commits the matches' offsets (TableOutbox(hold_new=True)):
    # an alert sent before then writes only its sent record. Killed once the offsets are committed, the worker
    # must have written the entry of the alert still waiting for its group (else its match is never read again
    # and the alert is lost), and the alert it sent must not go out again from the next worker.
    write_rules(tmp_path, {"cybercrime.yaml": RULES})
    sent_first, waiting = WebhookReceiver(), WebhookReceiver()
    config, metrics = worker_config(
        tmp_path,
        destinations={
            "now": {"type": "webhook", "url": sent_first.url},
            "later": {"type": "webhook", "url": waiting.url},
        },
        routes=[
            {"name": "now", "feeds": ["one"], "to": ["now"]},
            {"name": "later", "feeds": ["two"], "to": ["later"], "group_wait": "15s"},
        ],
    )
    prefix = private_prefix()
    env = pantau_env(kafka=kafka_bootstrap, prefix=prefix)
    matches = f"{prefix}pantau.matches"
    workers = [start_worker(config, env=env, metrics=metrics, name="worker-h1")]
    try:
        publish(kafka_bootstrap, prefix, [grouped_article("one"), grouped_article("two")])
        wait_until(lambda: sent_first.received, "the ungrouped alert", timeout=60, procs=workers)
        wait_until(
            lambda: _committed(kafka_bootstrap, f"{prefix}pantau", matches) >= 2,
            "the deliverer to commit both matches",
            timeout=30,
            procs=workers,
        )
        assert not waiting.received, "the grouped alert went out before its group_wait"
        workers[0].kill()
        outbox = topic_records(kafka_bootstrap, f"{prefix}pantau-alert_outbox-changelog")
        workers.append(start_worker(config, env=env, metrics=metrics, name="worker-h2"))
        wait_until(lambda: waiting.received, "the waiting alert, from the next worker", timeout=90, procs=workers[1:])
        time.sleep(3)  # a repeat of either alert would arrive now
    finally:
        for worker in workers:
            worker.stop()
        sent_first.stop()
        waiting.stop()

    assert (len(sent_first.received), len(waiting.received)) == (1, 1)
    fates = [decode_outcome(raw) for _, raw in topic_records(kafka_bootstrap, f"{prefix}pantau.alerts.outcomes")]
    key_of = {f.destination: f.key for f in fates if f.status is not None}
    records = {key: [raw for k, raw in outbox if k.strip('"') == key] for key in key_of.values()}
    # Committed, not sent: its entry was in the changelog when the worker died.
    assert [raw.startswith(b'{"alert":') for raw in records[key_of["later"]]] == [True]
    # Sent: its sent record is the last word (the entry too, only when a commit came between queueing and sending).
    assert records[key_of["now"]][-1].startswith(b'{"status":"sent"') and len(records[key_of["now"]]) <= 2
