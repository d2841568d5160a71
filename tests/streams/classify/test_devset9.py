"""The shipped rules on the ninth development set (round 9): floors per topic.

tests/fixtures/devset9/ was written in round 9 by the tuners after reading the
mistakes of heldout9 (opened as a development set in round 9) and trainset9,
and the rules-alone mistakes of every set, one file per KIND of mistake, in
other words than those sets' and in at least three of the four languages each,
BEFORE the rules were changed for that kind. Each file's header records what
main ded8ed2 caught before the fix (rules and judge; rules alone). "caught" =
positives alerted, "clean" = negatives not alerted. Cybercrime's kinds
(r9-rules), before the fix, rules and judge (rules alone the same unless
given in brackets):

    fiction-games     reviews of games, series and novels whose plot is a hack
                      caught 3/3   clean 3/5
    hoax-claims       fact-checks and "hacked" claims found false
                      caught 2/3   clean 1/5
    offline-crimes    exam jockeys with forged ID cards, a ransom demanded by
                      chat in a kidnapping, forged diplomas, cruelty filmed
                      caught 3/3 (2/3)   clean 6/7
    security-work9    a job fair for security posts, a readiness ranking, an
                      election body's "cyber patrol", a teachers' course
                      caught 3/3   clean 3/5
    software-faults   an outage blamed on a faulty update or a bug
                      caught 2/3   clean 4/5
    plain-intrusion9  a login left open used to change records, a match server
                      flooded on purpose, spies reading an organisation's mail
                      caught 1/6   clean 3/3
    corrections9      corrections that keep the crime and those that take it back
                      caught 1/3   clean 3/3

The set is to become a training folder of the judge (rules/judge/judge.yaml),
so its figures with the judge will be fitted, not estimates for unseen news.
The floor is the figure minus a margin of about one article. Do not edit the
texts or labels to make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import set_checks

DEVSET9 = Path(__file__).resolve().parents[2] / "fixtures" / "devset9"

FLOOR = {
    # topic: (precision, recall)
    "cybercrime": (0.55, 0.50),  # round 9, before the fix (judge trained on it): see the module docstring
}


# A failure lists the mistakes.
TestDevset9 = set_checks(DEVSET9, FLOOR, None, blind=False)
