"""The shipped rules on the twelfth development set's cybercrime file (round 12, r12-cyber): floors.

tests/fixtures/devset12/cyber.yaml was written in round 12 by r12-cyber after
reading the cybercrime mistakes of heldout12 (opened as a development set),
heldout11, heldout10, trainset11, devset11 and the older sets. Its subject is
the kind blind sets keep finding: a crime told by its VICTIM, without the
crime's words (no scam, hack, phishing, penipuan, lừa đảo, 사기), and the
lawful stories that share those words. Written BEFORE the rules were changed,
in batches, each scored before it was fixed. 107 articles (id 39, en 27, vi 22,
ko 19); 60 cybercrime, 47 with no topic. The folder is shared (r12-nk writes
its own file): this module reads the d12-cyber- ids only.
"caught" = positives alerted, "clean" = negatives not alerted; MAIN = aa2f0e9
(rules and judge; rules alone in brackets) -> AFTER = r12-cyber's rules (the
judge unchanged):

    app from a message  an "invitation", a "parcel" text, a "tax" link: the
                        phone asked to allow something, then transfers in the
                        night to accounts the victim never knew (id, en, vi, ko)
                        caught 2/4 (2/4) -> 4/4
    account taken       locked out of WhatsApp, Facebook, KakaoTalk or a
                        bakery's Instagram; friends asked for money, or the
                        page offered back for bitcoin
                        caught 3/4 (1/4) -> 4/4
    money moved on      a "CS bank" caller and a "holding account", an
    someone's word      investment "mentor" or "teacher" in a chat group whose
                        app releases profits only after a fee, cash handed to a
                        "courier" at the door
                        caught 0/4 (0/4) -> 4/4
    near-misses         bank fees that empty a dormant account, a co-op's
                        manager gone with the cash, a forgotten password, a
                        label taking a band's accounts in a contract dispute,
                        an expert's advice in a falling market, a COD parcel
                        clean 4/6 (4/6) -> 5/6 (6/6)

    batch 1 (001-018)   rules and judge 0.714 / 0.417 -> 0.923 / 1.000
                        rules alone     0.600 / 0.250 -> 1.000 / 1.000

Batch 2 (019-036) was written after step 1 and scored on it (1fb6931) before
the next step: rules and judge 0.800 / 0.667, rules alone 0.750 / 0.500.

    sextortion          after a video call or photos swapped, the victim's
                        own friend list sent back with a demand (id, vi, en, ko)
                        caught 3/4 (2/4) -> 4/4
    compound            "easy work, high pay" abroad told by the work itself:
                        scripts, quotas, befriending strangers with someone
                        else's photo, walls, guards, a passport kept; an op-ed
                        caught 1/4 (1/4) -> 4/4
    variants            a coin app's "tax" before withdrawal (ko), a prize
                        link, a caterer's Instagram asking customers, a
                        "bank" text and a TAC
                        caught 3/4 (2/4) -> 4/4
    near-misses         fake journalists' face-to-face extortion over a road
                        video, plantation and forced-marriage trafficking told
                        as easy work, a lawful job fair, a bank's glitch that
                        showed transfers to an unknown account, an e-wallet's
                        withdrawal fee
                        clean 4/6 (4/6) -> 6/6

Batch 3 (037-050) was written after step 2 and scored on it (fad0f56) before
the next step: rules and judge 0.833 / 0.625, rules alone 0.750 / 0.375.

    positives           an e-ID "upgrade" app from a fake ward officer, a
                        recovery "law office" and "asset recovery" fees, a
                        fake safe-pay page, look-alike bank and store support
                        accounts, a soldier-doctor's parcel held for customs
                        fees, an aid "disbursement" fee in a WhatsApp group
                        caught 5/8 (2/8) -> 8/8
    near-misses         police helping elders install the real e-ID app, a
                        class action's fees, a second-hand sale met in person,
                        a double debit refunded by the bank's real account, a
                        child's game purchases on his father's card, a pension
                        scheme's withdrawal fee
                        clean 5/6 (5/6) -> 6/6

Batch 4 (051-059) was written after step 3 and scored on it (23e4a44): hard
negatives for the new rules (an aid worker's levy announced in a WhatsApp
group, customs duties before a parcel's release in English and Korean,
trafficking at sea and in a factory told as easy work and high pay, a bank's
fee to release a late husband's savings) and three variants: rules and judge
1.000 / 1.000, rules alone 1.000 / 1.000 (main: caught 3/3 (1/3), clean 6/6).

Batch 5 (060-068, mostly Indonesian: the blind sets are 60% Indonesian) was
written after step 3 and scored on it (ee14e2f) before the next step: rules and
judge 0.667 / 0.800, rules alone 0.750 / 0.600 (main the same).

    positives           a job "won" on WhatsApp that asks for uniform and
                        training fees, then stops replying; a wrong-number
                        friend and a gold app's verification fee; concert
                        tickets on X; a "daughter with a broken phone" and a
                        loan in the mother's name; a bank's alert on card
                        details copied at an online shop (relabelled
                        cybercrime before any rule changed for it)
                        caught 4/5 (3/5) -> 5/5 (4/5)
    near-misses         a transfer sent by mistake to a stranger and kept (id,
                        vi), a recruitment agent's cash fees, the bank's real
                        fraud desk calling
                        clean 2/4 (3/4) -> 2/4 (4/4)

    batch 5             rules and judge 0.667 / 0.800 -> 0.714 / 1.000
                        rules alone     0.750 / 0.600 -> 1.000 / 0.800

Batch 6 (069-078) was written after step 4 and scored on it (61f3126) before
the next step: rules and judge 1.000 / 1.000, rules alone 1.000 / 0.667 (main
alone 1.000 / 0.500). A loan app's "disbursement fee", a "mistaken transfer"
that becomes a loan app's debt, cash fed into bitcoin machines on a caller's
orders, a copied booking site, a look-alike charity page, a seller's
marketplace account taken; near-misses: a bank loan's fees at disbursement, a
kiosk operator's licence fine, a booking app's double booking, an online shop
closing with refunds. After: 1.000 / 1.000 both.

Batch 7 (079-088, mostly Indonesian) was written after step 5 and scored on
it (360e7b9): rules and judge and rules alone 1.000 / 0.833 (main the same).
An arisan run in a WhatsApp group by an admin nobody met (missed), a
"money-multiplying" shaman met on a TikTok live, a personal shopper on
Instagram, a fake e-wallet CS who has the victim share her screen, a Ponzi
told as monthly cattle returns, a task job "confirming orders"; and their
offline twins: a neighbour's cash arisan, a shaman's chest of paper, an umrah
agency, a drought-hit co-operative. After: 1.000 / 1.000 both.

Batch 8 (089-095) was written after step 6 and scored on it (00e1265): rules
and judge 1.000 / 1.000, rules alone 1.000 / 0.500 (main 1.000 / 0.750 and
1.000 / 0.250). A "check-up result" text that freezes the phone while the bank
app is emptied, a "grandson" in jail with a "lawyer" and a courier at the
door, a social-insurance withdrawal "service" with fees, CEO fraud by email;
their real twins: the insurer's notice, a real bail hearing, the insurance
office's free procedure. After: 1.000 / 1.000 both.

Batch 9 (096-103) was written after step 7 and scored on it (640002f): rules
and judge 1.000 / 1.000, rules alone 1.000 / 0.750 (main the same). A
"network operator" SIM upgrade, a "card delivery" call that leads to a fake
regulator, a Marketplace seller's fake "receive payment" page (en, id); their
real twins: operators' and card companies' notices, a buyer's no-show,
marketplace fees. After: 1.000 / 1.000 both.

Batch 10 (104-107) was written after step 8 and the merge of main, and scored
on them (32ecd6e): hard negatives for told-withdrawal-fee, money withheld
offline behind a fee (a savings co-operative, a landlord's jeonse deposit, a
village credit fund, a friend's failed restaurant): clean 3/4 -> 4/4 (main
4/4: the jeonse deposit alerted through round 12's own told-withdrawal-fee,
now vetoed by a lease's words).

    all 107             rules and judge 0.857 / 0.700 -> 0.952 / 1.000
                        rules alone     0.812 / 0.433 -> 1.000 / 0.983

(main's figures here are aa2f0e9's rules on the engine after r12-nk's merge,
26179b1; the batches' figures were taken before that merge.)

Still wrong, each the judge's own alert or miss (its bars and training are
the lead's): d12-cyber-011 (locked out of a bank app by a forgotten
password), d12-cyber-063 and -066 (a transfer sent by mistake and kept): the
rules no longer alert, the judge alone does, on their titles' bank words;
d12-cyber-068 (an attempted purchase with copied card details) only the
judge catches.

The after figures are fitted, not estimates for unseen news. The floor is the
figure minus a margin of about one article. Do not edit the texts or labels to
make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET12 = Path(__file__).resolve().parents[2] / "fixtures" / "devset12"

FLOOR = {"cybercrime": (0.93, 0.98)}  # round 12 after r12-cyber's fix: 0.952 / 1.000 (60 positives)

TestDevset12Cyber = set_checks(
    DEVSET12, FLOOR, Shape(at_least=107, negatives=47, per_topic=60), blind=False, ids="d12-cyber-"
)
