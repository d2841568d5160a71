"""The stream worker end to end through a real broker, side by side with the classifier alone.

One run, one workload: N articles of ~3 KB (every 20th on topic, in its headline and body, so that
the shipped rules match it; ``matched_share`` says how many did), sent as record batches in the
publisher's codec (zstd; a baseline checkout's own: gzip before) to a private topic prefix per case,
then measured:

- ``raw_consume``     reading them back with aiokafka (no processing): the floor of any worker;
- ``classify_alone``  decode + the shipped rules in this process, no Kafka: the ceiling;
- ``deliver_alone``   one `pantau worker --role deliver`, the matches of ``classify_alone`` put on its
                      matches topic in one burst: CPU per alert of delivery with nothing beside it;
- ``one_worker``      one `pantau worker` (role all: batch classifier + delivery in one process);
- ``two_workers``     two of them; ``roles_*``: `--role classify` processes (one, then two) beside
                      one `--role deliver`; ``one_worker_exactly_once``: PANTAU_EXACTLY_ONCE=1.
- ``latency``         produce -> webhook at a steady 20/s, p50/p99, each on a prefix of its own.

Each case starts its workers on empty topics and waits until both consumer groups are stable with
every member holding partitions (``settle_s``); only then are the articles sent, in one burst of
batches compressed beforehand. CPU seconds come from /proc for every worker process, from the burst
until the processes are quiet again (delivery included), with each process's share of articles: the
main figure on a shared machine. ``speedup_cpu_estimate`` (one worker's classifying CPU over the
busiest classifying process's CPU with two) is what two free cores would give; ``speedup_wall`` is
what this machine gave, with the broker and the other helpers on the same two cores. For two
classifiers, ``speedup_cpu_per_article`` (the target's figure) divides one classifier's CPU by the
pair's CPU per article times the larger share, both until the last article is classified: side-to-side
CPU noise between two equal processes does not count as imbalance. The latency cases add each event
loop's CPU and run-queue wait per second (``event_loops``, ``starved_s``; see run_queue.py), so that a
miss says whether the machine starved the worker. The webhook
receiver and the process harness are the end-to-end tests' (tests/e2e/servers.py, processes.py).

Before and after in one run: PANTAU_BENCH_BASELINE=<another checkout with its .venv> (say a worktree
at main) runs ``deliver_alone``, ``one_worker``, ``two_workers`` and ``roles_one_classifier`` with that
checkout's workers first, then with this one's, and adds ``*_vs_baseline`` ratios; the baseline's pair
gets its speedup figures from its own one-worker case, so both pairs' figures stand side by side (and
PANTAU_BENCH_ROUNDS=N gives the spread of each, ``two_workers@baseline`` beside ``two_workers``).
With N > 1 one more round of the one-process cases closes the run, so that every pair has a one-process
run before and after it: ``rounds_bracketed`` compares each pair with their mean (pair_rounds.py: a load
that drifts between the cases no longer counts as the pair's cost) and says which part grew.
PANTAU_BENCH_ARTICLES=<n> sets the workload (30,000 unless set; 6,000 with --quick).
PANTAU_BENCH_WORKER_CASES=
deliver_alone,one_worker runs only those cases (names as above).

PANTAU_BENCH_RULES=no-judge runs every case with the shipped rules without the learned judge (or
=<rules folder>): the machinery around classification shows. PANTAU_BENCH_PROFILE=<dir> samples each
worker process with py-spy from the burst until the processes are quiet again (collapsed stacks; threads
waiting in a selector or a lock are sampled too: leave those out when reading them).

Round 13: each checkout's articles topic gets that checkout's partitions (ARTICLES in its topics.py: 6
before round 13, 12 after; PANTAU_BENCH_PARTITIONS=<n> sets this checkout's). PANTAU_BENCH_WARMUP=<n> sends
n other articles before each measured burst and waits until they are delivered and, where the checkout's
deliverer measures its delivery cost (pantau/adapters/kafka/delivery_cost.py), until it has measured the
ratio and the group has settled on it; the measured figures leave the warm-up out. Round 15: that many
articles in each of PANTAU_BENCH_WARMUP_BURSTS=<k> bursts (2 unless set: the deliverer moves its share
on two windows, one closed after each burst), each burst's own articles. PANTAU_BENCH_ON_TOPIC_EVERY=<k>
puts one article in k on topic (20 unless set): 40 halves the alerts, i.e. a cheaper delivery per article.

The broker is PANTAU_KAFKA when set, else a private one (deploy/kafka/local-kafka.sh). The machine
is shared: compare ratios within one run; absolute figures move with the load.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from processes import PantauProcess, free_port, http_status, pantau_env  # noqa: E402
from servers import WebhookReceiver  # noqa: E402

from tests.bench.pair_rounds import PairRounds, Run  # noqa: E402
from tests.bench.run_queue import Watch  # noqa: E402

LOCAL_KAFKA = ROOT / "deploy" / "kafka" / "local-kafka.sh"
_SYL = (
    "ba be bi bo bu da de di do du ga gi gu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe "
    "pi po pu ra re ri ro ru sa se si so su ta te ti to tu wa ya an en in un ar er ir".split()
)
# Phrases the shipped rules alert on (cybercrime, north-korea, asean): the 5 % on topic.
ON_TOPIC = [
    "serangan ransomware melumpuhkan layanan",
    "peretas membobol data nasabah bank",
    "Korea Utara meluncurkan rudal balistik",
    "KTT ASEAN membahas Laut China Selatan",
    "penipuan daring lintas negara dibongkar polisi",
    "Pyongyang menguji coba rudal",
]


ON_TOPIC_EVERY = int(os.environ.get("PANTAU_BENCH_ON_TOPIC_EVERY", "20"))
WARMUP = int(os.environ.get("PANTAU_BENCH_WARMUP", "0"))
WARMUP_BURSTS = int(os.environ.get("PANTAU_BENCH_WARMUP_BURSTS", "2"))


def make_articles(n: int, seed: int = 14, *, zipf: bool = True, every: int = 20) -> list[bytes]:
    """``n`` encoded Articles of ~3 KB; every ``every``-th carries an on-topic phrase (each with its own words)."""
    from pantau.core.article import Article, encode

    rng = random.Random(seed)
    vocab = list(dict.fromkeys("".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4))) for _ in range(6000)))
    # Zipf-like word frequencies, as in real text; uniform ones keep every article its own story.
    weights = [1 / (i + 1) for i in range(len(vocab))] if zipf else None
    now = datetime.now(timezone.utc)
    out = []
    for i in range(n):
        words = rng.choices(vocab, weights, k=480)
        title = words[:8]
        if i % every == 0:
            # As news on the subject reads: in the headline and twice in the body. One mention
            # buried in 480 words is not salient to the shipped rules (only a third of them matched).
            phrase = rng.choice(ON_TOPIC)
            words[rng.randrange(40, 200)] = words[rng.randrange(200, 400)] = phrase
            title = [phrase, *words[:4]]
        text = " ".join(words)
        out.append(
            encode(
                Article(
                    id=f"bench-{seed}-{i}",
                    url=f"https://bench.example/{seed}/{i}",
                    title=" ".join(title),
                    content=text[:3000],
                    fetched=now,
                    feed="bench",
                    language="id",
                )
            )
        )
    return out


def _article_id(record: bytes) -> str:
    """The id of an encoded Article, or of a Classified's article (a match)."""
    value = json.loads(record)
    return value["article"]["id"] if "article" in value else value["id"]


