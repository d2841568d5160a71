"""An independent reader of what a topic holds, for tests: plain kafka-python, none of pantau's code."""

from __future__ import annotations

from kafka import KafkaConsumer, TopicPartition


def read_all(bootstrap: str, topic: str) -> list:
    """Every record now in ``topic`` (ConsumerRecords), read without a group and without committing."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        records = []
        while any(consumer.position(tp) < end[tp] for tp in parts):
            for batch in consumer.poll(timeout_ms=1000).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()
