"""Read ``pantau.articles`` by time: every article a window holds, oldest first, for a distributed backtest.

    rows = articles_between(config.broker.bootstrap, prefix=config.broker.prefix, since=time.time() - 7 * 86400)
    backtest(rows, running, proposed, ...)     # each row: a ScanRow with no archived classification

Each partition is positioned with ``offsets_for_times`` (the first record at
or after ``since``) and read up to its end as of the start, keeping the
records stamped within [since, until) (a producer's clock may put a record
out of order); the partitions are merged by record timestamp, so stories
group in the order the pipeline saw them. Partitions are paused while they
have records waiting, so memory holds about one fetch per partition, not the
window. No consumer group: nothing of the pipeline's waits for or rebalances
around a backtest. An article published twice is read once.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Iterator

import msgspec
from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from pantau.adapters.kafka.errors import BROKER_HINT, broker_errors
from pantau.adapters.kafka.topics import ARTICLES
from pantau.adapters.sqlite.archive import ScanRow
from pantau.core.article import decode as decode_article
from pantau.core.errors import BrokerError
from pantau.core.logs import get_logger

__all__ = ["articles_between"]

log = get_logger(component="article_window")


def articles_between(
    bootstrap: str, *, prefix: str = "", since: float, until: float | None = None, timeout: float = 600.0
) -> Iterator[ScanRow]:
    """Every article published to the articles topic from ``since`` (to ``until``), in timestamp order."""
    topic = ARTICLES.name(prefix)
    with broker_errors(f"cannot reach Kafka at {bootstrap} to read {topic!r}"):
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            client_id="pantau-backtest",
            allow_auto_create_topics=False,
        )
    try:
        with broker_errors(f"cannot read {topic!r} at {bootstrap}"):
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
            if not partitions:
                raise BrokerError(
                    f"topic {topic!r} does not exist at {bootstrap}",
                    hint="start `pantau sources` / `pantau worker` first: they create the topics",
                )
            consumer.assign(partitions)
            starts = consumer.offsets_for_times({tp: int(since * 1000) for tp in partitions})
            ends = consumer.end_offsets(partitions)
        active = []
        for tp in partitions:
            start = starts.get(tp)
            if start is not None and start.offset < ends[tp]:
                consumer.seek(tp, start.offset)
                active.append(tp)
        window = (int(since * 1000), int(until * 1000) if until is not None else None)
        yield from _merged(consumer, active, ends, window, time.monotonic() + timeout, f"{topic!r} at {bootstrap}")
    finally:
        consumer.close()


def _merged(
    consumer: KafkaConsumer,
    active: list[TopicPartition],
    ends: dict[TopicPartition, int],
    window: tuple[int, int | None],
    deadline: float,
    what: str,
) -> Iterator[ScanRow]:
    """The partitions' records in the window merged by (timestamp, partition, offset), each read to its end."""
    lo, hi = window
    waiting: dict[TopicPartition, deque[ConsumerRecord]] = {tp: deque() for tp in active}
    done: set[TopicPartition] = set()
    seen: set[str] = set()
    heads: list[tuple[int, int, int, TopicPartition]] = []  # one per partition with records waiting
    while len(done) < len(active):
        empty = [tp for tp in active if tp not in done and not waiting[tp]]
        if empty:
            if time.monotonic() > deadline:
                raise BrokerError(f"reading {what} took too long", hint=BROKER_HINT)
            consumer.pause(*[tp for tp in active if tp not in empty])
            consumer.resume(*empty)
            with broker_errors(f"cannot read {what}"):
                batches = consumer.poll(timeout_ms=1000, max_records=2000)
            for tp, records in batches.items():
                fresh = not waiting[tp]
                waiting[tp].extend(
                    r for r in records if r.offset < ends[tp] and r.timestamp >= lo and (hi is None or r.timestamp < hi)
                )
                if fresh and waiting[tp]:
                    r = waiting[tp][0]
                    heapq.heappush(heads, (r.timestamp, tp.partition, r.offset, tp))
            for tp in empty:
                if not waiting[tp] and consumer.position(tp) >= ends[tp]:
                    done.add(tp)
            continue
        _ts, _p, _o, tp = heapq.heappop(heads)
        record = waiting[tp].popleft()
        if waiting[tp]:
            r = waiting[tp][0]
            heapq.heappush(heads, (r.timestamp, tp.partition, r.offset, tp))
        elif consumer.position(tp) >= ends[tp]:
            done.add(tp)
        try:
            article = decode_article(record.value)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, TypeError) as exc:
            log.warning("article_record_unreadable", partition=tp.partition, offset=record.offset, error=str(exc)[:200])
            continue
        if article.id in seen:
            continue
        seen.add(article.id)
        yield ScanRow(article, article.fetched.timestamp(), None, "", None)
