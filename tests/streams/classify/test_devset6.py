"""The shipped rules on the sixth development set (round 6): floors per topic.

tests/fixtures/devset6/ was written in round 6 by r6-rules after reading the
mistakes of heldout6 (opened as a development set in round 6), one file per
KIND of mistake, in other words than heldout6's and in at least three of the
four languages each, BEFORE the rules were changed for that kind; then each
kind was fixed and re-scored. Per file, "caught" = positives alerted, "clean"
= negatives not alerted; BEFORE = main 48f89c5 (rules and judge), AFTER =
round 6 (rules and the same judge):

    review        a review of a film, a drama or a novel whose plot is a hack
                  or a North Korean officer; real news naming a film or drama
                  cybercrime   caught 1/2 -> 2/2   clean 6/8 -> 8/8
                  north-korea  caught 1/1 -> 1/1   clean 6/9 -> 9/9
    kin-impostor  a message or call posing as a child or grandchild ("new
                  number", "phone broken"), and the money sent
                  cybercrime   caught 5/6 -> 6/6   clean 3/3 -> 3/3   (rules alone 2/6 -> 6/6)
    it-worker     North Koreans hired as remote programmers under false
                  identities (both topics)
                  cybercrime   caught 4/5 -> 5/5   clean 3/3 -> 3/3
    explainer     an explainer, a how-to, a reader's question or letter, an
                  obituary; crimes told as a how-to or a reader's question
                  cybercrime   caught 3/3 -> 3/3   clean 3/6 -> 6/6
    offline-fake  an offline crime with a fake letter of assignment ("surat
                  tugas"), counterfeit goods with QR labels; fake QR stickers
                  that are the weapon
                  cybercrime   caught 3/3 -> 3/3   clean 2/5 -> 5/5
    told-network  a site "stormed" by deliberate bogus requests, a fake cell
                  tower sending scam texts, leaked passwords used to sign in
                  cybercrime   caught 3/7 -> 7/7   clean 3/3 -> 3/3
    korea-culture "Triều Tiên" for the Joseon dynasty; Hamhung cold noodles;
                  the North's own exhibitions and restaurants under sanctions
                  north-korea  caught 3/3 -> 3/3   clean 2/5 -> 5/5
    plain         plain news in every language (a police press conference, a
                  hacked site, "Pyongyang fires ...", ASEAN ministers meet)
                  every topic  15/15 -> 15/15 (no change needed; a guard)

Written after the second landing (3119219) and scored on it before their fix:

    remote-app    a caller "from the tax office" has the victim install an app
                  that controls the phone remotely (no tool named)
                  cybercrime   caught 5/5 -> 5/5   clean 3/3 -> 3/3   (rules alone 3/5 -> 5/5)
    mistaken      "Dikira Diretas", "mistaken for a hack", "tưởng bị hack":
                  the crime only believed; a real crime first mistaken for a glitch
                  cybercrime   caught 2/2 -> 2/2   clean 2/4 -> 3/4
    peninsula-launch  a ballistic missile told without the North's name (a live
                  blog, a flash headline) with the alarm abroad; the South's and
                  Japan's own tests (scored on a0e6532)
                  north-korea  caught 1/4 -> 4/4   clean 2/3 -> 2/3   (the judge alone
                               alerts on a South Korean test; rules alone clean 3/3)

The fixes are mechanisms more than words: a headline that frames the story as
fiction, or as an explainer, a reader's question or an obituary (``frames:``
in cybercrime.yaml and, new, north-korea.yaml) needs two telling terms (an
arrest and a loss; sanctions and an execution) before the topic's words make
news; the old fiction sense (two fiction words anywhere)
muted real crimes told next to a "drama", so it now needs three. The
kin-impostor rule is an act AND harm pair (the claim NEAR the relative, the
money sent, by a message or a call); the IT-worker rule's halves were widened
to the job as employers tell it (a remote programmer, a freelancer) and the
disguise (menyamar, a ransom for the code). Other senses: "surat tugas" is a letter,
not a paid task; a QR code on a label traces goods; "triều đại Triều Tiên"
is the old kingdom; a city of the North in a dish's name (Hamhung cold
noodles) is food. New told- rules: a fake cell tower pushing texts, leaked
passwords used to sign in without permission. The remote-control tool
told without its name ("control her phone remotely", "원격으로 조종"); the lesson
frame's cue "hướng dẫn" narrowed ("theo hướng dẫn của 'cán bộ thuế'" is a
scammer's instruction) and a victim's loss overturns it; "dikira", "disangka",
"mistaken for", "tưởng", "줄 알았" deny like "bukan".

The AFTER figures were tuned with this set in view: they are not estimates
for unseen news. The floor is the AFTER figure minus a margin of about one
article. Do not edit the texts or labels to make a rule pass: write a new
batch and score it first.
"""

from __future__ import annotations

from pathlib import Path

from tests.streams.classify.heldout import Shape, set_checks

DEVSET6 = Path(__file__).resolve().parents[2] / "fixtures" / "devset6"

FLOOR = {
    # topic: (precision, recall)
    "cybercrime": (0.95, 0.97),
    "north-korea": (0.90, 0.94),
    "asean": (0.80, 0.75),
}


# A failure lists the mistakes.
TestDevset6 = set_checks(
    DEVSET6, FLOOR, Shape(at_least=98, negatives=38, per_topic=4, indonesian_share=0.29), blind=False
)
