"""The group-less topic reader against the real broker."""

import pytest
from kafka import KafkaProducer

from pantau.adapters.kafka.topic_reader import TopicReader
from pantau.adapters.kafka.topics import SILENCES
from pantau.core.errors import BrokerError


def test_reads_everything_up_to_the_end_then_follows(kafka_bootstrap, topic_prefix):
    topic = SILENCES.name(topic_prefix)  # created by the topic_prefix fixture
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    for i in range(3):
        producer.send(topic, key=f"k{i}".encode(), value=b"v")
    producer.flush()
    with TopicReader(kafka_bootstrap, topic) as reader:
        assert [r.key for r in reader.read_to_end(timeout=30)] == [b"k0", b"k1", b"k2"]
        producer.send(topic, key=b"k3", value=b"v")
        producer.flush()
        later = []
        for _ in range(10):
            later += [r.key for r in reader.poll(1000)]
            if later:
                break
        assert later == [b"k3"]
    producer.close()


def test_a_missing_topic_is_named_or_read_as_empty(kafka_bootstrap, topic_prefix):
    missing = f"{topic_prefix}no.such.topic"
    with pytest.raises(BrokerError, match="no.such.topic"):
        TopicReader(kafka_bootstrap, missing)
    with TopicReader(kafka_bootstrap, missing, missing_ok=True) as reader:
        assert list(reader.read_to_end()) == []
