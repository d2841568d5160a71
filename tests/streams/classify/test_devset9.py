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

North-korea's and asean's kinds (r9-nk), written after reading the same sets'
north-korea and asean mistakes; BEFORE = main 5d33d6b (rules and judge; rules
alone in brackets) -> AFTER = round 9's rules (r9-nk), with the judge and alone
alike:

    nk-korea-not-north  "Korea" that is not the North's state: the Korean
                      language a typhoon's name comes from, the peninsula's
                      weather, Joseon-era arts, Korean ginseng, Pyongyang-style
                      noodles, a drama review set in the North
                      north-korea  caught 5/5 (5/5) -> 5/5   clean 4/6 (3/6) -> 6/6
    nk-passing-mention  the North named in a story about something else: an
                      obituary listing a posting in Pyongyang, a personnel
                      notice of Seoul's unification ministry, a minister's
                      private scandal, a look-alike act, a market wrap's line
                      north-korea  caught 4/4 (4/4) -> 4/4   clean 5/7 (3/7) -> 7/7
    asean-bloc-bodies the bloc told by its bodies and acronyms (AMAF, APTERR,
                      SOMTC, ADMM, the chair's statement, Timor-Leste's seat
                      as a full member)
                      asean        caught 6/7 (4/7) -> 7/7   clean 4/4 (4/4) -> 4/4
    asean-as-venue    ASEAN as one line of an agenda or a week ahead, an
                      address (the Secretariat building, a station), an origin
                      ("students from ASEAN countries")
                      asean        caught 3/3 (3/3) -> 3/3   clean 5/8 (3/8) -> 8/8

Their fixes: salience `title_alone_words` (a long story that names the North
only in its title is a passing mention), a list-line sense `in_lines` (one
line of an agenda or a week ahead), senses for Korea that is not the North
(tiếng, sâm, thời, triều Triều Tiên; a look-alike; "kiểu Bình Nhưỡng"), frames
for an obituary or a personnel notice and for a correction notice, 통일부 no
longer a name of the North by itself; ASEAN's sectoral bodies and schemes as
its names, Timor-Leste's full membership and "Southeast Asian leaders" in
asean-told, and senses for an address and an origin.

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
    "asean": (0.90, 0.90),  # round 9, after r9-nk's fix: 1.000 / 1.000 (10 positives; 0.750 / 0.900 before)
    "north-korea": (0.88, 0.88),  # round 9, after r9-nk's fix: 1.000 / 1.000 (9 positives; 0.692 / 1.000 before)
}


# A failure lists the mistakes.
TestDevset9 = set_checks(DEVSET9, FLOOR, None, blind=False)