CODECS = {"gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
"""Kafka's record-batch codec attribute by name."""


def codec_of(root: Path) -> str:
    """The articles' codec of the publisher in checkout ``root`` (gzip before it named one)."""
    found = re.search(r'COMPRESSION = "(\w+)"', (root / "pantau/adapters/kafka/publisher.py").read_text())
    return found.group(1) if found else "gzip"


def partitions_of(checkout: Checkout) -> int:
    """The articles topic's partitions in ``checkout``'s topics.py (PANTAU_BENCH_PARTITIONS for this one)."""
    if checkout.label == "this" and os.environ.get("PANTAU_BENCH_PARTITIONS"):
        return int(os.environ["PANTAU_BENCH_PARTITIONS"])
    text = (checkout.root / "pantau/adapters/kafka/topics.py").read_text()
    found = re.search(r'ARTICLES = TopicSpec\("pantau\.articles", (\d+)', text)
    return int(found.group(1)) if found else 6


def measures_delivery(checkout: Checkout) -> bool:
    """Whether ``checkout``'s deliverer measures its delivery cost and moves its share (round 13 on)."""
    return (checkout.root / "pantau/adapters/kafka/delivery_cost.py").exists()


def _topics(partitions: int):
    """Every topic, the articles with ``partitions``."""
    from dataclasses import replace

    from pantau.adapters.kafka.topics import ALL_TOPICS, ARTICLES

    return tuple(replace(spec, partitions=partitions) if spec is ARTICLES else spec for spec in ALL_TOPICS)


def build_batches(records: list[bytes], partitions: int = 6, codec: str = "gzip") -> list[tuple[int, object]]:
    """The records as compressed record batches (``codec``: the publisher's), built now, sent later in one burst.

    The bench must start the workers and let their consumer groups settle before any article
    arrives (a member joining late would find half the backlog gone); kafka-python takes seconds
    to compress and send 30,000 records, longer than the workers take to classify them. Batches
    built beforehand go out at network speed, so the burst is not the bottleneck.
    """
    from aiokafka.producer.message_accumulator import BatchBuilder
    from kafka.partitioner.default import murmur2

    # Partitioned as the publisher's records are: by the article id's murmur2 hash (kafka-python's
    # default partitioner). Dealing them out in turn put every on-topic article (every 20th, an
    # even index) on the even partitions, which then cost 2.4x the odd ones to classify.
    keys = [_article_id(record).encode() for record in records]
    parts: list[list[int]] = [[] for _ in range(partitions)]
    for i, key in enumerate(keys):
        parts[(murmur2(key) & 0x7FFFFFFF) % partitions].append(i)
    batches: list[tuple[int, object]] = []
    for p in range(partitions):
        builder = None
        for i in parts[p]:
            if builder is not None and builder.append(timestamp=None, key=keys[i], value=records[i]):
                continue
            if builder is not None:
                batches.append((p, builder))
            builder = BatchBuilder(1024 * 1024, CODECS[codec])
            builder.append(timestamp=None, key=keys[i], value=records[i])
        if builder is not None:
            batches.append((p, builder))
    for _, builder in batches:
        builder._build()  # compress now (aiokafka caches the built buffer; private, bench only)
    return batches


async def _send_batches(bootstrap: str, topic: str, batches: list[tuple[int, object]]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks=1, enable_idempotence=False, max_request_size=8 * 1024 * 1024
    )
    await producer.start()
    try:
        futures = [await producer.send_batch(builder, topic, partition=p) for p, builder in batches]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def _raw_consume(bootstrap: str, topic: str, n: int) -> tuple[float, float]:
    """(wall seconds from the first record, CPU seconds from the consumer's start) to read ``n`` records."""
    from aiokafka import AIOKafkaConsumer

    c0 = time.process_time()
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    got = 0
    t0 = None
    try:
        while got < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            if t0 is None and batch:
                t0 = time.perf_counter()
            got += sum(len(v) for v in batch.values())
    finally:
        await consumer.stop()
    return time.perf_counter() - (t0 or 0.0), time.process_time() - c0


def _metric(metrics_url: str, name: str) -> float:
    """One unlabelled series' value from a worker's /metrics (0 while it does not answer)."""
    try:
        # That one series only: the whole exposition (Faust's sensors, the process collector) cost the
        # worker ~2.5 % of its CPU at four scrapes a second, charged to the worker's figures.
        text = urllib.request.urlopen(f"{metrics_url}/metrics?name[]={name}", timeout=5).read().decode()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    return 0.0


def _ingested(metrics_url: str) -> float:
    """Articles a worker's classifier took in so far."""
    return _metric(metrics_url, "pantau_classify_articles_ingested_total")


def _received(metrics_url: str) -> float:
    """Records a worker's Faust consumer took in so far (in the bench only matches flow to it)."""
    return _metric(metrics_url, "pantau_faust_messages_received_total")


DELIVERY_SERIES = {
    "pantau_classify_cpu_seconds_total": "classify_cpu_s",
    "pantau_alerts_total": "alerts_sent",
    "pantau_faust_total_sent_messages_total": "records_sent",
    "pantau_faust_messages_received_total": "records_received",
    "pantau_faust_consumer_commit_latency_count": "commits",
    "pantau_faust_topic_messages_sent_total": "records_sent_by_topic",
}
"""Counters read once from each worker after a case (never during it): what its delivery did."""


def _delivery_counts(metrics_url: str) -> dict:
    """What one worker's delivery did since it started: alerts sent, Faust's records and commits."""
    names = "".join(f"&name[]={n}" for n in DELIVERY_SERIES)
    try:
        text = urllib.request.urlopen(f"{metrics_url}/metrics?{names[1:]}", timeout=5).read().decode()
    except OSError:
        return {}
    out: dict = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        series, _, value = line.rpartition(" ")
        name, _, labels = series.partition("{")
        key = DELIVERY_SERIES.get(name)
        if key == "alerts_sent" and 'outcome="sent"' in labels:
            out[key] = out.get(key, 0) + int(float(value))
        elif key == "records_sent_by_topic":
            topic = labels.split('topic="', 1)[-1].split('"', 1)[0].split(".")[-1]
            out.setdefault(key, {})[topic] = int(float(value))
        elif key == "classify_cpu_s":
            out[key] = round(float(value), 2)
        elif key is not None and key != "alerts_sent":
            out[key] = int(float(value))
    return out


def _since(after: dict, before: dict) -> dict:
    """Counters ``after`` less ``before`` (nested by topic too)."""
    out: dict = {}
    for key, value in after.items():
        if isinstance(value, dict):
            out[key] = _since(value, before.get(key) or {})
        else:
            out[key] = round(value - before.get(key, 0), 2) if isinstance(value, float) else value - before.get(key, 0)
    return out


def _group(bootstrap: str, group: str) -> dict:
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return admin.describe_groups([group]).get(group) or {}
    except Exception:  # not known yet
        return {}
    finally:
        admin.close()


def _rules() -> Path | None:
    """PANTAU_BENCH_RULES: ``no-judge`` (the shipped rules without the learned judge) or a rules folder.

    Without the judge (73 % of classification in round 6) the machinery around the rules shows.
    """
    where = os.environ.get("PANTAU_BENCH_RULES")
    if not where:
        return None
    if where != "no-judge":
        return Path(where).resolve()
    from pantau.core.config import shipped_rules_dir

    copy = Path(tempfile.mkdtemp(prefix="pantau-bench-rules-")) / "rules"
    shutil.copytree(shipped_rules_dir(), copy, ignore=shutil.ignore_patterns("judge", "corpus", "__pycache__"))
    return copy


RULES = _rules()


class Profiles:
    """PANTAU_BENCH_PROFILE=<dir>: py-spy samples each worker process until it is quiet again (collapsed stacks)."""

    def __init__(self, procs: list[PantauProcess], prefix: str) -> None:
        self.spies: list[subprocess.Popen] = []
        where = os.environ.get("PANTAU_BENCH_PROFILE")
        if not where:
            return
        spy = Path(sys.executable).with_name("py-spy")
        Path(where).mkdir(parents=True, exist_ok=True)
        for i, p in enumerate(procs):
            out = Path(where) / f"{prefix.strip('.')}-w{i}.txt"
            command = [str(spy), "record", "--pid", str(p.proc.pid), "--format", "raw", "--rate", "200"]
            self.spies.append(subprocess.Popen([*command, "--output", str(out)], stdout=subprocess.DEVNULL))
        time.sleep(1.0)  # attached before the burst

    def stop(self) -> None:
        """Stop sampling; py-spy writes its file on SIGINT."""
        for spy in self.spies:
            spy.send_signal(signal.SIGINT)
        for spy in self.spies:
            spy.wait(timeout=60)
        self.spies = []


class _Workers:
    """`pantau worker` processes on one prefix, with a config delivering to ``receiver``."""

    def __init__(
        self,
        roles: list[str],
        bootstrap: str,
        prefix: str,
        work: Path,
        receiver: WebhookReceiver,
        env: dict[str, str] | None = None,
        checkout: Checkout | None = None,
        partitions: int = 6,
    ) -> None:
        self.roles, self.bootstrap, self.prefix, self.partitions = roles, bootstrap, prefix, partitions
        self.procs: list[PantauProcess] = []
        self.profiles = Profiles([], prefix)
        checkout = checkout or THIS
        environment = pantau_env({**(env or {}), "PYTHONPATH": str(checkout.root)}, kafka=bootstrap, prefix=prefix)
        for i, role in enumerate(roles):
            directory = work / f"{prefix}w{i}"
            directory.mkdir()
            address = f"127.0.0.1:{free_port()}"
            config = {
                "metrics": address,
                "state": "state.db",
                **({"rules": str(RULES)} if RULES is not None else {}),
                "destinations": {"siem": {"type": "webhook", "url": receiver.url}},
                "routes": [{"topics": ["cybercrime", "north-korea", "asean"], "to": ["siem"]}],
            }
            (directory / "pantau.yaml").write_text(json.dumps(config), encoding="utf-8")
            proc = PantauProcess(
                ["worker", "--config", "pantau.yaml", "--role", role],
                cwd=directory,
                env=environment,
                name="worker",
                python=checkout.python,
            )
            proc.metrics_url = f"http://{address}"
            self.procs.append(proc)

    def _ready(self) -> bool:
        return all(http_status(f"{p.metrics_url}/readyz") == 200 for p in self.procs)

    def _groups_settled(self) -> bool:
        from pantau.adapters.kafka.batch_classifier import CLASSIFY_GROUP

        classifiers = sum(r in ("all", "classify") for r in self.roles)
        fausts = sum(r in ("all", "deliver") for r in self.roles)
        if classifiers:
            classify = _group(self.bootstrap, f"{self.prefix}{CLASSIFY_GROUP}")
            members = classify.get("members") or []
            owned = [
                sum(len(p["partitions"]) for p in (m.get("member_assignment") or {}).get("assigned_partitions", []))
                for m in members
            ]
            if not (
                classify.get("group_state") == "Stable"
                and len(members) == classifiers
                and sum(owned) == self.partitions
                and all(owned)  # every classifier holds articles partitions
            ):
                return False
        if not fausts:
            return True
        faust = _group(self.bootstrap, f"{self.prefix}pantau")
        return faust.get("group_state") == "Stable" and len(faust.get("members") or []) == fausts

    def settle(self, timeout: float = 180) -> float:
        """Wait until every process is ready and both consumer groups hold every member, stable."""
        started = time.monotonic()
        deadline = started + timeout
        while not (self._ready() and self._groups_settled()):
            if time.monotonic() > deadline or any(p.proc.poll() is not None for p in self.procs):
                raise TimeoutError(f"workers {self.roles} did not settle (see {self.procs[0].log})")
            time.sleep(0.3)
        time.sleep(1.0)  # the delivering member starts its dispatcher on its next supervision tick
        return time.monotonic() - started

    def counts(self) -> list[float]:
        """Articles each process classified so far (a `deliver` process classifies none: not scraped)."""
        pairs = zip(self.roles, self.procs, strict=True)
        return [_ingested(p.metrics_url or "") if r != "deliver" else 0.0 for r, p in pairs]

    def cpus(self) -> list[float]:
        return [p.cpu_seconds() for p in self.procs]

    def received(self) -> float:
        """Records the delivering processes' Faust consumers took in so far (a `classify` process has none)."""
        pairs = zip(self.roles, self.procs, strict=True)
        return sum(_received(p.metrics_url or "") for r, p in pairs if r != "classify")

    def _all_matches_in(self, r0: float, expected: int, deadline: float) -> int:
        """Wait until the delivering process has taken in ``expected`` matches since ``r0``; how many it took.

        Alerts alone do not say delivery is done: in two `all` workers the deliverer's intake of
        matches paused for a second or more at times (21:39 UTC, 2026-11-28: 796 of 985 matches taken in
        when the alerts had paused for a second), and a case that stopped there left a fifth of its
        delivery uncounted.
        """
        got = 0
        while time.monotonic() < deadline and (got := int(self.received() - r0)) < expected:
            time.sleep(0.25)
        return got

    def _quiet(self, receiver: WebhookReceiver, deadline: float) -> None:
        """Wait until the alerts stop coming and the processes are idle: delivery's CPU is counted too.

        The profiles stop when the alerts stop (py-spy's sampling costs the process CPU: with it
        attached an idle worker would not look idle).
        """
        previous, alerts = self.cpus(), -1
        while time.monotonic() < deadline:
            time.sleep(1.0)
            now, arrived = self.cpus(), receiver.alert_count()
            if arrived == alerts:
                if self.profiles.spies:
                    self.profiles.stop()
                elif sum(now) - sum(previous) < 0.05 * len(now):
                    return
            previous, alerts = now, arrived

    def idle_cpu(self, seconds: float = 4.0) -> list[float]:
        """CPU seconds per second each settled process spends with nothing to do (timers, polls, probes)."""
        c0, t0 = self.cpus(), time.monotonic()
        time.sleep(seconds)
        wall = time.monotonic() - t0
        return [round((b - a) / wall, 4) for a, b in zip(c0, self.cpus(), strict=True)]

    def _figures(self, c0: list[float], n0: list[float], classified: list[float] | None = None) -> list[dict]:
        spent = [b - a for a, b in zip(c0, self.cpus(), strict=True)]
        took = [b - a for a, b in zip(n0, self.counts(), strict=True)]
        figures = [
            {"role": r, "articles": int(a), "cpu_s": round(c, 2)}
            for r, a, c in zip(self.roles, took, spent, strict=True)
        ]
        if classified is not None:  # CPU until the last article was classified: a classifier's work is done
            for figure, a, b in zip(figures, c0, classified, strict=True):
                figure["cpu_s_until_classified"] = round(b - a, 2)
        return figures

    def warm_up(self, n: int, sends: list[Callable[[], None]], receiver: WebhookReceiver, adaptive: bool) -> dict:
        """Send ``n`` warm-up articles per burst of ``sends``, each classified and delivered before the next, and
        (``adaptive``) its delivery ratio measured; then the group settled on it. What the deliverer said."""
        if adaptive:
            self._delivering()
        found: dict = {}
        for send in sends:
            deadline = time.monotonic() + 300
            n0, seen = sum(self.counts()), len(self._ratio_events())
            send()
            while sum(self.counts()) - n0 < n:
                if time.monotonic() > deadline:
                    raise TimeoutError("warm-up articles not classified")
                time.sleep(0.25)
            self._quiet(receiver, deadline)
            # A window closes WINDOW_S (30 s) after it opened, on a quiet tick: this burst's ratio.
            while adaptive and time.monotonic() < deadline and len(events := self._ratio_events()) <= seen:
                time.sleep(0.5)
            if adaptive and len(events) > seen:
                i, event = events[-1]
                found = {"process": i, "ratios": [e.get("ratio") for _, e in events], "estimate": event.get("estimate")}
        if not adaptive:  # no share to settle on (one worker, or a deliverer that does not measure)
            return found
        if found:
            moved = [e for e in self.procs[found["process"]].events() if e.get("event") == "classify_share_rejoin"]
            found["rejoined"] = any("ratio" in e for e in moved)
        time.sleep(2.0)  # a rejoin asked for in the same step: let the group leave Stable first
        found["settle_s"] = round(self.settle(), 1)
        return found

    def _ratio_events(self) -> list[tuple[int, dict]]:
        """Every ``classify_delivery_ratio`` event so far, with its process's index (only a deliverer logs one)."""
        return [
            (i, e) for i, p in enumerate(self.procs) for e in p.events() if e.get("event") == "classify_delivery_ratio"
        ]

    def _delivering(self, timeout: float = 30.0) -> None:
        """Wait until a member has joined the classify group again as the deliverer, and the group is stable.

        Without it a burst could start while the group still split the articles evenly: the deliverer would
        rejoin mid-burst, and its first window open after it (delivery_cost.py)."""
        deadline = time.monotonic() + timeout
        said = lambda e: e.get("event") == "classify_share_rejoin" and e.get("delivering") is True  # noqa: E731
        while time.monotonic() < deadline and not any(said(e) for p in self.procs for e in p.events()):
            time.sleep(0.25)
        time.sleep(2.0)  # the rejoin was asked for: let the group leave Stable first
        self.settle()

    def measure(
        self, n: int, send: Callable[[], None], receiver: WebhookReceiver, matches: int, timeout: float = 600
    ) -> dict:
        """Send the articles, wait for all ``n`` and every one of the ``matches`` to reach delivery; wall rate
        between first and last article, CPU per process until idle."""
        deadline = time.monotonic() + timeout
        idle = self.idle_cpu()
        c0, n0, r0 = self.cpus(), self.counts(), self.received()
        d0 = [_delivery_counts(proc.metrics_url or "") for proc in self.procs]  # after a warm-up: not zero
        self.profiles = Profiles(self.procs, self.prefix)
        send()
        while (first := sum(self.counts()) - sum(n0)) == 0:
            if time.monotonic() > deadline:
                raise TimeoutError("no article ingested")
            time.sleep(0.25)  # each look is a /metrics scrape of every worker: not too often
        t0 = time.perf_counter()
        while (done := sum(self.counts()) - sum(n0)) < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {done} of {n} ingested")
            time.sleep(0.25)
        elapsed = time.perf_counter() - t0
        classified = self.cpus()  # the classifiers' work is done: what follows is idle polling for them
        # Matches still flow to delivery after the last article is classified.
        taken = self._all_matches_in(r0, matches, deadline)
        self._quiet(receiver, deadline)  # delivery included: the deliverer's work goes on after the last article
        per_process = self._figures(c0, n0, classified)
        for figure, proc, rate, before in zip(per_process, self.procs, idle, d0, strict=True):
            figure["idle_cpu_s_per_s"] = rate
            figure["delivery"] = counts = _since(_delivery_counts(proc.metrics_url or ""), before)
            if "classify_cpu_s" in counts:  # the rest: delivery, Kafka clients, Faust, idle polls (a baseline: absent)
                figure["cpu_s_besides_classifying"] = round(figure["cpu_s"] - counts["classify_cpu_s"], 2)
        spent = sum(p["cpu_s"] for p in per_process)
        return {
            "articles_per_s": round((done - first) / elapsed),
            "cpu_s_per_1000": round(spent / n * 1000, 3),
            "articles_per_cpu_s": round(n / spent),
            "matches_taken_in": taken,
            "per_process": per_process,
        }

    def measure_delivery(
        self, send: Callable[[], None], receiver: WebhookReceiver, matches: int, timeout: float = 600
    ) -> dict:
        """Send the matches, wait until all are taken in and the alerts stop; alerts per second between first and
        last, CPU until idle."""
        deadline = time.monotonic() + timeout
        c0, n0, r0 = self.cpus(), self.counts(), self.received()
        self.profiles = Profiles(self.procs, self.prefix)
        send()
        while receiver.alert_count() == 0:
            if time.monotonic() > deadline:
                raise TimeoutError("no alert delivered")
            time.sleep(0.05)
        taken = self._all_matches_in(r0, matches, deadline)
        self._quiet(receiver, deadline)
        self.profiles.stop()
        received = receiver.received
        wall = received[-1].at - received[0].at
        cpu = sum(p["cpu_s"] for p in self._figures(c0, n0))
        alerts = receiver.alert_count()
        return {
            "matches_taken_in": taken,
            "alerts_delivered": alerts,
            "requests": len(received),
            "alerts_per_s": round(alerts / wall) if wall > 0 else None,
            "deliver_cpu_s": round(cpu, 2),
            "deliver_cpu_ms_per_alert": round(cpu / max(1, alerts) * 1000, 2),
        }

    def stop(self) -> None:
        for p in self.procs:
            p.proc.terminate()
        for p in self.procs:
            p.stop(grace=30)


def _latency(bootstrap: str, prefix: str, receiver: WebhookReceiver, roles: list[str], *, quick: bool) -> dict:
    """Produce -> webhook at a steady 20/s, every article one the rules match, and its own story."""
    from kafka import KafkaProducer

    from pantau.adapters.kafka.topics import ARTICLES
    from pantau.core.article import decode

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=0)
    rate, seconds = 20, 10 if quick else 20
    sent: dict[str, float] = {}  # article id -> when produced (time.monotonic(), the receiver's clock)
    # Every 20th article is on topic (in its headline and twice in its body); uniform words: its own story.
    fresh = make_articles(rate * seconds * 40, seed=sum(map(ord, prefix)) % 1000 + 100, zipf=False)[::20]
    # Only those the rules match (about two in three: the shipped rules want more than a phrase), so that
    # every article sent should reach the webhook and a missing alert is a miss, not the workload.
    from pantau.core.config import shipped_rules_dir
    from pantau.streams.classify import load_ruleset

    rules = load_ruleset(RULES or shipped_rules_dir())
    fresh = [v for v, c in zip(fresh, rules.classify_many([decode(v) for v in fresh]), strict=True) if c.matches]
    if len(fresh) < rate * seconds:
        raise RuntimeError(f"latency: only {len(fresh)} of the generated articles match the rules")
    for value in fresh[: rate * seconds]:
        article_id = decode(value).id
        sent[article_id] = time.monotonic()
        producer.send(ARTICLES.name(prefix), key=article_id.encode(), value=value)
        producer.flush()
        time.sleep(max(0.0, sent[article_id] + 1 / rate - time.monotonic()))
    producer.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and receiver.alert_count() < len(sent):
        time.sleep(0.1)
    arrived = receiver.arrivals(lambda alert: alert["article"]["id"])
    lat = sorted(arrived[k] - t for k, t in sent.items() if k in arrived)
    return {
        "case": "latency",
        "roles": roles,
        "rate_per_s": rate,
        "sent": len(sent),
        "alerted": len(lat),
        "p50_s": round(lat[len(lat) // 2], 3) if lat else None,
        "p99_s": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 3) if lat else None,
        "target_p99_s": 2.0,
        "meets_target": bool(lat) and len(lat) == len(sent) and lat[min(len(lat) - 1, int(len(lat) * 0.99))] < 2.0,
    }


def _broker() -> tuple[str, Path | None]:
    if os.environ.get("PANTAU_KAFKA"):
        return os.environ["PANTAU_KAFKA"], None
    run = Path(tempfile.mkdtemp(prefix="pantau-bench-kafka-"))
    out = subprocess.run(
        ["bash", str(LOCAL_KAFKA), "start"],
        env={**os.environ, "PANTAU_KAFKA_RUN": str(run)},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().removeprefix("export PANTAU_KAFKA="), run


class Checkout(NamedTuple):
    """The pantau whose workers a case runs: this checkout, or a baseline one (another worktree, its own venv)."""

    label: str
    root: Path
    python: str


THIS = Checkout("this", ROOT, sys.executable)


def baseline() -> Checkout | None:
    """PANTAU_BENCH_BASELINE=<checkout with a .venv> (e.g. a worktree at main): the before of a before/after."""
    where = os.environ.get("PANTAU_BENCH_BASELINE")
    if not where:
        return None
    root = Path(where).resolve()
    python = root / ".venv" / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"PANTAU_BENCH_BASELINE={where}: no {python} (run `make install` in that checkout)")
    return Checkout("baseline", root, str(python))


SETUPS = [
    # (case, roles, environment): "all" classifies (batch classifier) and delivers (Faust) in one process.
    ("one_worker", ["all"], {}),
    ("two_workers", ["all", "all"], {}),
    ("roles_one_classifier", ["classify", "deliver"], {}),
    ("roles_two_classifiers", ["classify", "classify", "deliver"], {}),
    ("one_worker_exactly_once", ["all"], {"PANTAU_EXACTLY_ONCE": "1"}),
]
COMPARED = ("deliver_alone", "one_worker", "two_workers", "roles_one_classifier")
"""The cases run against the baseline too (first the baseline, then this checkout) when one is given."""
CASES = ("raw_consume", "classify_alone", "idle", "deliver_alone", *(name for name, _, _ in SETUPS), "latency")


def _classifying(figures: dict) -> list[dict]:
    return [p for p in figures["per_process"] if p["role"] in ("all", "classify")]


def _wanted() -> set[str]:
    """PANTAU_BENCH_WORKER_CASES=deliver_alone,one_worker limits the run to those cases (default: all)."""
    chosen = {c.strip() for c in os.environ.get("PANTAU_BENCH_WORKER_CASES", "").split(",") if c.strip()}
    unknown = chosen - set(CASES)
    if unknown:
        raise SystemExit(f"PANTAU_BENCH_WORKER_CASES: unknown {sorted(unknown)}; cases: {', '.join(CASES)}")
    return chosen or set(CASES)


def _vs(case: dict, before: dict | None, key: str) -> dict:
    """``<key>_vs_baseline``: this checkout's figure over the baseline's, measured in the same run."""
    if before is None or not before.get(key) or case.get(key) is None:
        return {}
    return {f"{key}_vs_baseline": round(case[key] / before[key], 2)}


IDLE_SECONDS = float(os.environ.get("PANTAU_BENCH_IDLE_SECONDS", "30"))


def _idle(bootstrap: str, prefix: str, work: Path, checkout: Checkout) -> dict:
    """One settled `all` worker with nothing to do: CPU seconds per second over IDLE_SECONDS (timers, polls)."""
    partitions = partitions_of(checkout)
    from pantau.adapters.kafka.topics import ensure_topics

    ensure_topics(bootstrap, _topics(partitions), prefix=prefix)
    receiver = WebhookReceiver()
    workers = _Workers(["all"], bootstrap, prefix, work, receiver, checkout=checkout, partitions=partitions)
    try:
        settled = workers.settle()
        time.sleep(5.0)  # start-up's last steps (the dispatcher's first pass, recovery's end) are not idle
        (rate,) = workers.idle_cpu(IDLE_SECONDS)
    finally:
        workers.stop()
        receiver.stop()
    return {
        "case": "idle",
        "checkout": checkout.label,
        "settle_s": round(settled, 1),
        "seconds": IDLE_SECONDS,
        "idle_cpu_s_per_s": rate,
        "target_idle_cpu_s_per_s": 0.005,
    }


def _deliver_alone(bootstrap: str, prefix: str, work: Path, matches: list[bytes], checkout: Checkout) -> dict:
    """One `--role deliver` process, the bench's matches put on its matches topic in one burst."""
    from pantau.adapters.kafka.topics import ALL_TOPICS, MATCHES, ensure_topics

    ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix)
    batches = build_batches(matches, partitions=MATCHES.partitions)
    receiver = WebhookReceiver()
    workers = _Workers(["deliver"], bootstrap, prefix, work, receiver, checkout=checkout)
    try:
        settled = workers.settle()
        figures = workers.measure_delivery(
            lambda: asyncio.run(_send_batches(bootstrap, MATCHES.name(prefix), batches)), receiver, len(matches)
        )
    finally:
        workers.stop()
        receiver.stop()
    return {
        "case": "deliver_alone",
        "checkout": checkout.label,
        "matches": len(matches),
        "settle_s": round(settled, 1),
    } | figures


