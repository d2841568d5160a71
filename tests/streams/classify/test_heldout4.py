"""The shipped rules on the fourth blind set: floors per topic.

tests/fixtures/heldout4/ (322 articles: 196 Indonesian, 42 English, 38
Vietnamese, 46 Korean; 174 with no topic) was written BLIND in round 3 from
the topic definitions in issue 11 and rules/README.md by three helpers who
never opened the rules, the engine or any other evaluation set, in outlets'
real shapes (datelines, captions, "Baca juga"/"Xem thêm"/관련기사 teasers,
trailers, RSS one-liners, reader's letters). Hard negatives: denied attacks,
hackathons and CTFs, fiction about hackers, football and politics "attacks",
ASEAN as a brand, cup, comparison or geography, member states' own news,
North Korea once in a list, "Kim" and "북" that are not North Korea, offline
frauds and ATM break-ins, data-protection fines without a breach. Hard
positives: crimes told without their name (sextortion after a video call,
APKs disguised as invitations, fines or parcel notices, task and
"profit harian" scams, fake jobs ending in scam compounds, ransom without the
word ransomware, SIM swaps, OTP takeovers, court language of UU ITE), North
Korea told only as Pyongyang/Korut/북/Triều Tiên, ASEAN bodies by acronym.

Scored BEFORE any rule or engine change of round 3 (the rules of commit
96c7f95), precision / recall / F1:

    asean        0.893 / 0.980 / 0.935   (tp 50, fp 6, fn 1)
    cybercrime   0.800 / 0.901 / 0.848   (tp 64, fp 16, fn 7)
    north-korea  0.925 / 0.961 / 0.942   (tp 49, fp 4, fn 2)

AFTER the round-3 tuning (which never read this set), measured once:

    asean        0.926 / 0.980 / 0.952   (tp 50, fp 4, fn 1)
    cybercrime   0.864 / 0.986 / 0.921   (tp 70, fp 11, fn 1)
    north-korea  0.926 / 0.980 / 0.952   (tp 50, fp 4, fn 1)

Recall is near the 0.95 target everywhere; precision is not (passing mentions
in a story's lead still make a story, and cybercrime takes security stories
with scam words for crimes).

Those were the honest estimates for unseen news after round 3.

Opened as a development set in round 4: its mistakes were read and, for each,
the general KIND was fixed from the definitions in all four languages, with
new examples of each kind written for rules/corpus, never by copying a text.
Cybercrime (r4-cyber): fiction about hackers (a review, a drama's ratings),
"phishing" as an angling pun, a police cyber unit or agency by its name doing
something else (a blood drive; the unit at work on a case still counts), a tip
to beware of a scam at the end of a story about something else (only in the
body: as the headline the warning is the story), a hypothetical or a
precaution ("seandainya terjadi serangan siber", "mengurangi risiko akun
dibajak"), online gambling as the motive of an offline embezzlement, an IT
outage with the service restored, "not confirmed"/"no breach" denials of a
regulator's fine, a safeguard that prevents an act ("untuk cegah pembobolan
rekening", "계좌 탈취 막기 위해"), a drill or a preparation (simulasi, 해킹
대비), and a denial in the headline scoping the whole story (engine:
denials.headline); for recall, a romance scam told without its name (met on
a dating app, money sent, "ditipu"). TUNED ON, so no longer an estimate for
unseen news:

    cybercrime   1.000 / 1.000 / 1.000   (tp 71, fp 0, fn 0)    tuned on

North Korea and ASEAN (r4-salience): one name in a list of many (a medal
table, a "countries without ..." listicle: the engine's list sense in_list,
no list of countries to keep), a sports fixture or draw (sport words in four
languages) while the state behind a sport story still counts (minders, state
media, sanctions, a defection), a dish named after Pyongyang, a figure of
speech ("seperti Korea Utara"); ASEAN in a scholarship's name, as a price
yardstick or a ranking, in a traveller's tip, as the meeting a minister came
from to talk about something else, or as a place named by its cities ("negara
ASEAN seperti Bangkok"), and a passing mention late in a long story (asean
min_hits 3); for recall, ASEAN bodies by acronym or as one Korean word (ARF,
AICHR, 아세안지역안보포럼). TUNED ON:

    asean        1.000 / 1.000 / 1.000   (tp 51, fp 0, fn 0)    tuned on
    north-korea  1.000 / 1.000 / 1.000   (tp 51, fp 0, fn 0)    tuned on

The floor is the tuned figure minus a margin of about one article, so an edit
that loses what was fixed fails here (and names the articles). The next blind
set is the estimate for unseen news. Do not edit the texts or labels.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

HELDOUT4 = Path(__file__).resolve().parents[2] / "fixtures" / "heldout4"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.98, 0.98),
    "north-korea": (0.98, 0.98),
    "cybercrime": (0.98, 0.98),
}


# A failure lists the mistakes.
TestHeldout4 = set_checks(
    HELDOUT4, FLOOR, Shape(at_least=300, negatives=150, per_topic=45, indonesian_share=0.6), blind=False
)
