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

Round 13: the share follows what delivery costs. A fixed half share suited one alert rate only (the bench's
3.2 %, ~1 ms of CPU per alert); the delivering member now measures its delivery CPU per article of the
stream against its classification CPU per article (:mod:`pantau.adapters.kafka.delivery_cost`) and announces
the ratio ``r`` in its join metadata (``delivers r=0.3150``). With one deliverer among ``n`` members an even
split needs it to classify ``f = (1 - (n-1) r) / n`` of the articles, i.e. a weight of ``(1 - (n-1) r) / (1 + r)``
against another member's 1 (:func:`deliverer_share`, bounded to ``SHARE_BOUNDS``). The leader writes the
group's size and the topic's partitions in each assignment (``members=2 partitions=12``) so the deliverer
can tell whether a new ratio would change its partition count, and joins again only then
(:func:`would_move`). Rolling upgrades: a plain ``delivers`` (earlier releases, or a deliverer that has not
measured yet) weighs ``DELIVERER_SHARE``; an earlier leader reads ``delivers r=...`` as an ordinary member
(the even split of releases before round 8), so a deliverer announces its ratio only to a leader that wrote
the group's size (this release).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from aiokafka.cluster import ClusterMetadata
from aiokafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata

__all__ = [
    "DELIVERER_SHARE",
    "SHARE_BOUNDS",
    "DeliveryAwareAssignor",
    "adopt_offsets",
    "deliverer_share",
    "quotas",
    "would_move",
]

DELIVERER_SHARE = 0.5
"""A delivering member's share of the articles, as a fraction of another member's, until it has measured.

Half, not none: a lone other member would otherwise classify everything while the deliverer idles on a
quiet day. Two `all` workers split 2/4 of 6 partitions, 4/8 of 12; on the bench's burst (3.2 % of articles
alerting, ~1 ms of delivery CPU per alert) that leaves the two processes about equally busy
(tests/bench/bench_worker.py, ``two_workers``: ``balance``).
"""
SHARE_BOUNDS = (0.2, 1.0)
"""The least and most a measured deliverer's weight can be: never more than an ordinary member's (delivery
costs something), never so little that a noisy window or a quiet day leaves it idle beside one busy member."""
HYSTERESIS = 0.15
"""A new ratio moves the deliverer's partitions only when it and the ratio 15 % either side give the same count."""
_DELIVERS = b"delivers"


def deliverer_share(ratio: float | None, members: int) -> float:
    """A deliverer's weight against an ordinary member's 1: ``(1 - (n-1) r) / (1 + r)``, bounded; half unmeasured."""
    if ratio is None:
        return DELIVERER_SHARE
    low, high = SHARE_BOUNDS
    return min(high, max(low, (1 - (members - 1) * ratio) / (1 + ratio)))


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


def _deliverer_count(ratio: float | None, members: int, partitions: int) -> int:
    """The partitions a lone deliverer gets among ``members`` (its count does not depend on the others' ids)."""
    names = [str(i) for i in range(members)]
    return quotas(names, {"0"}, partitions, deliverer_share(ratio, members))["0"]


def would_move(announced: float | None, measured: float, members: int, partitions: int) -> bool:
    """Whether ``measured`` changes the deliverer's partition count from ``announced``'s, beyond the hysteresis."""
    now = _deliverer_count(announced, members, partitions)
    low = _deliverer_count(measured * (1 - HYSTERESIS), members, partitions)
    high = _deliverer_count(measured * (1 + HYSTERESIS), members, partitions)
    return low == high == _deliverer_count(measured, members, partitions) != now


def announce(delivers: bool, ratio: float | None) -> bytes:
    """Join metadata's user data: ``delivers``, with ``r=<ratio>`` once measured, or nothing."""
    if not delivers:
        return b""
    return _DELIVERS if ratio is None else b"%s r=%.4f" % (_DELIVERS, ratio)


