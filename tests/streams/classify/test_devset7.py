"""The shipped rules on the seventh development set (round 7): floors per topic.

tests/fixtures/devset7/ was written in round 7 by r7-rules after reading the
mistakes of heldout7 (opened as a development set in round 7), one file per
KIND of mistake, in other words than heldout7's and in at least three of the
four languages each, BEFORE the rules were changed for that kind; then each
kind was fixed and re-scored. Per file, "caught" = positives alerted, "clean"
= negatives not alerted; BEFORE = main 4ece201 (rules and judge; rules alone in
brackets), AFTER = round 7 (rules and the same judge):

    impostor-contact  a caller, a text or an email posing as the bank, the
                  police, a utility, a courier or a supplier, and the money
                  goes (a "safe account", new bank details); a real utility
                  call, a real change of bank, a council's phone help
                  cybercrime   caught 3/6 -> 6/6   clean 4/4 -> 4/4   (rules alone 0/6 -> 5/6)
    column-musing a column, an essay, satire, a family memory or an obituary
                  with "hacked" or a password as a metaphor or a joke; a
                  column or a reader's letter about a real breach or scam
                  cybercrime   caught 4/4 -> 4/4   clean 3/6 -> 6/6
    payment-tamper  a card copier on an ATM or a terminal, a payment QR code
                  covered with another, an insider editing balances or
                  voiding sales; an ATM prised open, a QR label on eggs, a
                  teller taking cash from the vault
                  cybercrime   caught 0/5 -> 5/5   clean 4/4 -> 4/4

Written after the first landing (8d50f86) and scored on main before the fix:

    bloc-name     one or two members' own news with ASEAN named once in
                  passing ("the country, which became ASEAN's 11th member",
                  "hai nước thành viên ASEAN", a Korea-ASEAN aside in an
                  ambassador's trade talk), "the ASEAN way" as an idiom for a
                  board or a wage talk; the bloc at work, also as "the bloc"
                  asean        caught 6/6 -> 6/6   clean 7/9 -> 8/9   (rules alone clean 5/9 -> 8/9)

The fixes are mechanisms more than words: a headline that announces an
opinion genre (column, essay, satire, 칼럼, tản văn; ``frames:`` in
cybercrime.yaml) needs three telling terms (a theft, an arrest, a named crime
such as ransomware or a data breach, a loss) before hacking words make news;
the impostor is a claim NEAR an institution ("yang mengaku petugas PLN",
"xưng là công an", "appeared to come from the supplier", "수사관이라며") with
a call, a message or an email AND the money gone; payment tampering is the
device NEAR the card slot, the QR code NEAR its cover with the money paid
elsewhere, or an edit of balances in a system, with a loss or the law.
For ASEAN, a membership word alone (member, anggota, thành viên, 회원국) no
longer makes the name the bloc at work (joining still does), "the ASEAN way"
after gaya/ala/kiểu or before way/style/방식 is an idiom (a sense), and
"hợp tác xã" is a cooperative, not cooperation. Still wrong: the Korean
ambassador's trade talk with a "한-아세안" aside (the judge lets it stand).

The AFTER figures were tuned with this set in view: they are not estimates
for unseen news. The floor is the AFTER figure minus a margin of about one
article. Do not edit the texts or labels to make a rule pass: write a new
batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET7 = Path(__file__).resolve().parents[2] / "fixtures" / "devset7"

FLOOR = {
    # topic: (precision, recall)
    "cybercrime": (0.93, 0.93),
    "asean": (0.80, 0.83),  # r7-judge, trained on it (the rules and round 6's judge: see above)
}


# A failure lists the mistakes.
TestDevset7 = set_checks(
    DEVSET7, FLOOR, Shape(at_least=43, negatives=23, per_topic=4, indonesian_share=0.30), blind=False
)
