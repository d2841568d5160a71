"""The classify group's assignor: a delivering member takes a smaller share of the articles, every partition once."""

from __future__ import annotations

from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata
from aiokafka.structs import TopicPartition

from pantau.adapters.kafka.classify_share import (
    DeliveryAwareAssignor,
    announce,
    deliverer_share,
    quotas,
    read_announcement,
    would_move,
)


def assigned_partitions(assignment: ConsumerProtocolMemberAssignment) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for topic, parts in assignment.assignment for p in parts]


def test_a_deliverer_gets_half_a_share_and_a_lone_member_everything():
    assert quotas(["a", "b"], {"a"}, 12) == {"a": 4, "b": 8}
    assert quotas(["a", "b"], {"a"}, 6) == {"a": 2, "b": 4}
    assert quotas(["a", "b"], set(), 6) == {"a": 3, "b": 3}
    assert quotas(["a"], {"a"}, 6) == {"a": 6}  # no one else to classify
    three = quotas(["a", "b", "c"], {"a"}, 6)
    assert three == {"a": 1, "b": 3, "c": 2} and sum(three.values()) == 6  # remainders to non-deliverers
    assert quotas(["a", "b"], {"a"}, 6, share=0.0) == {"a": 0, "b": 6}
    assert quotas(["a", "b"], {"a", "b"}, 6, share=0.0) == {"a": 3, "b": 3}  # someone must classify
    assert quotas([], set(), 6) == {}


class Cluster:
    def __init__(self, partitions: int = 6) -> None:
        self.count = partitions

    def partitions_for_topic(self, topic: str) -> set[int]:
        return set(range(self.count)) if topic == "p.pantau.articles" else set()


def test_assign_hands_out_every_partition_once_with_the_deliverers_flag_from_its_metadata():
    delivering = {"m1": True, "m2": False}
    assignors = {m: DeliveryAwareAssignor(lambda m=m: delivering[m]) for m in delivering}
    members = {m: a.metadata({"p.pantau.articles"}) for m, a in assignors.items()}
    assert assignors["m1"].announced and not assignors["m2"].announced
    result = assignors["m2"].assign(Cluster(), members)  # whichever member leads the group
    owned = {m: [tp.partition for tp in assigned_partitions(a)] for m, a in result.items()}
    assert owned == {"m1": [0, 1], "m2": [2, 3, 4, 5]}
    delivering["m1"] = False  # delivery moved away: the next join says so
    members = {m: a.metadata({"p.pantau.articles"}) for m, a in assignors.items()}
    owned = {
        m: [tp.partition for tp in assigned_partitions(a)]
        for m, a in assignors["m1"].assign(Cluster(), members).items()
    }
    assert owned == {"m1": [0, 1, 2], "m2": [3, 4, 5]}


def test_metadata_without_the_flag_reads_as_not_delivering():
    # Empty user data (what round robin sends too) is an ordinary member.
    earlier = ConsumerProtocolMemberMetadata(0, ["p.pantau.articles"], b"")
    ours = DeliveryAwareAssignor(lambda: True).metadata({"p.pantau.articles"})
    result = DeliveryAwareAssignor(lambda: False).assign(Cluster(), {"new": ours, "old": earlier})
    assert [len(assigned_partitions(result[m])) for m in ("new", "old")] == [2, 4]


