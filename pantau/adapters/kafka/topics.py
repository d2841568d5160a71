"""Every Kafka topic pantau uses, defined once: name, partitions, retention, cleanup.

Both sides read these definitions: the kafka-python side (``pantau sources``
creates the topics it writes with :func:`ensure_topics`) and the Faust app
(:mod:`pantau.adapters.faust.app` declares the same topics with the same settings).

Flow::

    pantau sources --(article id, Article)--> pantau.articles
    classify_articles  pantau.articles --(article id, Classified)--> pantau.matches
    deliver_alerts     pantau.matches --> destinations; given up --(alert key, DeadLetter)--> pantau.alerts.dead
                       every alert's fate (queued, sent, dead...) --(alert key, AlertOutcome)--> pantau.alerts.outcomes
    pantau alerts replay --(alert key, ReplayRequest)--> pantau.alerts.replay --replay_dead_letters--> outbox
                       (taken back: an empty record for the key on pantau.alerts.dead)
    pantau silence --(silence id, Silence; empty on expire)--> pantau.silences --> every worker's Dispatcher
    pantau.feeds       no records: its partitions are what source workers share (see pantau/runtime/sources_worker.py)
    pantau.feeds.state (feed id, latest progress) shared by source workers (sources/shared_state.py)
    pantau sources --(feed id, FeedHealth)--> pantau.events --announce_feed_health--> ops routes

Classification is stateless and CPU-bound: articles have 12 partitions, so up to
12 workers share it, and the delivering `all` worker's smaller share can come near what balances it
(:mod:`pantau.adapters.kafka.classify_share`: with 6, two workers could only split 1/5, 2/4 or 3/3).
Deployments before round 13 have 6: :func:`ensure_topics` creates missing topics and never changes an
existing one. To move one to 12 (more only; Kafka cannot take partitions away), with everything running,
``pantau topics --grow`` (:func:`grow_topics`) or::

    kafka-topics.sh --bootstrap-server <broker> --alter --topic <prefix>pantau.articles --partitions 12

Within ``METADATA_MAX_AGE_MS`` (30 s) each long-lived client sees the 12 partitions at its next metadata
refresh: the sources' publisher writes to all 12 (an article id is hashed over the new count, so an article
sent again may land on another partition than its first copy; classification does not care); the classify group's
leader rebalances the group once (each member finishes and commits its batch first), and the new partitions
are read from their start (``auto_offset_reset="earliest"``), so an article written there before the group
took them only waits, at most about 30 s; the archive reader (``pantau web``, ``archive follow``) adds them
too. Measured against the real broker (tests/e2e/test_articles_alter.py, two `all` workers and a running
publisher): 23-26 s from the alter until the group owned the new partitions and the publisher wrote to them,
every article classified once and every on-topic one alerted once; with the clients' default of 5 minutes
(releases before round 14) it was 296 s.

Matches are few (a small share of articles) and delivery
needs to see all of them at once, to group copies of a story from different
outlets and to send each alert once: the matches topic has ONE partition, and
the worker that owns it runs delivery, with its state (outbox, stories) in
Faust tables on that same partition. When that worker dies, another takes the
partition over and rebuilds the tables from their changelogs.

A prefix (``PANTAU_TOPIC_PREFIX``) puts a whole deployment, or one test run,
in its own namespace of topics and consumer groups. ``PANTAU_KAFKA_REPLICAS``
sets the replicas per partition on a multi-broker cluster (Faust's changelog
topics included); unset, the broker's default applies (1 on a single node).
Both, and the broker address, are resolved once with the configuration
(:class:`pantau.core.config.KafkaSettings`, ``config.broker``) and passed down.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from pantau.adapters.kafka.errors import broker_errors
from pantau.core.errors import BrokerError

if TYPE_CHECKING:
    from kafka.admin import KafkaAdminClient

__all__ = [
    "TopicSpec",
    "ARTICLES",
    "MATCHES",
    "ALERTS_DEAD",
    "EVENTS",
    "FEEDS",
    "FEEDS_STATE",
    "SILENCES",
    "ALERTS_REPLAY",
    "ALL_TOPICS",
    "GROWABLE",
    "METADATA_MAX_AGE_MS",
    "ensure_topics",
    "grow_topics",
    "require_broker",
    "topic_partitions",
]


@dataclass(frozen=True)
class TopicSpec:
    """One topic's definition; ``name(prefix)`` gives the name on the broker."""

    base: str
    partitions: int
    retention: timedelta | None
    """How long records are kept (None: forever, as compacted topics need)."""
    cleanup: Literal["delete", "compact"]
    key: str
    """What the record key is, for readers of the topic."""

    def name(self, prefix: str = "") -> str:
        """The topic's name on the broker: ``prefix`` + base name."""
        return f"{prefix}{self.base}"

    def configs(self) -> dict[str, str]:
        """Broker-side topic configs (as kafka-admin and Faust's ``config=`` take them)."""
        configs: dict[str, str] = {"cleanup.policy": self.cleanup}
        ms = -1 if self.retention is None else int(self.retention.total_seconds() * 1000)
        configs["retention.ms"] = str(ms)
        return configs


