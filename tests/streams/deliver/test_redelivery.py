"""At-least-once classification cannot duplicate an alert.

The batch classifier (``pantau worker --role classify``) commits a batch only after its matches
are acknowledged; after a crash or a rebalance the new owner classifies the uncommitted articles
again and produces their match records again. Here the same match record reaches the delivering
side twice (and a second time after the story index was rebuilt, as after a takeover), through
the Faust side's own stores (TableStoryStore, TableOutbox over the tables' mappings): the second
copy places the article in the story it already has and queues nothing.
"""

from __future__ import annotations

import asyncio

from pantau.adapters.faust.outbox_table import TableOutbox
from pantau.adapters.faust.stories_table import TableStoryStore
from pantau.streams.classify import decode_classified, encode_classified
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import build_destination, parse_destination
from pantau.streams.deliver.dispatch import Dispatcher
from pantau.streams.deliver.route import Router
from pantau.streams.pipeline import route
from pantau.streams.stories import StoryIndex


def test_a_match_record_delivered_twice_queues_its_alerts_once(classified, unused_port):
    specs = {"siem": parse_destination({"type": "webhook", "url": f"http://127.0.0.1:{unused_port}/hook"})}
    routes = [RouteSpec.model_validate({"topics": ["asean"], "to": ["siem"]})]
    router = Router(routes, specs)
    tables = {name: {} for name in ("outbox", "done", "dead", "stories")}
    outbox = TableOutbox(tables["outbox"], tables["done"], tables["dead"])
    dispatcher = Dispatcher({"siem": build_destination("siem", specs["siem"])}, outbox, routes=routes, jitter=0.0)
    record = encode_classified(classified())  # what the classifier produced, once per classification
    other = encode_classified(
        classified(
            "Pertemuan ASEAN di Manila membahas perdagangan beras dan pupuk",
            summary="Para menteri membahas harga beras di kawasan.",
        )
    )

    async def deliver(value: bytes, stories: StoryIndex) -> list:
        routed = route(decode_classified(value), stories, router)
        return await dispatcher.submit(routed.alerts)

    async def scenario() -> tuple[list, list, list, list]:
        stories = StoryIndex(TableStoryStore(tables["stories"]))
        first = await deliver(record, stories)
        again = await deliver(record, stories)  # redelivered after a rebalance
        rebuilt = StoryIndex(TableStoryStore(tables["stories"]))  # a takeover rebuilds the index
        after_takeover = await deliver(record, rebuilt)
        unrelated = await deliver(other, rebuilt)
        await dispatcher.aclose()
        return first, again, after_takeover, unrelated

    first, again, after_takeover, unrelated = asyncio.run(scenario())
    assert len(first) == 1
    assert again == [] and after_takeover == []
    assert len(unrelated) == 1 and unrelated[0].key != first[0].key  # the check does tell alerts apart
    assert len(tables["outbox"]) == 2