def test_the_deliverers_weight_makes_it_as_busy_as_the_others_by_the_measured_ratio():
    assert deliverer_share(None, 2) == 0.5  # not measured yet: half
    assert deliverer_share(0.0, 2) == 1.0  # delivery free: an even split
    # Two members, r = d / c: the deliverer classifies f = (1 - r) / 2; its weight is f / (1 - f).
    for r in (0.1, 0.16, 0.32):
        f = (1 - r) / 2
        assert abs(deliverer_share(r, 2) - f / (1 - f)) < 1e-9
    # Three members: f = (1 - 2r) / 3 against (1 - f) / 2 each for the other two.
    f = (1 - 2 * 0.1) / 3
    assert abs(deliverer_share(0.1, 3) - f / ((1 - f) / 2)) < 1e-9
    assert deliverer_share(5.0, 2) == 0.2  # bounded: a noisy window never leaves it idle beside a busy member
    assert quotas(["d"], {"d"}, 12, deliverer_share(0.2, 1)) == {"d": 12}  # alone: everything, whatever the ratio
    # The bench's figures (round 13, 07:05 UTC): c = 0.0745 ms per article, d = 0.025: 4 of 12; with half
    # the delivery 5 of 12, where 6 partitions offered only 2 (f 0.33) or 3 (0.5) for f = 0.42.
    assert quotas(["d", "o"], {"d"}, 12, deliverer_share(0.34, 2)) == {"d": 4, "o": 8}
    assert quotas(["d", "o"], {"d"}, 12, deliverer_share(0.17, 2)) == {"d": 5, "o": 7}


def test_a_new_ratio_moves_the_deliverer_only_past_the_hysteresis():
    assert not would_move(None, 0.32, 2, 12)  # 4 of 12 either way: no rejoin
    assert would_move(None, 0.17, 2, 12)  # 5 of 12 against half a share's 4
    assert not would_move(0.17, 0.16, 2, 12)  # the same count
    # Near a boundary (6 (1 - r) = 4.5 at r = 0.25) a ratio 15 % either side gives 4 and 5: stay.
    assert not would_move(0.32, 0.24, 2, 12)
    assert not would_move(0.17, 0.26, 2, 12)
    assert would_move(0.17, 0.34, 2, 12)  # well past it
    assert not would_move(None, 0.17, 2, 6)  # with 6 partitions 0.17 still rounds to 2 (f 0.42 between 2/6 and 3/6)


def test_announcements_read_both_ways_and_earlier_ones_still_read():
    assert announce(False, 0.3) == b""
    assert announce(True, None) == b"delivers"  # as earlier releases said it
    assert read_announcement(announce(True, 0.3150)) == (True, 0.315)
    assert read_announcement(b"delivers") == (True, None)
    assert read_announcement(b"") == (False, None)
    assert read_announcement(b"delivers r=oops") == (True, None)
    assert read_announcement(b"delivers r=-1") == (True, None)


def test_the_leader_writes_the_groups_size_and_a_deliverer_announces_its_ratio_only_to_such_a_leader():
    deliverer, other = DeliveryAwareAssignor(lambda: True), DeliveryAwareAssignor(lambda: False)
    deliverer.ratio = 0.17
    # First join: no assignment yet, the leader may be an earlier release: the plain flag, half a share.
    members = {"m1": deliverer.metadata({"p.pantau.articles"}), "m2": other.metadata({"p.pantau.articles"})}
    assert members["m1"].user_data == b"delivers"
    result = other.assign(Cluster(12), members)
    assert [len(assigned_partitions(result[m])) for m in ("m1", "m2")] == [4, 8]
    deliverer.on_assignment(result["m1"])
    assert deliverer.group == (2, 12)
    members["m1"] = deliverer.metadata({"p.pantau.articles"})  # this leader reads a ratio: 5 of 12
    assert members["m1"].user_data == b"delivers r=0.1700"
    result = other.assign(Cluster(12), members)
    assert [len(assigned_partitions(result[m])) for m in ("m1", "m2")] == [5, 7]
    assert sorted(p for m in result for p in (tp.partition for tp in assigned_partitions(result[m]))) == list(range(12))
    # An earlier leader writes no user data: back to the plain flag at the next join.
    deliverer.on_assignment(ConsumerProtocolMemberAssignment(0, [("p.pantau.articles", [0, 1, 2, 3])], b""))
    assert deliverer.group is None
    assert deliverer.metadata({"p.pantau.articles"}).user_data == b"delivers"