def _throughput(
    name: str,
    roles: list[str],
    env: dict[str, str],
    n: int,
    bootstrap: str,
    prefix: str,
    work: Path,
    batches,
    checkout,
    matches: int,
    warm: tuple[int, list] | None = None,
) -> dict:
    """One setup of SETUPS: the articles in one burst, CPU per process until delivery is done (after ``warm``:
    (articles, batches) sent first and left out of the figures)."""
    from pantau.adapters.kafka.topics import ARTICLES, ensure_topics

    partitions = partitions_of(checkout)
    ensure_topics(bootstrap, _topics(partitions), prefix=prefix)
    receiver = WebhookReceiver()
    workers = _Workers(roles, bootstrap, prefix, work, receiver, env, checkout=checkout, partitions=partitions)
    warmed: dict = {}
    try:
        settled = workers.settle()
        if warm is not None:
            adaptive = measures_delivery(checkout) and roles.count("all") > 1
            topic = ARTICLES.name(prefix)
            sends = [lambda b=burst: asyncio.run(_send_batches(bootstrap, topic, b)) for burst in warm[1]]
            warmed = workers.warm_up(warm[0], sends, receiver, adaptive) | {"articles": warm[0] * len(sends)}
            before_alerts, before_requests = receiver.alert_count(), len(receiver.received)
        else:
            before_alerts = before_requests = 0
        figures = workers.measure(
            n, lambda: asyncio.run(_send_batches(bootstrap, ARTICLES.name(prefix), batches)), receiver, matches
        )
    finally:
        workers.stop()
        receiver.stop()
    case = {"case": name, "checkout": checkout.label, "roles": roles, "settle_s": round(settled, 1), **figures}
    case["partitions"] = partitions
    if warmed:
        case["warm_up"] = warmed
    case["alerts_delivered"] = alerts = receiver.alert_count() - before_alerts
    case["requests"] = len(receiver.received) - before_requests  # webhook POSTs: alerts share one when due together
    delivering = [p for p in figures["per_process"] if p["role"] == "deliver"]
    if delivering:
        case["deliver_cpu_ms_per_alert"] = round(delivering[0]["cpu_s"] / max(1, alerts) * 1000, 2)
    return case


