"""The shipped rules on the eighth development set (round 8): floors per topic.

tests/fixtures/devset8/ was written in round 8 by r8-rules after reading the
cybercrime mistakes of heldout8 and breadth8 (both opened as development sets
in round 8), one file per KIND of mistake, in other words than those sets' and
in at least three of the four languages each, BEFORE the rules were changed for
that kind. Each file's header records what main 468f3d4 caught before the fix
(rules and judge; rules alone). "caught" = positives alerted, "clean" =
negatives not alerted; BEFORE = main 468f3d4 (rules and judge; rules alone in
brackets) -> AFTER = round 8's rules with the judge of main 63d9191 (the rules
alone score the same after):

    payment-diversion  a bill paid to a stranger after a "new bank details"
                  email from a supplier, a caterer, a conveyancer
                  cybercrime   caught 3/5 (2/5) -> 5/5   clean 4/4 (4/4) -> 4/4
    non-delivery  goods paid for on a social-media shop or a marketplace,
                  never sent, the seller gone
                  cybercrime   caught 1/5 (0/5) -> 5/5   clean 4/4 (4/4) -> 4/4
    wallet-drain  unauthorised outflows from an exchange's hot wallet or a
                  payment firm, told as "abnormal withdrawals"
                  cybercrime   caught 1/5 (1/5) -> 5/5   clean 4/4 (4/4) -> 4/4
    locked-data   files made unreadable with a note demanding crypto, told
                  without "ransomware"
                  cybercrime   caught 5/5 (5/5) -> 5/5   clean 4/4 (4/4) -> 4/4
    plain-intrusion  an intrusion, a wipe, a leak or a flood of requests in
                  the words of a court, a filing or a ministry
                  cybercrime   caught 2/5 (1/5) -> 5/5   clean 3/4 (3/4) -> 4/4
    hack-other-sense  a machete "hack", a life hack, a growth hacker
                  cybercrime   caught 4/4 (4/4) -> 4/4   clean 5/6 (5/6) -> 6/6
    security-work  a bug bounty, a scam-call blocker, a security start-up's
                  funding, security shares, a phishing drill
                  cybercrime   caught 3/3 (3/3) -> 3/3   clean 7/7 (7/7) -> 7/7
    claims-corrections  "my account was hacked" disproved, a correction that
                  withdraws a hack, an outage that was a software fault
                  cybercrime   caught 3/3 (3/3) -> 3/3   clean 2/7 (2/7) -> 6/7
    impostor-official  a chat account using a regent's or a mayor's photo to
                  ask for money; a regulator blocking pages posing as banks
                  cybercrime   caught 5/5 (4/5) -> 5/5   clean 4/4 (4/4) -> 4/4
    letter-of-loss  a reader's letter or Q&A telling a scam loss
                  cybercrime   caught 3/4 (3/4) -> 4/4   clean 4/4 (4/4) -> 4/4
    offline-online-words  an offline crime told with an online word
                  cybercrime   caught 2/2 (2/2) -> 2/2   clean 6/6 (6/6) -> 6/6

The fixes are act-AND-harm rules on lists of plain words (told-account-swap,
told-paid-vanished, told-unauthorised-outflow, told-unauthorised-access,
told-request-flood, told-data-traded, told-encrypted-by-attack), senses (a
blade attack, fears and speculation, forgery in office, planned maintenance)
and headline frames (a correction notice, a security firm's business, a
detector launched), and a hack claimed as an excuse as a denial cue (klaim
akunnya, mengaku akunnya, blamed hackers, 주장한, 해명한). Still wrong: a
footballer's disproved "'hacked' account" (d8-cc-005).

The set is a training folder of the judge (rules/judge/judge.yaml), so its
figures with the judge are fitted, and they are not estimates for unseen news.
The floor is the figure minus a margin of about one article. Do not edit the
texts or labels to make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, judge_learns_from, set_checks

DEVSET8 = Path(__file__).resolve().parents[2] / "fixtures" / "devset8"

FLOOR = {
    # topic: (precision, recall)
    "cybercrime": (0.95, 0.97),  # round 8, after the fix: 0.979 / 1.000 (0.865 / 0.978 before, judge trained on it)
}


# A failure lists the mistakes.
TestDevset8 = set_checks(
    DEVSET8, FLOOR, Shape(at_least=100, negatives=54, per_topic=46, indonesian_share=0.30), blind=False
)


def test_the_judge_learns_from_devset8() -> None:
    assert judge_learns_from(DEVSET8) is True