# A week of articles must stay replayable (re-classify after a rule change); two weeks
# gives a margin over a long weekend of nobody looking.
# 12 partitions: see the module docstring (more members, and a finer split for the one that delivers).
ARTICLES = TopicSpec("pantau.articles", 12, timedelta(days=14), "delete", "article id")
# One partition on purpose: see the module docstring (delivery sees every match).
MATCHES = TopicSpec("pantau.matches", 1, timedelta(days=14), "delete", "article id")
ALERTS_DEAD = TopicSpec("pantau.alerts.dead", 3, timedelta(days=90), "delete", "alert idempotency key")
# Partitions here bound how many source workers can share the feed list (12 is plenty
# for 10,000 feeds); records are never written, the group assignment is the point.
FEEDS = TopicSpec("pantau.feeds", 12, timedelta(days=1), "delete", "unused")
# Feed-health changes for ops routes; one partition, delivered by the matches partition's owner.
EVENTS = TopicSpec("pantau.events", 1, timedelta(days=14), "delete", "feed id")
# Compacted: the latest record per feed is all a worker taking the feed over needs.
FEEDS_STATE = TopicSpec("pantau.feeds.state", 3, None, "compact", "feed id")

# Compacted: the latest record per silence id is the silence; an empty record removes it.
# Every worker reads it whole (no group), so one partition is plenty.
SILENCES = TopicSpec("pantau.silences", 1, None, "compact", "silence id")
# Requests to send dead letters again. One partition, like matches: Faust assigns it
# with the matches partition, so the worker holding the outbox tables reads it.
ALERTS_REPLAY = TopicSpec("pantau.alerts.replay", 1, timedelta(days=7), "delete", "alert idempotency key")

# What became of each alert, for the web page's archive view (pantau/adapters/kafka/outcomes.py).
# One partition: a key's records stay in order; kept as long as the archive keeps articles.
ALERTS_OUTCOMES = TopicSpec("pantau.alerts.outcomes", 1, timedelta(days=14), "delete", "alert idempotency key")

METADATA_MAX_AGE_MS = 30_000
"""How often the long-lived readers and writers of the articles topic ask the broker for its partitions.

The Kafka clients' default is 5 minutes: after partitions are added (see the module docstring) the sources
went on writing to the old ones, and the classify group took the new ones, for up to that long each (296 s
in tests/e2e/test_articles_alter.py's trial). At 30 s both happen within about 30 s; the cost is one small
metadata request per client every 30 s instead of every 300 s."""

ALL_TOPICS = (ARTICLES, MATCHES, ALERTS_DEAD, EVENTS, FEEDS, FEEDS_STATE, SILENCES, ALERTS_REPLAY, ALERTS_OUTCOMES)
GROWABLE = (ARTICLES, FEEDS)
"""The topics :func:`grow_topics` may add partitions to: no reader cares which partition a key is on (articles
are classified one by one; feeds holds no records). Never the others: a compacted topic's latest record per
key (feeds.state, silences), a letter and its tombstone (alerts.dead) or a key's order (outcomes) would then
be split over two partitions, and the one-partition topics are one partition on purpose."""


PROBE_TIMEOUT = 5.0
"""Seconds a command waits for a broker to accept a connection before saying none answers."""


def require_broker(bootstrap: str, *, timeout: float = PROBE_TIMEOUT) -> None:
    """Return when one bootstrap address accepts a TCP connection; a BrokerError within ``timeout`` otherwise.

    kafka-python itself retries an absent broker for a minute or more, logging
    every attempt; a command asks this first so that the answer is one line.
    """
    errors = []
    for address in (part.strip() for part in bootstrap.split(",") if part.strip()):
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout):
                return
        except ValueError:
            errors.append(f"{address}: not host:port")
        except OSError as exc:
            errors.append(f"{address}: {exc.strerror or exc}")
    raise BrokerError(
        f"no Kafka broker answers at {bootstrap} ({'; '.join(errors) or 'no address given'})",
        hint="start the broker (`make kafka`, or docker compose up kafka), or set `kafka:` in pantau.yaml or "
        "PANTAU_KAFKA to where it runs",
    )


