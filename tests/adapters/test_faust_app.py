"""pantau/adapters/faust/app.py: the Faust app's producer settings (the worker on a real broker: tests/e2e)."""

from __future__ import annotations

import random

import faust
import pytest
from aiokafka.partitioner import DefaultPartitioner

from pantau.adapters.faust.app import make_app
from pantau.core.config import KafkaSettings


@pytest.fixture(scope="module")
def app() -> faust.App:
    """One app for the module: its sensors join the process-wide metrics registry, once."""
    return make_app(KafkaSettings(bootstrap="127.0.0.1:1", prefix="t."))


def test_keys_land_on_the_partitions_java_clients_and_aiokafka_pick_and_a_single_partition_takes_all(app):
    ours, theirs = app.conf.producer_partitioner, DefaultPartitioner()
    rng = random.Random(14)
    keys = [rng.randbytes(rng.randint(1, 60)) for _ in range(500)] + [b"bench-14-0", "story\x1fsiem".encode()]
    for partitions in ([0, 1, 2, 3, 4, 5], list(range(12))):
        assert [ours(k, partitions, partitions) for k in keys] == [theirs(k, partitions, partitions) for k in keys]
    assert {ours(k, [0], [0]) for k in keys} == {0}


def test_the_producer_lingers_briefly_so_an_alerts_records_share_requests(app):
    assert 0 < app.conf.producer_linger <= 0.05


def test_a_record_batch_holds_the_outbox_entries_of_many_alerts(app):
    # An outbox entry carries its match, article included (~6 KB): Faust's default batch (16 KB) held two.
    from aiokafka.producer.message_accumulator import BatchBuilder

    builder = BatchBuilder(app.conf.producer_max_batch_size, 0)
    entry = b"x" * 6000
    held = 0
    while builder.append(timestamp=None, key=b"alert-key", value=entry, headers=[]) is not None:
        held += 1
    assert held >= 20
