"""Word forms a term also matches, so editors write a root once.

Indonesian builds words with prefixes and suffixes: ``retas`` (hack) gives
diretas, meretas, peretas, peretasan, diretasnya. Prefixes change the root's
first sound (meN- + tipu = menipu, peN- + serang = penyerang), so the prefixed
stems are expanded when rules compile, and the suffixes (-an, -kan, -nya, ...)
are accepted at match time as the rest of the word. That keeps the automaton
about ten patterns per root instead of fifty, and costs nothing per article
compared with stemming every word of every article (see the benchmark).
Phrases are not prefixed, but their last word takes the same suffixes
("data breaches", "serangan sibernya").

Korean attaches particles to nouns (북한은, 북한의, 북한이): a term written in
Hangul also matches when it is followed by a particle, but not by other
syllables (북한산 is a mountain in Seoul).
"""

from __future__ import annotations

__all__ = [
    "indonesian_stems",
    "expands",
    "SUFFIXES",
    "PARTICLES",
    "is_hangul",
]

# Suffixes accepted after a root: Indonesian (-an, -kan, -i, -nya, clitics) and
# the regular English endings, which Indonesian news also borrows (dihack, hacking).
SUFFIXES = frozenset("an kan i nya lah kah pun annya kannya inya anlah ku mu s es ed ing er ers".split())

# Korean case and topic particles, the commonest combinations, and the endings
# that make a noun a verb (a noun term finds its verb forms too).
PARTICLES = frozenset(
    "은 는 이 가 을 를 의 에 에서 에게 에겐 와 과 도 만 로 으로 으로는 으로의 "
    "에서는 에서도 에는 에도 와의 과의 과는 와는 이나 나 까지 부터 보다 처럼 "
    "측 측은 측의 측이 측과 측에 이다 이며 이고 이라고 라고 이란 란 께 한테 "
    "들 들이 들은 들의 들을 조차 마저 뿐 "
    # 하다/되다/당하다 verbs built on the noun: 해킹한, 유출된, 해킹당했다, 송금했다, 사칭해
    "하다 한 하는 하고 하며 하여 해 해서 했다 했고 했던 했으며 할 함 하다고 했다고 한다 한다고 하지 하게 "
    "된 되는 되어 돼 됐다 되고 됐던 됐으며 된다 된다고 됐다고 되지 "
    "당한 당했다 당해 당하는 당하고 당했던 당했으며 시킨 시켜 시켰다 "
    # the polite endings of letters and broadcast scripts (round 10): 해킹했습니다, 유출됐습니다, 당했는데
    "했습니다 합니다 했는데 됐습니다 됩니다 됐는데 당했습니다 당했는데 "
    # the copula: "가짜 사이트였습니다" (it was a fake site), 해킹이었다
    "였다 였고 였던 였으며 였습니다 였는데 이었다 이었고 이었던 이었으며 이었습니다 이었는데 입니다 "
    # the offender built on the crime: 사기범, 해킹범, 피싱범
    "범 범이 범을 범은 범의 범들 범들이 범들을".split()
)

_VOWELS = set("aeiou")


def is_hangul(ch: str) -> bool:
    """True for a precomposed Hangul syllable."""
    return "\uac00" <= ch <= "\ud7a3"


def expands(term: str) -> bool:
    """True when a folded term gets Indonesian prefixed forms and suffixes.

    Only single lower-case Latin words of four letters or more: short words
    ("as", "ti") and acronyms would collide with unrelated words, and phrases
    ("kejahatan siber") stay phrases.
    """
    return len(term) >= 4 and term.isascii() and term.isalpha()


def indonesian_stems(root: str) -> tuple[str, ...]:
    """The prefixed forms of a root (suffixes are checked at match time)."""
    first, rest = root[0], root[1:]
    r_ = first == "r" or root.startswith("er", 1)  # ber- + renang = berenang
    forms = {root, "di" + root, "ke" + root, ("te" if r_ else "ter") + root, ("be" if r_ else "ber") + root}
    for stem in _nasal(first, rest, root):
        forms.update({"me" + stem, "pe" + stem})
    return tuple(sorted(forms))


def _nasal(first: str, rest: str, root: str) -> list[str]:
    """The root after meN-/peN-: the nasal assimilates to the first letter."""
    if first in _VOWELS:
        return ["ng" + root]
    if first == "k":
        return ["ng" + rest, "ng" + root]  # mengirim, and loanwords: mengkritik
    if first in "gh":
        return ["ng" + root]
    if first == "p":
        return ["m" + rest, "m" + root]  # memukul; memproses keeps the p
    if first in "bfv":
        return ["m" + root]
    if first == "t":
        return ["n" + rest, "n" + root]  # menipu; mentransfer
    if first == "s":
        return ["ny" + rest, "n" + root]  # menyerang; mensosialisasikan
    if first in "dcjz":
        return ["n" + root]
    return [root]  # l, m, n, r, w, y: meretas, peretas
