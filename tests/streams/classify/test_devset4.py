"""The shipped rules on the fourth development set (round 4, recall): floors per topic.

tests/fixtures/devset4/ (533 articles: 219 Indonesian, 146 English, 86
Vietnamese, 82 Korean; 146 with no topic) was written in round 4 by the recall
tuner, from the topic definitions and the kinds of issue 11. A blind
measurement had shown that the round-3 recall fixes were tied to the phrasings
of the earlier sets, so every kind of "crime told without its name" is written
here in several phrasings per language (different verbs, nouns and story
shapes: police release, court report, victim's story, one-line RSS headline):
sextortion after a video call; a malicious app or file disguised as an
invitation, parcel, traffic fine, tax or public-service app that empties a
balance; paid "tasks" and daily-profit apps; romance scams (customs fees for a
gift, love then money); fake jobs abroad ending in compounds forced to scam;
files locked for a bitcoin ransom; account takeover with a forwarded code and
SIM swaps; a deepfake boss ordering a transfer; money mules renting accounts;
insiders selling customer data; hidden cameras streamed or sold online;
gambling pages planted on official sites; long-running email espionage;
"virtual kidnapping"; remote-control apps installed for a fake official;
trials and extraditions. ASEAN is told as "the regional bloc", "the
grouping", "Perhimpunan Bangsa-Bangsa Asia Tenggara", "khối", "ngôi nhà
chung", "동남아 11개국", its newest member Timor-Leste; North Korea through
defectors and minders. Hard negatives are their lawful look-alikes:
e-invitations, a bank's warning campaign, placement schemes abroad, an
offline kidnapping, a network outage, CCTV, a site's redesign, voice cloning
for dubbing, G7/NATO/EU "blocs", Timor-Leste's own news, the junta's own
election news, tour guides, a tax office's real app, a telco's SIM swap-out.

It was written in three batches, each scored once before the rules were
changed for it (precision / recall; "main" = the rules of commit 89582ad,
before round 4):

  batch a (id/en/vi/ko.yaml, 255 articles), written before any change:
    main:      asean 1.000 / 0.375 (6 of 16)   cybercrime 0.986 / 0.442 (69 of 156)
  batch b (*-b.yaml, 103 articles), written after the first pass (be4a57c):
    main:      asean 1.000 / 0.000 (0 of 6)    cybercrime 1.000 / 0.358 (24 of 67)
    be4a57c:   asean 0.500 / 0.167 (1 of 6)    cybercrime 1.000 / 0.373 (25 of 67)
  batch c (id-c.yaml, 53 articles in four languages), written after 6171fc7:
    main:      asean 1.000 / 0.500 (2 of 4)    cybercrime 1.000 / 0.237 (9 of 38)
    6171fc7:   asean 1.000 / 1.000 (4 of 4)    cybercrime 1.000 / 0.342 (13 of 38)
  batch d (id-d.yaml, 45 articles in four languages), written after 2d8ff07:
    main:      asean 1.000 / 0.500 (2 of 4)    cybercrime 0.900 / 0.281 (9 of 32)
    2d8ff07:   asean 1.000 / 0.750 (3 of 4)    cybercrime 0.929 / 0.406 (13 of 32)
  batch e (id-e.yaml, 17 hard negatives aimed at the broad halves of the rules
    written for batch d): that draft raised 4 false alarms (a threat to post
    litterbugs' photos, a wedding video, a couple met on Facebook sharing
    costs); fixed before landing, 0 now.
  batch f (id-f.yaml, 25 full-length articles in outlets' shapes), written
    after the batch-d tuning:
    main:      cybercrime 1.000 / 0.444 (8 of 18)
    2d8ff07 and the batch-d tuning alike: cybercrime 1.000 / 0.611 (11 of 18)
  batch g (id-g.yaml, 35 one-line headlines), written after landing 9ef7028:
    main:      asean 0.000 (0 of 3)   cybercrime 0.875 / 0.500 (14 of 28)
    9ef7028:   asean 0.667 (2 of 3)   cybercrime 0.900 / 0.643 (18 of 28)
    after its tuning: 25 of 28; still missed: a headline of money sent to a
    "lover" met on Facebook (ambiguous without the body), a fake-arrest call,
    "like and earn" groups that "cost" millions.

The lesson of batches b to f: rules written from one batch's phrasings
caught only a few more of the next batch's crimes than the old rules did
(+1, +4, +4, +3 articles), because
headlines tell each crime in new words. Each pass therefore moved from fixed
phrases to kinds: an act AND a harm from broad lists of plain words (a lie, a
channel and money lost; a recorded video chat and money demanded; a locked
file and a crypto demand), with the lawful look-alike that has only one half
as a negative.

Whole set, BEFORE round 4 (89582ad) and AFTER the recall tuning:

    asean        1.000 / 0.303 -> 1.000 / 1.000   (tp 10 -> 33 of 33, fp 0)
    cybercrime   0.971 / 0.392 -> 0.988 / 0.991   (tp 133 -> 336 of 339, fp 4 -> 4)
    north-korea  1.000 / 1.000 -> 1.000 / 1.000   (tp 15 of 15)

(the four false alarms are the older rules', not the recall rules': a dating
app's face-verification feature "to prevent fake accounts", a registered
robot-trading app, two police workshops on the dangers of fake apps.)

The rules were tuned on this whole set; these AFTER figures are not
estimates for unseen news (the batch-c "before" line is the closest to one).
The floor is the AFTER figure minus a margin of about one article. Do not edit
the texts or labels to make a rule pass: write a new batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET4 = Path(__file__).resolve().parents[2] / "fixtures" / "devset4"

FLOOR = {
    # topic: (precision, recall)
    "asean": (0.96, 0.96),
    "north-korea": (0.93, 0.93),
    "cybercrime": (0.98, 0.98),
}


# A failure lists the mistakes.
TestDevset4 = set_checks(
    DEVSET4, FLOOR, Shape(at_least=530, negatives=140, per_topic=13, indonesian_share=0.35), blind=False
)
