"""Distributed mode's archive: follow the pipeline's topics into a SQLite view, never holding the pipeline up.

    reader = ArchiveReader(config.broker.bootstrap, ArchiveStore(open_state(config.state)),
                           prefix=config.broker.prefix, retention=config.archive)
    reader.start()        # a daemon thread: catches up, then follows; reader.stop() to end it
    reader.poll_once()    # or drive it yourself (tests, the CLI): returns how many records it stored

It reads ``pantau.articles`` (every article, unclassified), ``pantau.matches``
(the classification of matched articles, which carries the article too, so
arrival order does not matter), ``pantau.alerts.dead`` (alerts that gave
up: fate ``dead``; the empty record of a replay puts them back to
``pending``) and ``pantau.alerts.outcomes`` (the delivering worker's account of
each alert: queued, sent, dead, silenced, inhibited, and the story of every
article that joined one; pantau.adapters.kafka.outcomes). An outcome may
arrive before its article: the story ids are kept (``archive_story_links``)
and given to the article when it comes. It uses no consumer group: partitions are assigned directly
and the position reached is stored in the view's own table
(``archive_offsets``) right after the rows it produced; every write is
idempotent (keyed by article id and alert key), so a restart resumes where it
stopped and a crash between the two stores nothing twice. No group of the
pipeline's waits for it or is rebalanced by it. Give it its own SQLite
connection (``open_state``): it writes from its own thread. Kafka's own retention of the
articles topic (14 days) bounds what a fresh view can catch up on.

Not in the view: the story of an article that matched but alerted nowhere
(no route took it). Backtests group stories themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

import msgspec
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from pantau.adapters.kafka.errors import broker_errors
from pantau.adapters.kafka.outcomes import AlertOutcome, decode_outcome
from pantau.adapters.kafka.topics import ALERTS_DEAD, ALERTS_OUTCOMES, ARTICLES, MATCHES, METADATA_MAX_AGE_MS
from pantau.adapters.sqlite.archive import ArchivedAlert, ArchiveStore, Intake
from pantau.core.article import decode as decode_article
from pantau.core.errors import BrokerError
from pantau.core.logs import get_logger
from pantau.streams.classify import Classified, decode_classified
from pantau.streams.deliver.outbox import DeadLetter

__all__ = ["ArchiveReader"]

log = get_logger(component="archive_reader")
_dead = msgspec.json.Decoder(DeadLetter).decode
_OFFSETS = (
    "CREATE TABLE IF NOT EXISTS archive_offsets (topic TEXT NOT NULL, partition INTEGER NOT NULL,"
    " next INTEGER NOT NULL, PRIMARY KEY (topic, partition));"
    "CREATE TABLE IF NOT EXISTS archive_story_links (article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL,"
    " at REAL NOT NULL)"
)


class ArchiveReader:
    """Follows articles, matches and dead letters into an ArchiveStore with offsets kept beside the rows."""

    def __init__(
        self,
        bootstrap: str,
        store: ArchiveStore,
        *,
        prefix: str = "",
        retention: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.retention = retention
        self._clock = clock
        self._pruned = 0.0
        self.articles, self.matches, self.dead = (ARTICLES.name(prefix), MATCHES.name(prefix), ALERTS_DEAD.name(prefix))
        self.outcomes = ALERTS_OUTCOMES.name(prefix)
        store.conn.executescript(_OFFSETS)
        with broker_errors(f"cannot reach Kafka at {bootstrap} to follow the archive topics"):
            self._consumer = KafkaConsumer(
                bootstrap_servers=bootstrap,
                group_id=None,
                enable_auto_commit=False,
                client_id="pantau-archive-reader",
                metadata_max_age_ms=METADATA_MAX_AGE_MS,  # partitions added are seen within 30 s
            )
            partitions = self._partitions()
        if not partitions:
            self._consumer.close()
            raise BrokerError(
                f"none of {self.articles}, {self.matches} exists at {bootstrap}",
                hint="start `pantau worker` / `pantau sources` first: they create the topics",
            )
        self._assign(partitions)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _partitions(self, topics: Iterable[str] | None = None) -> set[TopicPartition]:
        """The topics' partitions as the consumer's metadata (refreshed every METADATA_MAX_AGE_MS) knows them."""
        topics = (self.articles, self.matches, self.dead, self.outcomes) if topics is None else topics
        return {TopicPartition(t, p) for t in topics for p in self._consumer.partitions_for_topic(t) or ()}

    def _assign(self, partitions: set[TopicPartition]) -> None:
        """Read ``partitions`` too: each from its stored position, or from its start (positions kept for the rest)."""
        self._consumer.assign(sorted(self._consumer.assignment() | partitions))
        stored = {
            (t, p): n for t, p, n in self.store.conn.execute("SELECT topic, partition, next FROM archive_offsets")
        }
        for tp in partitions:
            if (tp.topic, tp.partition) in stored:
                self._consumer.seek(tp, stored[(tp.topic, tp.partition)])
            else:
                self._consumer.seek_to_beginning(tp)

    def follow_new_partitions(self) -> list[TopicPartition]:
        """Start reading partitions added to the topics since (``kafka-topics.sh --alter``); returns them."""
        # Topics it follows only: for one absent from the cache kafka-python would ask the broker, on every poll.
        assigned = self._consumer.assignment()
        added = sorted(self._partitions({tp.topic for tp in assigned}) - assigned)
        if added:
            self._assign(set(added))
            log.info("archive_partitions_added", partitions=[f"{tp.topic}:{tp.partition}" for tp in added])
        return added

    def poll_once(self, timeout_ms: int = 1000) -> int:
        """Store what arrived within ``timeout_ms`` (one transaction with the offsets); returns records stored."""
        self.follow_new_partitions()  # a look at cached metadata: no request of its own
        batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=2000)
        if not batches:
            self._maybe_prune()
            return 0
        intakes: list[Intake] = []
        later: list[Classified] = []
        fates: list[tuple[ArchivedAlert, str, str]] = []
        back: list[str] = []
        outcomes: list[AlertOutcome] = []
        offsets = []
        for tp, records in batches.items():
            for record in records:
                try:
                    if tp.topic == self.outcomes:
                        outcomes.append(decode_outcome(record.value))
                        continue
                    self._take(tp.topic, record, intakes, later, fates, back)
                except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
                    # A record we cannot read stays in Kafka; the view skips it, named, and goes on.
                    log.warning(
                        "archive_record_unreadable",
                        topic=tp.topic,
                        partition=tp.partition,
                        offset=record.offset,
                        error=str(exc)[:200],
                    )
            offsets.append((tp.topic, tp.partition, records[-1].offset + 1))
        conn = self.store.conn
        stored = self.store.record(intakes) if intakes else 0
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            for classified in later:  # the article was in the view first: attach its classification
                self.store.classify_later(classified)
            conn.executemany(
                "INSERT INTO archive_alerts VALUES (?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET status = 'dead'",
                [(a.key, article, story, a.route, a.destination, a.created, "dead") for a, article, story in fates],
            )
            # A dead letter names the story the deliverer chose: the article's copies now show its alerts.
            conn.executemany(
                "UPDATE archive_articles SET story_id = ? WHERE article_id = ? AND story_id IS NULL",
                [(story, article) for _, article, story in fates],
            )
            conn.executemany(
                "UPDATE archive_alerts SET status = 'pending' WHERE key = ? AND status = 'dead'", [(k,) for k in back]
            )
            self._apply_outcomes(outcomes, [i.classified.article.id for i in intakes])
            conn.executemany(
                "INSERT INTO archive_offsets VALUES (?,?,?) ON CONFLICT(topic, partition)"
                " DO UPDATE SET next = excluded.next",
                offsets,
            )
        self._maybe_prune()
        return stored + len(later) + len(fates) + len(back) + len(outcomes)

    def _apply_outcomes(self, outcomes: list[AlertOutcome], arrived: list[str]) -> None:
        """Alert fates and story ids from the outcomes topic, in their order (the last record of a key wins)."""
        conn = self.store.conn
        for o in outcomes:
            if o.status is None:  # one more article of the story: the fate stands
                conn.execute(
                    "INSERT OR IGNORE INTO archive_alerts VALUES (?,?,?,?,?,?,'pending')",
                    (o.key, o.article, o.story, o.route, o.destination, o.created),
                )
            else:
                conn.execute(
                    "INSERT INTO archive_alerts VALUES (?,?,?,?,?,?,?)"
                    " ON CONFLICT(key) DO UPDATE SET status = excluded.status, story_id = excluded.story_id",
                    (o.key, o.article, o.story, o.route, o.destination, o.created, o.status),
                )
            if o.why:
                conn.execute("INSERT OR REPLACE INTO archive_alert_why VALUES (?,?)", (o.key, o.why))
        links = {o.article: (o.story, o.at) for o in outcomes}
        conn.executemany(
            "INSERT INTO archive_story_links VALUES (?,?,?) ON CONFLICT(article_id)"
            " DO UPDATE SET story_id = excluded.story_id, at = excluded.at",
            [(article, story, at) for article, (story, at) in links.items()],
        )
        # The deliverer's story is the truth for an article, whichever of the two arrived first.
        conn.executemany(
            "UPDATE archive_articles SET story_id = l.story_id FROM archive_story_links l"
            " WHERE l.article_id = ? AND archive_articles.article_id = l.article_id",
            [(a,) for a in [*links, *arrived]],
        )

    def _take(
        self,
        topic: str,
        record,
        intakes: list[Intake],
        later: list[Classified],
        fates: list[tuple[ArchivedAlert, str, str]],
        back: list[str],
    ) -> None:
        if topic == self.articles:
            intakes.append(Intake(classified=Classified(article=decode_article(record.value))))
        elif topic == self.matches:
            classified = decode_classified(record.value)
            intakes.append(Intake(classified=classified))
            later.append(classified)
        elif record.value is None or record.value == b"":
            back.append(record.key.decode())
        else:
            letter = _dead(record.value)
            alert = letter.alert
            if alert.classified is not None:
                fates.append(
                    (
                        ArchivedAlert(
                            key=alert.key,
                            route=alert.route,
                            destination=alert.destination,
                            created=alert.created,
                            status="dead",
                        ),
                        alert.classified.article.id,
                        alert.story,
                    )
                )

    def _maybe_prune(self) -> None:
        now = self._clock()
        if self.retention and now - self._pruned >= 3600:
            self._pruned = now
            gone = self.store.prune(self.retention, now=now)
            self.store.conn.execute("DELETE FROM archive_story_links WHERE at < ?", (now - self.retention,))
            if gone:
                log.info("archive_pruned", articles=gone, retention_s=self.retention)

    def catch_up(self, timeout: float = 60.0) -> int:
        """Read until every assigned partition is at its end (as of now); returns records stored."""
        deadline = time.monotonic() + timeout
        assigned = list(self._consumer.assignment())
        end = self._consumer.end_offsets(assigned)
        total = 0
        while any(self._consumer.position(tp) < end[tp] for tp in assigned):
            if time.monotonic() > deadline:
                raise BrokerError(
                    f"catching up on the archive topics took over {timeout:.0f} s",
                    hint="check that the broker answers; the view resumes where it stopped",
                )
            total += self.poll_once(500)
        return total

    def start(self) -> None:
        """Follow the topics in a daemon thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._run, name="archive-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once(1000)
            except KafkaError as exc:  # the broker may come back; the pipeline never waits on us
                log.warning("archive_reader_broker_error", error=str(exc)[:200])
                self._stop.wait(5.0)
            except Exception:
                log.exception("archive_reader_failed")
                self._stop.wait(5.0)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop following and close the consumer."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._consumer.close()