def read_announcement(user_data: bytes) -> tuple[bool, float | None]:
    """Whether a member delivers and its ratio (None: not measured, or an earlier release's plain flag)."""
    flag, _, rest = (user_data or b"").partition(b" ")
    if flag != _DELIVERS:
        return False, None
    try:
        ratio = float(rest.removeprefix(b"r=")) if rest.startswith(b"r=") else None
    except ValueError:
        ratio = None
    return True, ratio if ratio is None or ratio >= 0 else None


class DeliveryAwareAssignor(AbstractPartitionAssignor):
    """Round robin, except that a member that delivers gets a share of an ordinary member's partitions."""

    name = "roundrobin"  # the protocol earlier releases offer (see the module's docstring)
    version = 0

    def __init__(self, delivering: Callable[[], bool]) -> None:
        self.delivering = delivering
        self.announced = False
        """Whether this member's last join metadata said it delivers."""
        self.ratio: float | None = None
        """The delivery ratio this member announces while it delivers (set by the classifier when it moves)."""
        self.group: tuple[int, int] | None = None
        """(members, partitions) from the last assignment; None when the leader was an earlier release."""

    def metadata(self, topics: Iterable[str]) -> ConsumerProtocolMemberMetadata:
        """This member's subscription, with whether it delivers now (and its ratio, to a leader that reads it)."""
        self.announced = bool(self.delivering())
        user_data = announce(self.announced, self.ratio if self.group is not None else None)
        return ConsumerProtocolMemberMetadata(self.version, sorted(topics), user_data)

    def assign(
        self, cluster: ClusterMetadata, members: Mapping[str, ConsumerProtocolMemberMetadata]
    ) -> dict[str, ConsumerProtocolMemberAssignment]:
        """Each topic's partitions in order, in runs of each member's quota; each member told the group's size."""
        ids = sorted(members)
        said = {m: read_announcement(members[m].user_data) for m in ids}
        delivering = {m for m in ids if said[m][0]}
        ratios = [r for m in sorted(delivering) if (r := said[m][1]) is not None]
        owned: dict[str, dict[str, list[int]]] = {m: {} for m in ids}
        sizes: dict[str, bytes] = dict.fromkeys(ids, b"")
        for topic in sorted({t for meta in members.values() for t in meta.subscription}):
            partitions = sorted(cluster.partitions_for_topic(topic) or ())
            subscribed = [m for m in ids if topic in members[m].subscription]
            share = deliverer_share(sum(ratios) / len(ratios) if ratios else None, len(subscribed))
            start = 0
            for m, count in quotas(subscribed, delivering, len(partitions), share).items():
                if count:
                    owned[m][topic] = partitions[start : start + count]
                start += count
                sizes[m] = b"members=%d partitions=%d" % (len(subscribed), len(partitions))
        return {m: ConsumerProtocolMemberAssignment(self.version, sorted(owned[m].items()), sizes[m]) for m in ids}

    def on_assignment(self, assignment: ConsumerProtocolMemberAssignment) -> None:
        """Remember the group's size and partitions the leader wrote (an earlier leader writes none)."""
        fields = dict(part.split(b"=", 1) for part in (assignment.user_data or b"").split() if b"=" in part)
        try:
            self.group = int(fields[b"members"]), int(fields[b"partitions"])
        except (KeyError, ValueError):
            self.group = None


def adopt_offsets(bootstrap: str, group: str, faust_group: str, topic: str) -> dict[int, int]:
    """Copy ``faust_group``'s offsets on ``topic`` to ``group`` if it has none (blocking: use an executor)."""
    from kafka import KafkaAdminClient
    from kafka.structs import OffsetAndMetadata

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="pantau-classify-offsets")
    try:
        found = admin.list_group_offsets({group: None, faust_group: None})
        if any(tp.topic == topic and meta.offset >= 0 for tp, meta in (found.get(group) or {}).items()):
            return {}  # this group has its own commits
        legacy = {
            tp: OffsetAndMetadata(meta.offset, "", -1)
            for tp, meta in (found.get(faust_group) or {}).items()
            if tp.topic == topic and meta.offset >= 0
        }
        if legacy:
            admin.alter_group_offsets(group, legacy)
        return {tp.partition: meta.offset for tp, meta in legacy.items()}
    finally:
        admin.close()