def _latency_case(
    bootstrap: str, prefix: str, work: Path, roles: list[str], *, quick: bool, checkout: Checkout = THIS
) -> dict:
    """Produce -> webhook at a steady rate on a prefix of its own, with the CPU one alert costs end to end."""
    from pantau.adapters.kafka.topics import ensure_topics

    partitions = partitions_of(checkout)
    ensure_topics(bootstrap, _topics(partitions), prefix=prefix)
    receiver = WebhookReceiver()
    workers = _Workers(roles, bootstrap, prefix, work, receiver, partitions=partitions, checkout=checkout)
    try:
        workers.settle()
        c0 = workers.cpus()
        watch = Watch([p.proc.pid for p in workers.procs])
        latency = _latency(bootstrap, prefix, receiver, roles, quick=quick)
        loops = watch.stop()
        spent = [b - a for a, b in zip(c0, workers.cpus(), strict=True)]
    finally:
        workers.stop()
        receiver.stop()
    # At a steady rate, every article an alert: what one alert costs end to end.
    latency["checkout"] = checkout.label
    latency["cpu_ms_per_alert"] = {
        role: round(cpu / max(1, latency["alerted"]) * 1000, 2) for role, cpu in zip(roles, spent, strict=True)
    }
    # A miss on a shared machine: the event loops' CPU and run-queue wait say whether the worker
    # waited on something or the machine gave its CPU to others (run_queue.py).
    latency["event_loops"] = dict(zip(roles, loops, strict=True))
    latency["load_1m"] = watch.load
    latency["starved_s"] = max(loop["starved_s"] for loop in loops)
    if not latency["meets_target"]:
        latency["miss"] = (
            "starved: an event loop was never idle and waited for a CPU longer than it ran"
            if latency["starved_s"]
            else "not starved: the worker waited on something (broker, commit, receiver)"
        )
    return latency


