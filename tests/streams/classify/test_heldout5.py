"""The shipped rules on the fifth blind set: floors per topic.

tests/fixtures/heldout5/ (465 articles: 285 Indonesian = 61%, 60 English, 60
Vietnamese, 60 Korean; 253 with no topic) was written BLIND in round 4 by six
helpers who read only the topic definitions of issue 11 and a list of hard
kinds (never the rules, the engine, any other set or test, and ran no
classifier), one file per writer, in outlets' real shapes: datelines, captions,
"Baca juga"/"Xem thêm"/관련기사 teasers (some on topic inside off-topic
stories), trailers, RSS one-liners, editorials, interviews, court reports,
live blogs, reviews, listicles.

Caveat on independence: the writers' list of hard kinds named kinds the
round-3 set had exposed (fiction about hackers, cyber units at charity
events, ASEAN scholarships, North Korea in lists), and the round-4 tuners
were told the same kinds from heldout4's mistakes. So this set measures
generalisation to new TEXT of known kinds more than to new kinds.

Scored BEFORE any rule or engine change of round 4 (the rules of commit
89582ad), precision / recall / F1:

    asean        0.810 / 0.914 / 0.859   (tp 64, fp 15, fn 6)
    cybercrime   0.746 / 0.822 / 0.782   (tp 88, fp 30, fn 19)
    north-korea  0.895 / 0.971 / 0.932   (tp 68, fp 8, fn 2)

AFTER the round-4 tuning (three tuners who never saw this set; heldout4 and a
new devset4 were their development sets, where they reached 1.00), measured
once on the rules of commit 0a19f4e:

    asean        0.861 / 0.971 / 0.913   (tp 68, fp 11, fn 2)
    cybercrime   0.877 / 0.935 / 0.905   (tp 100, fp 14, fn 7)
    north-korea  0.932 / 0.986 / 0.958   (tp 69, fp 5, fn 1)

The gap between 1.00 on the development sets and these figures is the honest
size of the problem: precision on unseen news is still short of the 0.95
target, most of all for asean and cybercrime.

Opened as a development set in round 5: its mistakes were read, grouped into
kinds, and each kind was written afresh in tests/fixtures/devset5/ before it
was fixed (those files' headers give the honest before/after). After the
cybercrime tuning of round 5 (frames for lessons, launches and ceremonies; a
Vietnamese unit's long name; "tác giả"; act AND harm pairs for a face made by
software, a fake officer who makes the victim hide, a code read out, a job
abroad that ends in steering chats):

    cybercrime   0.964 / 1.000 / 0.982   (tp 107, fp 4, fn 0)

(the four false alarms left are cyber words in passing inside North Korea and
ASEAN summit stories: the salience tuner's kind). These figures are no longer
estimates for unseen news: this set was tuned on.

Salience tuning of round 5 (asean-named needs the bloc at work next to the
name; the north-korea lead ends with the first paragraph; North Korean
places count):

    asean        0.861 / 0.971 -> 1.000 / 0.986   (tp 68 -> 69, fp 11 -> 0, fn 2 -> 1)
    north-korea  0.932 / 0.986 -> 1.000 / 1.000   (tp 69 -> 70, fp 5 -> 0, fn 1 -> 0)

and, with cybercrime's ``beside: [north-korea, asean]`` (a cyber word in
one sentence of a North Korea or ASEAN story is a passing mention):

    cybercrime   0.964 / 1.000 -> 1.000 / 1.000   (tp 107, fp 4 -> 0, fn 0)

(the last of the four, a Vietnamese summit live blog, went once "khối" and
"Hiệp hội" were taught as ASEAN's aliases: then its ASEAN story stands beside
the agenda's "lừa đảo qua mạng"). The asean miss left is an editorial that
names the bloc as "perhimpunan sepuluh negara, kini sebelas".

The floor is the latest figure minus a margin of about one article. Do not edit
the texts or labels to make a rule pass: write a new set to measure again.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

HELDOUT5 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout5"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.98, 0.97),
    "north-korea": (0.98, 0.98),
    "cybercrime": (0.99, 0.99),
}


# Fails without naming articles: the set stays blind.
TestHeldout5 = set_checks(
    HELDOUT5, FLOOR, Shape(at_least=450, negatives=250, per_topic=65, indonesian_share=0.6), blind=True
)
