"""The stream worker end to end through a real broker, side by side with the classifier alone.

One run, one workload: N articles of ~3 KB (5 % on topic for the shipped rules) are produced to a
private topic prefix, then measured:

- ``raw_consume``     reading them back with aiokafka (no processing): the floor of any worker;
- ``classify_alone``  decode + the shipped rules in this process, no Kafka: the ceiling;
- ``one_worker``      a real `pantau worker` taking them in (rate from its ingest counter, CPU from
                      /proc between the first and the last article);
- ``two_workers``     two `pantau worker` processes on a second copy of the data;
- ``roles_*``         `--role classify` processes (one, then two) beside one `--role deliver`;
- ``latency``         produce -> webhook at a steady 20/s, p50/p99, for one worker and for the roles,
                      each on a prefix of its own (no backlog of alerts in the way).

The broker is PANTAU_KAFKA when set, else a private one (deploy/kafka/local-kafka.sh). The machine
is shared: compare ratios within one run; absolute figures move with the load.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from processes import PantauProcess, free_port, pantau_env  # noqa: E402
from servers import WebhookReceiver  # noqa: E402

LOCAL_KAFKA = ROOT / "deploy" / "kafka" / "local-kafka.sh"
TICKS = os.sysconf("SC_CLK_TCK")
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


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def make_articles(n: int, seed: int = 14, *, zipf: bool = True) -> list[bytes]:
    """``n`` encoded Articles of ~3 KB; every 20th carries an on-topic phrase (each with its own words)."""
    from pantau.core.article import Article, encode

    rng = random.Random(seed)
    vocab = list(dict.fromkeys("".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4))) for _ in range(6000)))
    # Zipf-like word frequencies, as in real text; uniform ones keep every article its own story.
    weights = [1 / (i + 1) for i in range(len(vocab))] if zipf else None
    now = datetime.now(timezone.utc)
    out = []
    for i in range(n):
        words = rng.choices(vocab, weights, k=480)
        if i % 20 == 0:
            words[rng.randrange(40, 400)] = rng.choice(ON_TOPIC)
        text = " ".join(words)
        out.append(
            encode(
                Article(
                    id=f"bench-{seed}-{i}",
                    url=f"https://bench.example/{seed}/{i}",
                    title=" ".join(words[:8]).title(),
                    content=text[:3000],
                    fetched=now,
                    feed="bench",
                    language="id",
                )
            )
        )
    return out


def produce(bootstrap: str, topic: str, records: list[bytes]) -> float:
    """Produce records keyed by position; returns seconds taken."""
    from kafka import KafkaProducer

    producer = KafkaProducer(
        bootstrap_servers=bootstrap,
        acks=1,
        linger_ms=20,
        batch_size=512 * 1024,
        compression_type="gzip",
        max_request_size=8 * 1024 * 1024,
    )
    started = time.perf_counter()
    for i, value in enumerate(records):
        producer.send(topic, key=f"k{i}".encode(), value=value)
    producer.flush(timeout=300)
    producer.close()
    return time.perf_counter() - started


async def _raw_consume(bootstrap: str, topic: str, n: int) -> tuple[float, float]:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    got = 0
    t0 = c0 = None
    try:
        while got < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            if t0 is None and batch:
                t0, c0 = time.perf_counter(), time.process_time()
            got += sum(len(v) for v in batch.values())
    finally:
        await consumer.stop()
    return time.perf_counter() - t0, time.process_time() - c0


def _ingested(metrics_url: str) -> float:
    try:
        text = urllib.request.urlopen(metrics_url + "/metrics", timeout=5).read().decode()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("pantau_classify_articles_ingested_total "):
            return float(line.split()[1])
    return 0.0


class _Workers:
    """`pantau worker` processes on one prefix, with a config delivering to ``receiver``."""

    def __init__(self, roles: list[str], bootstrap: str, prefix: str, work: Path, receiver: WebhookReceiver) -> None:
        self.procs: list[PantauProcess] = []
        self.urls: list[str] = []
        env = pantau_env(kafka=bootstrap, prefix=prefix)
        for i, role in enumerate(roles):
            directory = work / f"{prefix}w{i}"
            directory.mkdir()
            address = f"127.0.0.1:{free_port()}"
            config = {
                "metrics": address,
                "state": "state.db",
                "destinations": {"siem": {"type": "webhook", "url": receiver.url}},
                "routes": [{"topics": ["cybercrime", "north-korea", "asean"], "to": ["siem"]}],
            }
            (directory / "pantau.yaml").write_text(json.dumps(config), encoding="utf-8")
            args = ["worker", "--config", "pantau.yaml", "--role", role]
            self.procs.append(PantauProcess(args, cwd=directory, env=env, name="worker"))
            self.urls.append(f"http://{address}")

    def ready(self, timeout: float = 120) -> None:
        """Wait until every process answers /readyz with 200 (joined its group)."""
        deadline = time.monotonic() + timeout
        for url in self.urls:
            while time.monotonic() < deadline:
                try:
                    if urllib.request.urlopen(url + "/readyz", timeout=2).status == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.2)
        time.sleep(2)  # the delivering member takes its partition just after the group settles

    def total(self) -> float:
        return sum(_ingested(u) for u in self.urls)

    def cpu(self) -> float:
        return sum(_cpu_seconds(p.proc.pid) for p in self.procs)

    def measure(self, n: int, timeout: float = 600) -> dict:
        """Wait for the first article, then for all ``n``; rate and CPU between the two."""
        deadline = time.monotonic() + timeout
        while (first := self.total()) == 0:
            if time.monotonic() > deadline:
                raise TimeoutError("no article ingested")
            time.sleep(0.05)
        t0, c0 = time.perf_counter(), self.cpu()
        while (done := self.total()) < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {done} of {n} ingested")
            time.sleep(0.1)
        elapsed, cpu = time.perf_counter() - t0, self.cpu() - c0
        counted = done - first
        return {
            "articles_per_s": round(counted / elapsed),
            "cpu_s_per_1000": round(cpu / counted * 1000, 3),
            "articles_per_cpu_s": round(counted / cpu),
        }

    def stop(self) -> None:
        for p in self.procs:
            p.proc.terminate()  # all at once: they leave the group together
        for p in self.procs:
            p.stop(grace=30)


def _latency(bootstrap: str, prefix: str, receiver: WebhookReceiver, roles: list[str], *, quick: bool) -> dict:
    """Produce -> webhook at a steady 20/s, every article on topic and its own story."""
    from kafka import KafkaProducer

    from pantau.adapters.kafka.topics import ARTICLES
    from pantau.core.article import decode

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=0)
    rate, seconds = 20, 10 if quick else 20
    sent: dict[str, float] = {}
    fresh = make_articles(rate * seconds * 20, seed=sum(map(ord, prefix)) % 1000 + 100, zipf=False)[::20]  # on topic
    for value in fresh[: rate * seconds]:
        article_id = decode(value).id
        sent[article_id] = time.monotonic()  # the receiver's clock
        producer.send(ARTICLES.name(prefix), key=article_id.encode(), value=value)
        producer.flush()
        time.sleep(max(0.0, sent[article_id] + 1 / rate - time.monotonic()))
    producer.close()
    deadline = time.monotonic() + 30
    arrived: dict[str, float] = {}
    while time.monotonic() < deadline and not all(k in arrived for k in sent):
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


def cases(args):
    from pantau.adapters.kafka.topics import ALL_TOPICS, ARTICLES, ensure_topics
    from pantau.core.article import decode
    from pantau.core.config import shipped_rules_dir
    from pantau.core.logs import configure_logging
    from pantau.streams.classify import load_ruleset

    configure_logging("json", "warning")
    n = 6000 if args.quick else 30000
    bootstrap, own_run = _broker()
    work = Path(tempfile.mkdtemp(prefix="pantau-bench-worker-"))
    receiver = WebhookReceiver()
    run_id = uuid.uuid4().hex[:6]
    prefixes = [f"bench-{run_id}-{k}." for k in ("one", "two", "roles1", "roles2")]
    records = make_articles(n)
    common = {
        "bench": "worker_e2e",
        "articles": n,
        "article_bytes": sum(map(len, records)) // n,
        "on_topic": 0.05,
        "cores": os.cpu_count(),
        "note": "shared machine: compare within this run",
    }
    try:
        for prefix in prefixes:
            ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix)
            produce(bootstrap, ARTICLES.name(prefix), records)

        wall, cpu = asyncio.run(_raw_consume(bootstrap, ARTICLES.name(prefixes[0]), n))
        yield {
            **common,
            "case": "raw_consume",
            "articles_per_s": round(n / wall),
            "cpu_s_per_1000": round(cpu / n * 1000, 3),
        }

        rules = load_ruleset(shipped_rules_dir())
        for value in records[:200]:
            rules.classify(decode(value))  # warm
        c0, t0 = time.process_time(), time.perf_counter()
        for value in records:
            rules.classify(decode(value))
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        alone = {"articles_per_s": round(n / wall), "cpu_s_per_1000": round(cpu / n * 1000, 3)}
        yield {**common, "case": "classify_alone", **alone}

        setups = [
            ("one_worker", ["all"]),
            ("two_workers", ["all", "all"]),
            ("roles_one_classifier", ["classify", "deliver"]),
            ("roles_two_classifiers", ["classify", "classify", "deliver"]),
        ]
        base_rate: dict[str, float] = {}
        for (name, roles), prefix in zip(setups, prefixes, strict=False):
            workers = _Workers(roles, bootstrap, prefix, work, receiver)
            try:
                figures = workers.measure(n)
                case = {
                    **common,
                    "case": name,
                    "roles": roles,
                    **figures,
                    "share_of_classify_alone": round(figures["articles_per_cpu_s"] * alone["cpu_s_per_1000"] / 1000, 2),
                }
                if len(roles) - roles.count("deliver") == 1:
                    base_rate[name.split("_")[0]] = figures["articles_per_s"]
                    case |= {"target_articles_per_cpu_s": 8000, "meets_target": figures["articles_per_cpu_s"] >= 8000}
                else:
                    speedup = figures["articles_per_s"] / base_rate["one" if name == "two_workers" else "roles"]
                    case |= {
                        "speedup_over_one": round(speedup, 2),
                        "target_speedup": 1.8,
                        "meets_target": speedup >= 1.8,
                    }
                yield case
            finally:
                workers.stop()
            if len(roles) - roles.count("deliver") == 1:
                # On a prefix of its own: no backlog of alerts from the throughput run in the way.
                quiet = f"{prefix}lat."
                ensure_topics(bootstrap, ALL_TOPICS, prefix=quiet)
                workers = _Workers(roles, bootstrap, quiet, work, receiver)
                try:
                    workers.ready()
                    yield {**common, **_latency(bootstrap, quiet, receiver, roles, quick=args.quick)}
                finally:
                    workers.stop()
    finally:
        receiver.stop()
        if own_run is not None:
            subprocess.run(
                ["bash", str(LOCAL_KAFKA), "stop", "--wipe"],
                env={**os.environ, "PANTAU_KAFKA_RUN": str(own_run)},
                capture_output=True,
            )