def cases(args):
    import msgspec

    from pantau.adapters.kafka.topics import ARTICLES, ensure_topics
    from pantau.core.article import decode
    from pantau.core.config import shipped_rules_dir
    from pantau.core.logs import configure_logging
    from pantau.streams.classify import encode_classified, load_ruleset
    from pantau.streams.stories import marks as story_marks

    configure_logging("json", "warning")
    logging.getLogger("kafka").setLevel(logging.ERROR)  # the admin client cannot decode Faust's group metadata
    logging.getLogger("aiokafka").setLevel(logging.ERROR)  # leaders of topics created a moment ago
    wanted, before = _wanted(), baseline()
    checkouts = [c for c in (before, THIS) if c is not None]
    n = int(os.environ.get("PANTAU_BENCH_ARTICLES", 0)) or (6000 if args.quick else 30000)
    bootstrap, own_run = _broker()
    work = Path(tempfile.mkdtemp(prefix="pantau-bench-worker-"))
    run_id = uuid.uuid4().hex[:6]
    records = make_articles(n, every=ON_TOPIC_EVERY)
    # Each checkout's workers read what its publisher writes (a baseline before zstd: gzip), on its partitions.
    codecs = {c.label: codec_of(c.root) for c in checkouts}
    parts = {c.label: partitions_of(c) for c in checkouts}
    batches = {c.label: build_batches(records, parts[c.label], codecs[c.label]) for c in checkouts}
    # Another seed: the warm-up's stories are not the measured articles' (they would join them, and alert less).
    # Each burst its own stories (copies of an earlier burst's would join them, and alert less).
    warm_bursts = [
        make_articles(WARMUP, seed=7 + b, every=ON_TOPIC_EVERY) for b in range(WARMUP_BURSTS if WARMUP else 0)
    ]
    warms = {
        c.label: (WARMUP, [build_batches(burst, parts[c.label], codecs[c.label]) for burst in warm_bursts])
        for c in checkouts
    }
    common = {
        "bench": "worker_e2e",
        "codecs": codecs,
        "articles": n,
        "on_topic_every": ON_TOPIC_EVERY,
        "partitions": parts,
        **({"warm_up": WARMUP, "warm_up_bursts": WARMUP_BURSTS} if WARMUP else {}),
        "article_bytes": sum(map(len, records)) // n,
        "cores": os.cpu_count(),
        "note": "shared machine: compare within this run; CPU seconds of the worker processes are the main figure",
    }
    try:
        if "raw_consume" in wanted:
            raw = f"bench-{run_id}-raw."
            ensure_topics(bootstrap, _topics(parts[THIS.label]), prefix=raw)
            asyncio.run(_send_batches(bootstrap, ARTICLES.name(raw), batches[THIS.label]))
            wall, cpu = asyncio.run(_raw_consume(bootstrap, ARTICLES.name(raw), n))
            yield {
                **common,
                "case": "raw_consume",
                "articles_per_s": round(n / wall),
                "cpu_s_per_1000": round(cpu / n * 1000, 3),
            }

        # The rules alone, in this process: the ceiling of the classify path. Its matches are what
        # the deliver_alone case puts on the matches topic (the classifier's records, byte for byte).
        rules = load_ruleset(RULES or shipped_rules_dir())
        for value in records[:200]:
            rules.classify(decode(value))  # warm
        c0, t0 = time.process_time(), time.perf_counter()
        # In the batch classifier's batches (the judge reads a batch at once).
        classified = [
            c for i in range(0, n, 500) for c in rules.classify_many([decode(v) for v in records[i : i + 500]])
        ]
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        alone = {"articles_per_s": round(n / wall), "cpu_s_per_1000": round(cpu / n * 1000, 3)}
        # The learned judge's share (streams/classify/judge.py): the same articles, the rules alone.
        sample = records[: min(n, 3000)]
        c0 = time.process_time()
        for value in sample:
            rules.classify(decode(value), judged=False)
        rules_only = (time.process_time() - c0) / len(sample) * 1000
        alone |= {
            "rules_alone_cpu_s_per_1000": round(rules_only, 3),
            "judge_share": round(1 - rules_only / alone["cpu_s_per_1000"], 2),
        }
        # The matches as the worker's classifiers send them: each with its story marks (a baseline
        # deliverer that does not know them ignores them and hashes itself).
        c0 = time.process_time()
        marked = [msgspec.structs.replace(c, marks=story_marks(c.article)) for c in classified if c.matches]
        alone["marks_cpu_ms_per_match"] = round((time.process_time() - c0) / max(1, len(marked)) * 1000, 3)
        matches = [encode_classified(c) for c in marked]
        common["matched_share"] = round(len(matches) / n, 3)
        alone["matches"] = len(matches)
        if "classify_alone" in wanted:
            yield {**common, "case": "classify_alone", **alone}

        rounds = int(os.environ.get("PANTAU_BENCH_ROUNDS", "1"))
        for round_no in range(rounds if "idle" in wanted else 0):
            # Baseline and this checkout in turn, each round: a load change hits both alike.
            seen_idle: dict[str, dict] = {}
            for checkout in checkouts:
                case = _idle(bootstrap, f"bench-{run_id}r{round_no}-idle-{checkout.label}.", work, checkout)
                case |= _vs(case, seen_idle.get("baseline"), "idle_cpu_s_per_s")
                seen_idle[checkout.label] = case
                yield {**common, **case}
        for round_no in range(rounds if "deliver_alone" in wanted else 0):
            # Delivery on its own: no classifier beside it, so its CPU per alert is least disturbed.
            seen: dict[str, dict] = {}
            for checkout in checkouts:
                prefix = f"bench-{run_id}r{round_no}-deliver-{checkout.label}."
                case = _deliver_alone(bootstrap, prefix, work, matches, checkout)
                case |= _vs(case, seen.get("baseline"), "deliver_cpu_ms_per_alert")
                seen[checkout.label] = case
                yield {**common, **case}

        setups = partial(
            _setups,
            checkouts=checkouts,
            before=before,
            n=n,
            bootstrap=bootstrap,
            work=work,
            batches=batches,
            alone=alone,
            common=common,
            args=args,
            warms=warms if WARMUP else None,
        )
        for round_no in range(rounds):
            yield from setups(wanted, run_id=f"{run_id}r{round_no}", round_no=round_no)
        closing = {one for pair, one in ONE_OF.items() if pair in wanted and one in wanted}
        if rounds > 1 and closing:
            # One more one-process run after the last pair, so that every pair is bracketed (pair_rounds.py).
            yield from setups(closing, run_id=f"{run_id}r{rounds}", round_no=rounds)
        if rounds > 1:
            yield {**common, **_spread(SPEEDUPS)}
            yield {
                **common,
                "case": "rounds_bracketed",
                "target_speedup": 1.8,
                **{name: found.summary(1.8) for name, found in BRACKETED.items() if found.pairs},
            }
    finally:
        if own_run is not None:
            subprocess.run(
                ["bash", str(LOCAL_KAFKA), "stop", "--wipe"],
                env={**os.environ, "PANTAU_KAFKA_RUN": str(own_run)},
                capture_output=True,
            )


