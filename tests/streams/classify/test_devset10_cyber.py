"""The shipped rules on the tenth development set's cybercrime file (round 10, r10-cyber): floors.

tests/fixtures/devset10/cyber.yaml was written in round 10 by r10-cyber after
reading heldout10's cybercrime mistakes (heldout10 opened as a development
set), one group per KIND of mistake, in other words than heldout10's and in
at least three of the four languages each, BEFORE the rules were changed.
62 articles (id 21, en 15, vi 13, ko 13); 39 cybercrime, 23 with no topic.
"caught" = positives alerted, "clean" = negatives not alerted; BEFORE = main
c698449 (rules and judge; rules alone in brackets) -> AFTER = r10-cyber's rules
(the judge unchanged):

    corrections       notices that fix a figure of a scam, a leak or a
                      ransom, and notices that take the crime back
                      caught 5/7 (5/7) -> 7/7   clean 3/4 (3/4) -> 4/4
    editorials        editorials about real breaches and scams; one about
                      clumsy services
                      caught 3/5 (2/5) -> 5/5 (4/5)   clean 1/1 -> 1/1
    letters           a reader's ID used for online loans; a rude collector
                      caught 3/3 (1/3) -> 3/3   clean 1/1 -> 1/1
    cyber law         bills and laws that make attacks punishable; a
                      broadcasting bill
                      caught 3/5 (3/5) -> 5/5   clean 1/1 -> 1/1
    defacement told   a site showing a group's message, then restored; a
                      redesign
                      caught 4/5 (3/5) -> 5/5   clean 1/1 -> 1/1
    buyer's guides    lists of the best password managers and antivirus apps
                      clean 0/3 -> 3/3
    SIM re-issue      a SIM re-issued to an impostor, the account drained;
                      an operator's free SIM replacement
                      caught 4/4 -> 4/4   clean 2/2 -> 2/2
    game patches      "exploit" and "hacker" in a game's patch notes; a game
                      company breached
                      caught 1/1 -> 1/1   clean 0/3 -> 3/3

    all               caught 23/30 (19/30) -> 30/30 (29/30)
                      clean 9/16 (9/16) -> 16/16 (16/16)
    cybercrime        rules and judge 0.767 / 0.767 -> 1.000 / 1.000

Added after the first landing (1fda5c2), scored on it before the Korean
polite endings and the copula were taught to the morphology (round 10):

    polite Korean     a reader's letter and a broadcast script in 습니다
                      endings; a letter about a clumsy site; a ticket rush
                      caught 2/2 -> 2/2   clean 2/2 -> 2/2
                      (the fix is for breadth8's t8-ko-d-012, "가짜
                      사이트였습니다": 0.986 -> 1.000 recall there)
    assumed hijack    an account believed hijacked whose owner says he
                      wrote the post ("Nggak ada yang bobol akun saya"),
                      and one really hijacked though first taken for a joke
                      caught 1/1 -> 1/1   clean 0/2 -> 1/2 (the English
                      "Nobody hacked me" still alerts: "nobody" before a
                      hit would also deny "nobody has claimed the hack")
                      (heldout6's h6-id-a-093: cybercrime 0.986 -> 1.000)
    SIM swap status   the phone "tidak ada layanan" / "SOS only", then the
                      savings gone; a carrier's outage with nothing lost
                      caught 1/2 (1/2) -> 2/2   clean 1/1 -> 1/1
                      (heldout9 rules alone 0.968 -> 0.984 recall)
    link then charges a link in a text, then a card or a pay-later limit
                      spent by strangers; a display bug's strange entries
                      caught 1/2 (0/2) -> 2/2 (2/2)   clean 1/1 -> 1/1
    cyber treaty      the UN treaty told by its title ("crimes committed
                      through information and communications technology
                      systems"); a trade show called a convention
                      caught 2/2 -> 2/2   clean 1/1 -> 1/1 (the fix is for
                      heldout6's h6-en-a-030, found by the rules alone now)

The set is to become a training folder of the judge (rules/judge/judge.yaml),
so its figures with the judge will then be fitted, not estimates for unseen
news. The floor is the AFTER figure minus a margin of about one article. Do not
edit the texts or labels to make a rule pass: write a new batch and score it
first. Other helpers' files in tests/fixtures/devset10/ have their own modules.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET10 = Path(__file__).resolve().parents[2] / "fixtures" / "devset10"

FLOOR = {"cybercrime": (0.94, 0.96)}  # round 10 after r10-cyber's fix: 0.975 / 1.000 (39 positives)

TestDevset10Cyber = set_checks(
    DEVSET10, FLOOR, Shape(at_least=62, negatives=23, per_topic=39), blind=False, ids="d10-cyber-"
)
