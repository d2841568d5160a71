"""The shipped rules on the fifth development set (round 5): floors per topic.

tests/fixtures/devset5/ was written in round 5 by the two tuners. The
cybercrime kinds (144 articles: 46 Indonesian, 36 English, 34 Vietnamese, 28
Korean; 64 with no topic) were written by the cybercrime tuner after reading
heldout5's mistakes, one file per KIND of mistake, in other words than heldout5's and in at least three languages
each, BEFORE the rules were changed for that kind; then each kind was fixed
and re-scored. Per file, cybercrime "caught" = crimes alerted, "clean" =
negatives not alerted; BEFORE = rules of main 9531baa, AFTER = round 5:

    training       a lesson, drill, CTF, bug bounty          caught 3/3 -> 3/3   clean 5/9 -> 9/9
    launch         a phone or bank feature against scams     caught 3/3 -> 3/3   clean 2/7 -> 7/7
    unit           a cyber police unit at charity or a fine  caught 3/3 -> 3/3   clean 2/6 -> 6/6
    takeover       a code read out, the chat account taken   caught 5/6 -> 6/6   clean 2/3 -> 3/3
    compound       a job abroad, then made to steer chats    caught 5/6 -> 6/6   clean 3/3 -> 3/3
    deepfake       a boss's face or voice made by software   caught 0/6 -> 6/6   clean 3/3 -> 3/3
    impostor-call  "police" on a call make the victim hide   caught 1/6 -> 6/6   clean 3/3 -> 3/3
    plain          arrests, a breach, a sentence, in plain words  caught 7/9 -> 9/9

Batch a (the eight files above, 76 articles), cybercrime precision / recall:
0.659 / 0.643 (tp 27, fp 14, fn 15) -> 1.000 / 1.000 (tp 42).

Batch b (b-mixed.yaml, 28 articles: the same kinds in new words, written
AFTER the first pass eafc268 and scored once before any further change) is
the honest measure of how far that pass generalised:

    main 9531baa:   crimes caught 10/16, negatives clean 6/12
    eafc268:        crimes caught 11/16, negatives clean 7/12
    after tuning:   crimes caught 16/16, negatives clean 12/12

So the first pass, like round 4's, carried over only a little to new words
(+1 and +1): the frames' cue lists and the act+harm halves were still too
narrow (a "kelas literasi" or a "phishing test" as the lesson, a system
"도입" as the launch, "sembunyi di kos" as the hiding, money "moved"). The
second pass widened the halves, not single phrases.

Batch c (c-mixed.yaml, 22 articles, written AFTER the second pass 730e664
and scored once before any further change):

    main 9531baa:   crimes caught 4/12, negatives clean 3/10
    730e664:        crimes caught 6/12, negatives clean 3/10
    after tuning:   crimes caught 12/12, negatives clean 10/10

The second pass again carried over little to new words: +2 crimes and no
new clean negative. Lessons and launches keep arriving in new words (an "uji
kepekaan", a "hội thảo", a "예방 교실", an app that "rolls out" a filter), so
the frames' cue lists remain the weak point: a frame is only as good as its
cue list, and a blind set will bring cues nobody listed. Recall misses were
new halves again (records "copied" by intruders, a school site whose admin
rights were "chiếm quyền", goods paid for and never sent: told-non-delivery).

Batch d (d-mixed.yaml, 18 articles, written AFTER the third pass 199d829 and
scored once on main 0119d65, which also carries the lead's judge):

    main 9531baa:   crimes caught 6/10, negatives clean 4/8
    0119d65:        crimes caught 8/10, negatives clean 4/8
    after tuning:   crimes caught 10/10, negatives clean 8/8

Recall carries over better than precision: the four false alarms were again
lessons and launches told in words no cue list had (a "rehearsal", a
"bootcamp", "hướng dẫn kỹ năng", a blocking app "무료 배포"), and the
ceremony frame's "charity" had muted a fake charity page (now only a charity
run, event or drive). The honest estimate for unseen lessons and launches
is therefore about half of them still alerting. One launch in launch.yaml
(a bank's face check "chống chiếm đoạt tài khoản") now alerts through the
judge alone (0.81 on its title and lead), not through a rule.

The precision kinds were fixed by a mechanism and its cue lists: a headline
that FRAMES the story as a lesson, a launch or a ceremony (``frames:`` in
rules/cybercrime.yaml) needs two telling terms (a victim, a loss, an arrest)
before its cyber words make a crime story. The
recall kinds were fixed as act AND harm pairs (a face "made by software" and
money moved; a fake officer, a hotel room and a family asked for money).

The salience tuner's kinds (asean-no-bloc.yaml, dprk-passing.yaml,
cyber-passing.yaml, asean-alias.yaml: 70 articles in four languages) were written the same way, before their fix,
from heldout5's asean and north-korea false alarms; precision / recall,
BEFORE (main 9531baa) -> AFTER:

    asean-no-bloc   ASEAN as a region, a market, a brand or a venue, no bloc business
                    asean        0.476 / 1.000 -> 1.000 / 1.000   (negatives alerted 11 of 13 -> 0)
    dprk-passing    North Korea once past the first paragraph, in a numbered list, at the
                    bottom of a ranking, in a coach's fixture; places instead of the name
                    north-korea  0.400 / 0.750 -> 1.000 / 1.000   (negatives alerted 9 of 10 -> 0,
                                                                    positives 6 of 8 -> 8)
    cyber-passing   cybercrime in one sentence of a summit's agenda, a North Korea diplomacy
                    story, a budget's risk list
                    cybercrime   0.353 / 1.000 -> 0.667 / 1.000   (non-crimes alerted 11 of 11 -> 3)
    asean-alias     ASEAN at work told by "khối", "Hiệp hội", "organisasi kawasan", the name
                    once and late (scored after the first round-5 changes, 828185f)
                    asean        1.000 / 0.833 -> 1.000 / 1.000   (positives 5 of 6 -> 6; negatives clean)

Those were fixed by mechanisms more than words: asean-named needs the bloc
at work (a summit, ministers, the secretariat, an agreement, members:
@bloc_frame) next to the name, and salience counts only the bloc's names as
mentions (``mentions:``); the north-korea lead ends with the first paragraph
(``lead_paragraphs``); North Korea's cities count in a title or with a second
mention (rule dprk-place); beside a North Korea or an ASEAN story,
cybercrime needs a hit in the title, the summary or the first sentence, or
two sentences (``beside:`` in cybercrime.yaml). The three cyber-passing
false alarms left are domestic stories naming a cyber risk once, another
kind; with them and the judge's launch the whole set's cybercrime precision
is 86 / 89 = 0.966 (after batch d joined), recall 86 / 86, so its floor is
(0.95, 0.98).

The AFTER figures were tuned with this set in view: they are not estimates
for unseen news. The floor is the AFTER figure minus a margin of about one
article. Do not edit the texts or labels to make a rule pass: write a new
batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET5 = Path(__file__).resolve().parents[2] / "fixtures" / "devset5"

FLOOR = {
    # topic: (precision, recall)
    "cybercrime": (0.95, 0.98),
    "asean": (0.90, 0.90),
    "north-korea": (0.88, 0.87),
}


# A failure lists the mistakes.
TestDevset5 = set_checks(
    DEVSET5, FLOOR, Shape(at_least=210, negatives=95, per_topic=8, indonesian_share=0.3), blind=False
)