SPEEDUPS: dict[str, list[dict]] = {}
"""Every pair's speedup figures of this run, by case: the rounds' spread (``_spread``)."""

ONE_OF = {"two_workers": "one_worker", "roles_two_classifiers": "roles_one_classifier"}
"""Each pair's one-process case: what its speedup is measured against."""
BRACKETED: dict[str, PairRounds] = {}
"""Each pair's and its one-process case's runs by round (``two_workers``, ``two_workers@baseline``, ...)."""


def _run(case: dict) -> Run:
    """A case's classifying processes as a pair_rounds.Run (classify-path CPU where the checkout reports it)."""
    procs = _classifying(case)
    shares = [p.get("delivery", {}).get("classify_cpu_s") for p in procs]
    return Run(tuple(p["cpu_s"] for p in procs), None if None in shares else tuple(shares))


def _spread(found: dict[str, list[dict]]) -> dict:
    """Median, least and most of each pair's speedup figures over the rounds (PANTAU_BENCH_ROUNDS)."""
    out: dict[str, dict] = {}
    for case, figures in found.items():
        out[case] = {}
        for key in ("speedup_cpu_estimate", "speedup_cpu_per_article", "balance", "pair_cpu_vs_one"):
            values = sorted(f[key] for f in figures if f.get(key) is not None)
            if values:
                out[case][key] = {"median": values[len(values) // 2], "min": values[0], "max": values[-1]}
    return {"case": "rounds", "rounds": max((len(v) for v in found.values()), default=0), "spread": out}


def _setups(
    wanted, checkouts, before, n, bootstrap, run_id, work, batches, alone, common, args, warms=None, *, round_no=0
):
    """One round of SETUPS (each against the baseline where compared): one process, then pairs, in turn.

    A baseline's pair gets its speedup figures from the baseline's own one-process case of the same
    round, as this checkout's do from its own: both pairs' ratios, side by side in one run.
    """
    base: dict[str, dict] = {}
    for name, roles, env in SETUPS:
        if name not in wanted:
            continue
        for checkout in checkouts if name in COMPARED else [THIS]:
            prefix = f"bench-{run_id}-{name.replace('_', '-')}-{checkout.label}."
            case = _throughput(
                name,
                roles,
                env,
                n,
                bootstrap,
                prefix,
                work,
                batches[checkout.label],
                checkout,
                alone["matches"],
                warms[checkout.label] if warms else None,
            )
            at = "" if checkout is THIS else "@baseline"
            if checkout is THIS:
                case |= _vs(case, base.get(f"{name}@baseline"), "cpu_s_per_1000")
                case |= _vs(case, base.get(f"{name}@baseline"), "deliver_cpu_ms_per_alert")
            classifying = _classifying(case)
            if name.startswith("roles_"):
                # The classify path on its own (the roles split it from delivery).
                path = sum(p["cpu_s"] for p in classifying) / n * 1000
                case |= {
                    "classify_path_cpu_s_per_1000": round(path, 3),
                    "classify_path_vs_classify_alone": round(path / alone["cpu_s_per_1000"], 2),
                }
            if name in ("one_worker", "roles_one_classifier", "two_workers"):
                base[name + at] = case
            for pair, one in ONE_OF.items():
                if name in (pair, one):
                    runs = BRACKETED.setdefault(pair + at, PairRounds())
                    (runs.pairs if name == pair else runs.ones)[round_no] = _run(case)
            if name == "roles_one_classifier":
                per_core = 1000 / case["classify_path_cpu_s_per_1000"]
                case |= {
                    "classify_path_articles_per_cpu_s": round(per_core),
                    "target_articles_per_cpu_s": 8000,
                    "meets_target": per_core >= 8000,
                }
            elif name == "one_worker" and case["cpu_s_per_1000"]:
                # The target for one worker: 8,000 articles per CPU-second, its alerts included.
                case |= {"target_cpu_s_per_1000": 0.12, "meets_target": case["cpu_s_per_1000"] <= 0.12}
            elif name == "one_worker_exactly_once" and "one_worker" in base:
                case["cpu_cost_vs_one_worker"] = round(case["cpu_s_per_1000"] / base["one_worker"]["cpu_s_per_1000"], 2)
            elif name in ("two_workers", "roles_two_classifiers"):
                one = base.get(("one_worker" if name == "two_workers" else "roles_one_classifier") + at)
                if one is not None:
                    # Load-independent: on free cores a run takes as long as its busiest classifying process.
                    one_cpu = sum(p["cpu_s"] for p in _classifying(one))
                    estimate = one_cpu / max(p["cpu_s"] for p in classifying)
                    case |= {
                        "speedup_wall": round(case["articles_per_s"] / one["articles_per_s"], 2),
                        "speedup_cpu_estimate": round(estimate, 2),
                        # The estimate is the product of two figures that vary for different reasons:
                        # how evenly the pair splits the work (the pair's CPU over its busiest process's,
                        # 2.0 when even) and what the pair spent against one process, measured minutes
                        # apart (above 1 when the load rose in between, or the pair has overhead).
                        "balance": round(
                            sum(p["cpu_s"] for p in classifying) / max(p["cpu_s"] for p in classifying), 2
                        ),
                        "pair_cpu_vs_one": round(sum(p["cpu_s"] for p in classifying) / one_cpu, 2),
                    }
                    if name == "roles_two_classifiers":  # the design that scales; all+all keeps delivery on one
                        # Two classifiers run the same code on equal shares, yet their CPU differs by
                        # up to 40 % side to side (1.11/1.58, 2.09/1.37, 1.25/1.77 s in three runs, the
                        # bigger either side): contention on two shared cores, not work. The busiest
                        # process measures that noise; the pair's classifying CPU per article times the
                        # larger share keeps the pair's overhead and any imbalance of work without it.
                        balanced = sum(p["cpu_s_until_classified"] for p in _classifying(one)) / (
                            sum(p["cpu_s_until_classified"] for p in classifying)
                            / n
                            * max(p["articles"] for p in classifying)
                        )
                        case |= {
                            "speedup_cpu_per_article": round(balanced, 2),
                            "target_speedup": 1.8,
                            "meets_target": balanced >= 1.8,
                        }
            if "speedup_cpu_estimate" in case:
                SPEEDUPS.setdefault(name + at, []).append(case)
                if checkout is THIS:  # the baseline's pair of this round, measured beside it
                    for key in ("speedup_cpu_estimate", "balance"):
                        case |= _vs(case, base.get(f"{name}@baseline"), key)
            yield {**common, **case}
            if name in ("one_worker", "roles_one_classifier") and "latency" in wanted:
                # On a prefix of its own: no backlog of alerts from the throughput run in the way.
                # Each checkout's own workers (before round 14 the baseline's turn ran this checkout's).
                lat = _latency_case(bootstrap, f"{prefix}lat.", work, roles, quick=args.quick, checkout=checkout)
                yield {**common, **lat}
