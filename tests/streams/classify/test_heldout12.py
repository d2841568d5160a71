"""The shipped rules and judge on the twelfth set, blind in round 11: floors per topic.

Opened as a development set in round 12 (its mistakes may now be read and
grouped into kinds; its texts and labels stay as written). The BEFORE and
AFTER figures below are its honest blind measurements of round 11.

tests/fixtures/heldout12/ (220 articles: 136 Indonesian = 62%, 34 English, 25
Vietnamese, 25 Korean; 98 with no topic; cybercrime 59, asean 42, north-korea
41) was written BLIND in round 11 by six helpers who read only the topic
definitions of issue 11 (never the rules, the judge, the engine, any other set
or test, and ran no classifier), one file per writer, each with its own desk:
Indonesian online portals' crime, tech and regional desks (id-a); business,
politics and foreign-affairs desks, press releases, columns and broadcast
transcripts (id-b); provincial, community and campus media and regional
government releases (id-c); English-language regional dailies, newsletters and
court reports (en-a); Vietnamese national, police, provincial and business
outlets (vi-a); Korean wire, broadcast, economy and local outlets (ko-a). Most
articles are ordinary news of the desk; about a third are hard, of kinds each
writer invented (a victim's account without the crime's words, a statute's
wording in a verdict, "anomali akses" for a breach, a listed company's
disclosure, 몸캠 for sextortion, the North told by Bình Nhưỡng and Sohae, 북향민,
a dark tanker and resolution 2397, a National Security Act verdict; the bloc
told by AICHR, ACDFM, the Five-Point Consensus or "the 11th member"; the other
way, Hotel Asean and Asean Square, the ASEAN Cup, 평양냉면, 북한산, the Joseon
dynasty, "serangan fajar", a golf column's "hackers", a bank outage denied as
an attack, Lancang-Mekong, a calendar line).

The lead froze the files and scored them once on the session's start commit
(93677dd: the rules and judge of round 10) and once after round 11's changes,
in separate checkouts. No tuner saw them.

BEFORE round 11 (93677dd), precision / recall:

    asean        1.000 / 0.952   (tp 40, fp 0, fn 2)
    cybercrime   0.966 / 0.949   (tp 56, fp 2, fn 3)
    north-korea  0.975 / 0.951   (tp 39, fp 1, fn 2)

The same commit's rules without the judge:

    asean        0.952 / 0.952   (tp 40, fp 2, fn 2)
    cybercrime   0.917 / 0.932   (tp 55, fp 5, fn 4)
    north-korea  0.929 / 0.951   (tp 39, fp 3, fn 2)

AFTER round 11 (66d17ad: r11-cyber's cybercrime rules (crypto theft in jargon,
hacker groups by tracked name, an insider's admin access), r11-nk's and
r11-nkb's north-korea and asean rules (spy cases by the North's bureau,
sanctions resolutions by number, laptop farms, trash balloons, the Kim regime,
its sites and media by full name; the bloc by its treaties and Timor-Leste),
the judge taught devset11), measured once:

    asean        1.000 / 0.952   (tp 40, fp 0, fn 2)
    cybercrime   0.982 / 0.949   (tp 56, fp 1, fn 3)
    north-korea  0.953 / 1.000   (tp 41, fp 2, fn 0)

The same rules without the judge: asean 0.952 / 0.952, cybercrime 0.932 /
0.932 (tp 55, fp 4, fn 4), north-korea 0.932 / 1.000 (tp 41, fp 3, fn 0).

So round 11 caught both north-korea stories it had missed and took away a
cybercrime false alarm, at the cost of one more north-korea false alarm;
asean did not move. Every figure is 0.95 or better except cybercrime recall,
0.949 (56 of 59).

Round 12 (r12-cyber) tuned the cybercrime rules on the kinds of its three
cybercrime misses (a victim's account of an app installed from a "cek resi"
message, of a romance that moved a widow's money into a trading app whose
profits waited on a "tax clearance fee", an op-ed on "việc nhẹ, lương cao"
compounds), written anew in tests/fixtures/devset12/cyber.yaml: cybercrime
0.982 / 0.949 -> 0.983 / 1.000 (rules alone 0.932 / 0.932 -> 0.937 / 1.000).
The false alarm left, h12-id-a-030 (an online-gambling bust by a police cyber
directorate, labelled none), is not tuned away: every other set labels such
busts cybercrime (heldout2 h2-id-02, heldout3 h3-id-026, rules/corpus id-39).

The floor is the AFTER figure minus a margin of about one article. Do not edit
the texts or labels. Round 12 may read its mistakes and tune on their kinds;
heldout13 measures blind in its place.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

HELDOUT12 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout12"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.97, 0.95),  # round 12 (r12-nk): 1.000 / 0.976, one article under
    "north-korea": (0.97, 0.97),  # round 12 (r12-nk): 1.000 / 1.000, one article under
    "cybercrime": (0.96, 0.98),  # round 12 (r12-cyber): 0.983 / 1.000, was 0.982 / 0.949
}

# A development set since round 12: a failure lists the mistakes.
TestHeldout12 = set_checks(
    HELDOUT12, FLOOR, Shape(at_least=220, negatives=95, per_topic=40, indonesian_share=0.6), blind=False
)


def test_the_set_does_not_teach_the_judge_yet():
    """Round 12 opened it for tuning the rules; the judge has not been weighed on it, so it stays out of `train:`."""
    assert judge_learns_from(HELDOUT12) is False
