"""The classify group's partition assignor: the worker that delivers takes a smaller share of the articles.

Every copy of a story meets on the one matches partition, so one worker delivers everything; with
`--role all` it is also a classifier, and Kafka's round-robin assignment gave it a full share of the
articles as well: two `all` workers measured 1.61-1.99x one (median 1.68; tests/bench/bench_worker.py), the one
delivering being the slower. Each member of the classify group says in its join metadata whether it
delivers; the group leader gives a delivering member ``DELIVERER_SHARE`` of an ordinary member's
share (rounded by largest remainder, so a lone member still takes every partition) and the rest
evenly to the others. A member whose delivery starts or stops joins the group again
(:class:`~pantau.adapters.kafka.batch_classifier.BatchClassifier` watches it between batches).

One protocol, under round robin's name. Members of releases without this assignor offer aiokafka's
default, ``roundrobin``; ours goes by the same name with the same metadata layout (version, topics,
user data: ``delivers`` or nothing), so old and new members form one group in a rolling upgrade
(whichever leads: an old leader splits evenly, a new one reads the flag). It does not offer two
protocols: aiokafka 0.14 sends one JoinGroup per offered assignor, each with a longer protocol list
(aio-libs/aiokafka#1168), which can make the broker take the later request as changed metadata and
rebalance again (read in aiokafka's code, not reproduced; tests/kafka/test_classify_worker.py checks a
steady group stays put).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from aiokafka.cluster import ClusterMetadata
from aiokafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata

__all__ = ["DELIVERER_SHARE", "DeliveryAwareAssignor", "quotas"]

DELIVERER_SHARE = 0.5
"""A delivering member's share of the articles, as a fraction of another member's.

Half, not none: a lone other member would otherwise classify everything while the deliverer idles on a
quiet day. With the articles' 6 partitions two `all` workers split 2/4 (any share from ~0.35 to 0.6 gives
the same split); on the bench's burst (~2.6 % of articles alerting, ~2 ms of delivery CPU per alert) that
leaves the two processes about equally busy (tests/bench/bench_worker.py, ``two_workers``: ``balance``).
"""
_DELIVERS = b"delivers"


def quotas(members: list[str], delivering: set[str], partitions: int, share: float = DELIVERER_SHARE) -> dict[str, int]:
    """How many partitions each member gets: weights 1 (``share`` for a deliverer), largest remainder, ties by order."""
    if not members:
        return {}
    weights = {m: share if m in delivering else 1.0 for m in members}
    total = sum(weights.values())
    if total <= 0:  # only deliverers, with a share of 0: someone must classify
        weights, total = dict.fromkeys(members, 1.0), float(len(members))
    exact = {m: partitions * w / total for m, w in weights.items()}
    counts = {m: int(q) for m, q in exact.items()}
    left = partitions - sum(counts.values())
    # The remainders go to the largest fractions; among equals, non-deliverers first, then member order.
    order = sorted(members, key=lambda m: (-(exact[m] - counts[m]), m in delivering, members.index(m)))
    for m in order[:left]:
        counts[m] += 1
    return counts


class DeliveryAwareAssignor(AbstractPartitionAssignor):
    """Round robin, except that a member that delivers gets ``share`` of an ordinary member's partitions."""

    name = "roundrobin"  # the protocol earlier releases offer (see the module's docstring)
    version = 0

    def __init__(self, delivering: Callable[[], bool], share: float = DELIVERER_SHARE) -> None:
        self.delivering = delivering
        self.share = share
        self.announced = False
        """Whether this member's last join metadata said it delivers."""

    def metadata(self, topics: Iterable[str]) -> ConsumerProtocolMemberMetadata:
        """This member's subscription, with whether it delivers now."""
        self.announced = bool(self.delivering())
        return ConsumerProtocolMemberMetadata(self.version, sorted(topics), _DELIVERS if self.announced else b"")

    def assign(
        self, cluster: ClusterMetadata, members: Mapping[str, ConsumerProtocolMemberMetadata]
    ) -> dict[str, ConsumerProtocolMemberAssignment]:
        """Each topic's partitions in order, in runs of each member's quota."""
        ids = sorted(members)
        delivering = {m for m in ids if members[m].user_data == _DELIVERS}
        owned: dict[str, dict[str, list[int]]] = {m: {} for m in ids}
        for topic in sorted({t for meta in members.values() for t in meta.subscription}):
            partitions = sorted(cluster.partitions_for_topic(topic) or ())
            subscribed = [m for m in ids if topic in members[m].subscription]
            start = 0
            for m, count in quotas(subscribed, delivering, len(partitions), self.share).items():
                if count:
                    owned[m][topic] = partitions[start : start + count]
                start += count
        return {m: ConsumerProtocolMemberAssignment(self.version, sorted(owned[m].items()), b"") for m in ids}

    def on_assignment(self, assignment: ConsumerProtocolMemberAssignment) -> None:
        """Nothing to remember: the assignment is the group leader's, recomputed at each join."""
