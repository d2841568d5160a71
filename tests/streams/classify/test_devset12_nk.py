"""The shipped rules on r12-nk's part of the twelfth development set (round 12): floors per topic.

tests/fixtures/devset12/nk.yaml was written in round 12 by r12-nk after reading
the north-korea and asean mistakes of heldout12 (North Korea as a figure of
speech in Indonesian op-eds and council debates, "jangan sampai kita jadi Korea
Utara"; a Korean police release on 아세안폴; a provincial story on certifying
hotel workers to the ASEAN MRA on tourism professionals told by its acronyms,
MRA-TP and ACCSTP), one KIND per group, in other words than those sets' and in
all four languages, BEFORE the rules were changed, in batches each scored before
its fix. The folder is shared: this module reads the d12-nk- ids only.

    nk-figure         the North as a figure of speech, a metaphor or a yardstick
                      for something at home: a campus, a council, a housing
                      estate, a football federation, an app store ("the North
                      Korea of software"), Turkmenistan ("the North Korea of
                      Central Asia"), "Triều Tiên thu nhỏ", "chẳng khác gì sống
                      ở Triều Tiên", "제2의 북한", "북한식 통제" (negatives)
    nk-real-compared  North Korea news with the same words: "Korut Jadi
                      Pemasok", "Russia is becoming North Korea's partner",
                      "trở thành đồng minh", a defector's "like a prison", a
                      column on its missiles, "북한처럼 핵을" (positives)
    asean-body        ASEAN by its bodies and agreements: 아세안폴 alone, the
                      tourism MRA (MRA-TP, ACCSTP, ATPMC, "MRA bidang
                      pariwisata", "Thỏa thuận thừa nhận lẫn nhau về nghề du
                      lịch"), ADSOM, ACWC, the AHA Centre, the ASEAN Power Grid,
                      Korean agencies' releases in ■ bullets (positives)
    asean-not-bloc    a furniture shop, a hotel, a Busan culture centre, a
                      shopping week, para games, a Vovinam championship, SEAMEO,
                      an Interpol operation, hotel staff certified to the
                      national standard, a member's subsidy story with "which
                      chairs ASEAN this year" as an aside (negatives)

d12-nk-032 ("Pekerja Konstruksi ... Siap Bersaing di Era MEA") was written as
asean and relabelled none after scoring: heldout8 and heldout9 label three such
"era MEA" readiness stories none (a member's own news), and the set follows them.
The figures below count it as relabelled.

Figures, precision / recall (rules and judge; rules alone in brackets):

    batch 1 (24, d12-nk-001..024), main aa2f0e9:
                                  north-korea  0.471 / 1.000 (0.421 / 1.000)
    batch 1, after step 1 (8f4ea42):
                                  north-korea  1.000 / 1.000 (1.000 / 1.000)
    batch 2 (24, d12-nk-025..048), after step 1 (main's asean rules):
                                  asean        0.818 / 0.692 (0.818 / 0.692)
    all 48, after step 2 (53a7101):
                                  asean        1.000 / 0.923 (1.000 / 1.000)   13 positives
                                  north-korea  1.000 / 1.000 (1.000 / 1.000)    8 positives
    batch 3 (16, d12-nk-049..064), after step 2:
                                  asean        1.000 / 1.000 (1.000 / 1.000)
                                  north-korea  0.600 / 1.000 (0.600 / 1.000)
    all 64, after step 3 (6b07b7f):
                                  asean        1.000 / 0.944 (1.000 / 1.000)   18 positives
                                  north-korea  1.000 / 1.000 (1.000 / 1.000)   11 positives
    batch 4 (8, d12-nk-065..072), after step 3:
                                  asean        0.500 / 0.250 (0.000 / 0.000)
    all 72, after step 4 (94bbef0):
                                  asean        1.000 / 0.955 (1.000 / 1.000)   22 positives
                                  north-korea  1.000 / 1.000 (1.000 / 1.000)   11 positives
    batch 5 (12, d12-nk-073..084), after step 4:
                                  asean        1.000 / 1.000 (1.000 / 1.000)
                                  north-korea  0.400 / 1.000 (0.400 / 1.000)
    all 84, after step 5:         asean        1.000 / 0.958 (1.000 / 1.000)   24 positives
                                  north-korea  1.000 / 1.000 (1.000 / 1.000)   13 positives

Batch 3 was written after step 2 and scored on it before step 3: the North as a
figure told informally ("kayak tinggal di Korea Utara"), "North Korea's
playbook", "như ở Triều Tiên", "북한에서나 볼 법한 일", Iran measured against
the North ("Like North Korea, Iran ..."); real launch news with "seperti";
ASEAN by ACPE, ACDM, 아세안+3, MPAC and ACCSTP in Vietnamese, against ASEAN
NCAP and bilateral mutual-recognition deals (halal, plant quarantine).
Batch 4, likewise after step 3: ASEAN only in the body of Korean agencies'
releases in ■ and □ bullets, of a radio transcript (every line a speaker's
label) and of a Q&A (Hỏi/Đáp), against a Korean ▲ agenda, a markets week ahead,
a city agenda and a △ digest. Step 4 reads a bulleted paragraph as prose.
Batch 5, after step 4: the North as "kiểu Triều Tiên", "gaya Korea Utara",
"북한 수준의 통제", a club owner likened to its leader, Myanmar's junta against
its hacker units; real news with "Seperti tahun-tahun sebelumnya, Pyongyang";
ACMW, ALMM; a food festival, a hotel and a square named after ASEAN.

The asean miss after (d12-nk-028, the tourism MRA in Vietnamese) is the judge's
(0.13 under its veto of 0.15; the rules match); rules/judge/ is the lead's.

The after figures are fitted, not estimates for unseen news. The floor is the
figure minus a margin of about one article. Do not edit the texts or
labels to make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET12 = Path(__file__).resolve().parents[2] / "fixtures" / "devset12"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.95, 0.91),  # round 12, after r12-nk: 1.000 / 0.958 (24 positives)
    "north-korea": (0.92, 0.92),  # round 12, after r12-nk: 1.000 / 1.000 (13 positives)
}

TestDevset12Nk = set_checks(DEVSET12, FLOOR, Shape(at_least=84, negatives=46, per_topic=13), blind=False, ids="d12-nk-")