def ensure_topics(
    bootstrap: str,
    specs: tuple[TopicSpec, ...] = ALL_TOPICS,
    *,
    prefix: str = "",
    replicas: int | None = None,
    timeout: float = 30.0,
) -> list[str]:
    """Create the missing topics of ``specs`` on the broker; return the names created.

    ``replicas`` per partition (None: the broker's default); pass ``config.broker``'s
    settings, resolved once from the config and the environment.
    """
    from kafka.admin import KafkaAdminClient

    with broker_errors(f"cannot reach Kafka at {bootstrap} to create topics"):
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="pantau-admin",
            request_timeout_ms=int(timeout * 1000),
        )
    try:
        with broker_errors(
            f"creating topics on Kafka at {bootstrap} failed",
            hint="check that the broker runs and accepts admin requests",
        ):
            return _create_missing(admin, bootstrap, specs, prefix=prefix, replicas=replicas, timeout=timeout)
    finally:
        admin.close()


def _create_missing(
    admin: KafkaAdminClient,
    bootstrap: str,
    specs: tuple[TopicSpec, ...],
    *,
    prefix: str,
    replicas: int | None,
    timeout: float,
) -> list[str]:
    from kafka.errors import TopicAlreadyExistsError

    existing = set(admin.list_topics())
    wanted = {
        spec.name(prefix): {
            "num_partitions": spec.partitions,
            "replication_factor": replicas or -1,
            "configs": spec.configs(),
        }
        for spec in specs
        if spec.name(prefix) not in existing
    }
    if not wanted:
        return []
    result = admin.create_topics(wanted, timeout_ms=int(timeout * 1000), raise_errors=False)
    created = []
    for topic in result["topics"]:
        error = topic.get("error_code", 0)
        # Another worker may have created it between our list and our create: fine.
        if error in (0, TopicAlreadyExistsError.errno):
            created.append(topic["name"])
            continue
        raise BrokerError(
            f"Kafka at {bootstrap} refused to create topic {topic['name']!r}: "
            f"error {error} {topic.get('error_message') or ''}".strip(),
            hint="create it by hand with the settings in pantau/adapters/kafka/topics.py, or check broker ACLs",
        )
    admin.wait_for_topics(created, timeout_ms=int(timeout * 1000))
    return sorted(created)


def topic_partitions(bootstrap: str, specs: tuple[TopicSpec, ...] = ALL_TOPICS, *, prefix: str = "") -> dict[str, int]:
    """Each of ``specs``' topics that exists on the broker, with its partition count there."""
    from kafka.admin import KafkaAdminClient

    with broker_errors(f"cannot reach Kafka at {bootstrap} to describe topics"):
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="pantau-admin")
    try:
        with broker_errors(f"describing topics on Kafka at {bootstrap} failed"):
            existing = set(admin.list_topics())
            names = [spec.name(prefix) for spec in specs if spec.name(prefix) in existing]
            return {t["name"]: len(t["partitions"]) for t in admin.describe_topics(names)} if names else {}
    finally:
        admin.close()


def grow_topics(bootstrap: str, specs: tuple[TopicSpec, ...] = GROWABLE, *, prefix: str = "") -> dict[str, int]:
    """Add partitions to each existing topic with fewer than its spec (articles 6 -> 12); return the counts before."""
    from kafka.admin import KafkaAdminClient, NewPartitions

    have = topic_partitions(bootstrap, specs, prefix=prefix)
    fewer = {
        spec.name(prefix): spec.partitions
        for spec in specs
        if have.get(spec.name(prefix), spec.partitions) < spec.partitions
    }
    if not fewer:
        return {}
    with broker_errors(
        f"adding partitions on Kafka at {bootstrap} failed",
        hint="check that the broker runs and accepts admin requests (ACLs: Alter on the topic)",
    ):
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="pantau-admin")
        try:
            # The request `kafka-topics.sh --alter --partitions N` sends; the clients see it within METADATA_MAX_AGE_MS.
            admin.create_partitions({name: NewPartitions(total_count=count) for name, count in fewer.items()})
        finally:
            admin.close()
    return {name: have[name] for name in fewer}
