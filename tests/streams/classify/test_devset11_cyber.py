"""The shipped rules on the eleventh development set's cybercrime file (round 11, r11-cyber): floors.

tests/fixtures/devset11/cyber.yaml was written in round 11 by r11-cyber after
reading the cybercrime mistakes of heldout11 (opened as a development set),
trainset11, heldout10, devset10 and the older sets, one group per KIND of
mistake, in other words than those sets' and in the four languages, BEFORE
the rules were changed. 95 articles (id 31, en 27, vi 19, ko 18); 49
cybercrime (4 of them north-korea too), 46 with no topic. The folder is
shared (r11-nk writes nk.yaml): this module reads the d11-cyber- ids only.
"caught" = positives alerted, "clean" = negatives not alerted; BEFORE = main
4fd8972 (rules and judge; rules alone in brackets) -> AFTER = r11-cyber's
rules (the judge unchanged):

    crypto jargon     a protocol exploited by flash loan and a price oracle,
                      a bridge drained through its validator keys, private
                      keys compromised, a wallet drainer behind a fake
                      airdrop, address poisoning, a rug pull, "abnormal
                      outflows" and "suspicious activity" from a hot wallet,
                      a wallet extension's malicious update
                      caught 8/13 (6/13) -> 13/13
    groups by name    APT41, APT32/OceanLotus, Volt Typhoon, LockBit, Brain
                      Cipher, Bjorka, Lazarus, Kimsuky, 라자루스
                      caught 8/9 (7/9) -> 9/9
    regulator alerts  an investment chatroom's fake trading app, told in a
                      regulator's warning (id, vi)
                      caught 2/2 -> 2/2
    near-misses       a price crash, a maintenance halt, proof of reserves,
                      an audit and a bug bounty, a "rug pull" in politics, a
                      token unlock, a stablecoin's wobble, a CBDC pilot, a
                      road bridge, a speedrun's exploit, APT the apartment
                      and the song, Lazarus the painting and the musical, a
                      typhoon, a firewall that detects APT29, an exchange's
                      and a regulator's safeguards, a compliance partnership
                      clean 17/20 (17/20) -> 19/20 (19/20)

    batch 1 (001-044) rules and judge 0.857 / 0.750 -> 0.960 / 1.000
                      rules alone     0.833 / 0.625 -> 0.960 / 1.000

Batch 2 (d11-cyber-045..068) was written after r11-cyber's first two commits
and scored on them (50004b6) before the next step:

    rumours           a leak rumour denied by the agency, a hack rumour denied
                      by an e-wallet, an airline's crash "not hackers"; a
                      ransomware attack confirmed after a week of denials
                      caught 2/2 -> 2/2   clean 2/3 (2/3) -> 3/3
    no sign of it     a Korean outage with "외부 공격 정황은 없어"; a Korean
                      hack where one detail is "not yet confirmed"
                      caught 1/1 -> 1/1   clean 1/1 (0/1) -> 1/1
    jargon and names  a rug pull and an approval drain in Vietnamese; LockBit
                      in Indonesian and Korean, APT41 in Vietnamese,
                      Scattered Spider, Lazarus in Indonesian
                      caught 7/7 (6/7) -> 7/7
    near-misses       President Lazarus Chakwera, Dune's sandworm, the
                      Eurofighter Typhoon, child exploitation and a
                      protection protocol, sand mining (khai thác), a white-hat
                      test at an exchange, a delisting, a rug pull accusation
                      refuted, Mr. Robot's Evil Corp, a bridge's planned pause
                      clean 10/10 -> 10/10

    batch 2           rules and judge 0.909 / 1.000 -> 1.000 / 1.000
                      rules alone     0.818 / 0.900 -> 1.000 / 1.000

Batch 3 (d11-cyber-069..080) was written after step 2 and scored on it
(a3de71e) before the next step:

    insider access    an exchange's or a broker's employee moving customers'
                      coins or money with the system's admin access (en, id, vi)
                      caught 2/3 (0/3) -> 3/3
    cryptojacking     mining software planted on a public body's servers, a
                      school's computers, a university's cloud, an office's
                      PCs, without the word (ko, id, en, vi)
                      caught 1/4 (0/4) -> 4/4
    near-misses       a mining farm stealing electricity, a teller's cash, a
                      regulator's rule on admin credentials, a gold mine, a
                      lawful mining contract
                      clean 4/5 (4/5) -> 5/5

    batch 3           rules and judge 0.750 / 0.429 -> 1.000 / 1.000
                      rules alone     0.000 / 0.000 -> 1.000 / 1.000

Batch 4 (d11-cyber-081..086) was written after step 3 and scored on it
(429eb00) before the next step:

    conferences       a crypto conference or a panel that discusses exploits
                      and last year's losses (id, en, vi, ko); press
                      conferences that report a rug pull's arrests or a
                      bridge exploiter's
                      caught 2/2 -> 2/2   clean 0/4 (0/4) -> 4/4

    batch 4           rules and judge 0.333 / 1.000 -> 1.000 / 1.000
                      rules alone     0.333 / 1.000 -> 1.000 / 1.000

Batch 5 (d11-cyber-087..095) was written after step 4 and scored on it
(f5b1139) before the next step:

    uniform on video  a fake officer in uniform on a video call moves the
                      savings to a "holding account" (vi, id, en)
                      caught 3/3 (0/3) -> 3/3
    edited images     a photo edited or composited into an indecent one, and
                      money demanded not to spread it (id, vi, ko)
                      caught 2/3 (1/3) -> 3/3
    near-misses       a real police chief greeting pupils by video call in
                      uniform, officers in uniform helping with ID cards, an
                      indecent act on a minibus with a threat
                      clean 3/3 -> 3/3

    batch 5           rules and judge 1.000 / 0.833 -> 1.000 / 1.000
                      rules alone     1.000 / 0.167 -> 1.000 / 1.000
    all 95, after     rules and judge 0.980 / 1.000, rules alone 0.980 / 1.000

Still wrong: d11-cyber-042, an exchange's compliance partnership whose
system will flag addresses "linked to mixers or hacks" (a safeguard told
without a cue the senses know). d11-cyber-014 (Lazarus named alone, in
Indonesian) is cybercrime but not yet north-korea: r11-nk's topic.

The after figures are fitted, not estimates for unseen news. The floor is the
figure minus a margin of about one article. Do not edit the texts or labels to
make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET11 = Path(__file__).resolve().parents[2] / "fixtures" / "devset11"

FLOOR = {"cybercrime": (0.96, 0.97)}  # round 11 after r11-cyber's fix: 0.980 / 1.000 (49 positives)

TestDevset11Cyber = set_checks(
    DEVSET11, FLOOR, Shape(at_least=95, negatives=46, per_topic=49), blind=False, ids="d11-cyber-"
)
