"""The classify group's assignor: a delivering member takes a smaller share of the articles, every partition once."""

from __future__ import annotations

from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata
from aiokafka.structs import TopicPartition

from pantau.adapters.kafka.classify_share import DeliveryAwareAssignor, quotas


def assigned_partitions(assignment: ConsumerProtocolMemberAssignment) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for topic, parts in assignment.assignment for p in parts]


def test_a_deliverer_gets_half_a_share_and_a_lone_member_everything():
    assert quotas(["a", "b"], {"a"}, 6) == {"a": 2, "b": 4}
    assert quotas(["a", "b"], set(), 6) == {"a": 3, "b": 3}
    assert quotas(["a"], {"a"}, 6) == {"a": 6}  # no one else to classify
    three = quotas(["a", "b", "c"], {"a"}, 6)
    assert three == {"a": 1, "b": 3, "c": 2} and sum(three.values()) == 6  # remainders to non-deliverers
    assert quotas(["a", "b"], {"a"}, 6, share=0.0) == {"a": 0, "b": 6}
    assert quotas(["a", "b"], {"a", "b"}, 6, share=0.0) == {"a": 3, "b": 3}  # someone must classify
    assert quotas([], set(), 6) == {}


class Cluster:
    def partitions_for_topic(self, topic: str) -> set[int]:
        return set(range(6)) if topic == "p.pantau.articles" else set()


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
