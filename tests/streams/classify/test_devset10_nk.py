"""The shipped rules on r10-nk's part of the tenth development set (round 10): floors per topic.

tests/fixtures/devset10/nk.yaml was written in round 10 by r10-nk after reading
heldout10's north-korea and asean mistakes (rules and judge, and the rules
alone) and the same topics' mistakes on the older sets, one KIND per group,
in other words than those sets' and in all four languages, BEFORE the rules
were changed for that kind. Batch 1 (d10-nk-001..024) was scored on main
c698449; batch 2 (d10-nk-025..040) was written after r10-nk's first fixes and
scored on them before the next (asean-told's @bloc_state, 북 당국, CHDCND);
batch 3 (d10-nk-041..050) likewise after batch 2's fixes (before "Southeast
Asian nations", "se-Asia Tenggara", and @bloc_state without "government").
d10-nk-041 (北 IT workers under false identities) was first labelled
north-korea only; it carries cybercrime too, as the laptop-farm stories of
heldout10 and trainset10 do.

    nk-periphrasis     the North named once (a title, one line deep in a live
                       blog) and then only by its army, its leader's title,
                       its spy agency and hacker groups, its towns, 北 and
                       북 당국, "the hermit kingdom"
    nk-defector-place  a defector told by the town she left and the river she
                       crossed (Sungai Tumen, sông Áp Lục), no name of the state
    nk-not-news        a typhoon's path across the peninsula, a Seoul column
                       with "not Pyongyang" in its headline, a long food story
                       naming the capital only in its title, an actress named
                       김정은, CHDCND Lào, the north of Seoul, a wildfire
                       north of a county
    asean-periphrasis  the chair's statement, "11 member states", the Jakarta
                       secretariat, the 11-member association, AIPA, ASEAN's
                       centres, the summit by its number, "Southeast Asian
                       nations", "Menlu se-Asia Tenggara", "khối"
    asean-not-bloc     a student simulation of an ASEAN summit, a diplomat's
                       obituary, BIMSTEC's chair's statement on Myanmar, a
                       trade association, an airline grouping, a council of
                       expatriate clubs in Southeast Asia, an airlines'
                       association asking governments, a mine named after
                       ASEAN, "Southeast Asian nations" as a market

Figures, precision / recall (rules and judge; rules alone in brackets):

    batch 1, main c698449:   asean        0.500 / 0.667 (0.333 / 0.333)
                             north-korea  0.750 / 0.667 (0.750 / 0.667)
    batch 2, r10-nk before its second step:
                             asean        0.500 / 1.000 (0.333 / 0.500)
                             north-korea  1.000 / 1.000 (1.000 / 1.000)
    batch 3, r10-nk before its third step:
                             asean        0.750 / 1.000 (0.500 / 0.333)
                             north-korea  1.000 / 1.000 (1.000 / 1.000)
    all 50, main c698449:    asean        0.579 / 0.846 (0.385 / 0.385)
                             north-korea  0.857 / 0.706 (0.857 / 0.706)
                             cybercrime   1.000 / 1.000 (1.000 / 1.000)
    all 50, after r10-nk:    every topic  1.000 / 1.000, with the judge and alone

The fixes (rules/README.md, round 10): salience `other_names` (the North named
again by its army, its leader's title, its hacker groups and towns, a
defection; a hit each towards min_hits), dprk-flight-told and
dprk-defector-told, a weather-report frame and a denied name in the headline
(north-korea); the chair's statement, member-state counts, the Jakarta
secretariat, AIPA and ASEAN's centres as names of the bloc, other groupings
as vetoes, @bloc_state for asean-told's weak names, senses for a simulation
and a former post, an obituary frame (asean).

The after figures are fitted, not estimates for unseen news. The floor is the
figure minus a margin of about one article. Do not edit the texts or labels to
make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import set_checks

DEVSET10 = Path(__file__).resolve().parents[2] / "fixtures" / "devset10"

FLOOR = {
    # topic: (precision, recall) -- r10-nk's nk.yaml only when read alone; the folder holds every helper's file
    "asean": (0.92, 0.92),  # round 10, after r10-nk: 1.000 / 1.000 (13 positives; 0.579 / 0.846 before)
    "north-korea": (0.94, 0.94),  # round 10, after r10-nk: 1.000 / 1.000 (17 positives; 0.857 / 0.706 before)
}


# A failure lists the mistakes.
TestDevset10Nk = set_checks(DEVSET10, FLOOR, None, blind=False)
