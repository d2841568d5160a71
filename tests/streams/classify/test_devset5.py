"""The shipped rules on the fifth development set (round 5, cybercrime kinds): floors per topic.

tests/fixtures/devset5/ (126 articles: 40 Indonesian, 31 English, 30
Vietnamese, 25 Korean; 56 with no topic) was written in round 5 by the
cybercrime tuner after reading heldout5's mistakes, one file per KIND of
mistake, in other words than heldout5's and in at least three languages
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

The precision kinds were fixed by a mechanism and its cue lists: a headline
that FRAMES the story as a lesson, a launch or a ceremony (``frames:`` in
rules/cybercrime.yaml) needs two telling terms (a victim, a loss, an arrest)
before its cyber words make a crime story. The
recall kinds were fixed as act AND harm pairs (a face "made by software" and
money moved; a fake officer, a hotel room and a family asked for money).

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
    "cybercrime": (0.98, 0.98),
}


# A failure lists the mistakes.
TestDevset5 = set_checks(
    DEVSET5, FLOOR, Shape(at_least=125, negatives=55, per_topic=70, indonesian_share=0.3), blind=False
)
