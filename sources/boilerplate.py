"""Page boilerplate that must never reach classification.

News pages and feed bodies carry lines that belong to the site, not the story:
"Baca juga: ..." teasers for unrelated articles, "Halaman 2", copyright
footers, "Related Articles" lists. A teaser about another country's cyber
attack must not make this article a cybercrime match, so these lines are
dropped before matching, in both the parser and ``pantau classify``.
"""

from __future__ import annotations

import re

__all__ = ["strip_boilerplate", "is_boilerplate", "inline_teaser_at", "is_teaser_list_item", "opens_teaser_list"]

# A line that *starts* one of these blocks is dropped; footers end the text.
_LINE = re.compile(
    r"""^\s*[▶►▷■□●•※☞]?\s*(?:   # Korean and Vietnamese sites put a bullet before the teaser
        baca\s+(?:juga|pula|berita)\b.*  |   # Indonesian "read also" teasers and link lists
        lihat\s+juga\s*:.*              |
        simak\s+juga\s*:.*              |
        halaman\s*:?\s*(?:\d+(?:\s*(?:dari|/)\s*\d+)?)?\s*$ |   # pager: "Halaman 2 dari 3", "Halaman :"
        dapatkan\s+(?:berita|update|info)\b.*   |   # newsletter / app promotions
        sumber\s*:\s*https?://\S+\s*$   |   # a bare source URL line
        (?:read|see)\s+(?:also|more)\s*:.*  |
        also\s+read\s*:.*               |
        related(?:\s+(?:news|stories|story|reading|coverage))?\s*:.*  |   # "Related: <headline>"
        more\s+(?:news|stories)\s*:.*   |
        baca\s*:.*                      |   # "BACA: ..."
        (?:berita|artikel)\s+(?:lainnya|terkait)\s*:.*  |
        tonton\s+juga\s*:.*            |
        tin\s+khác\s*:.*                |   # Vietnamese "other news"
        함께\s*(?:보면|읽으면)\s*좋은.*   |   # Korean "worth reading too"
        추천\s*기사.*                    |
        đọc\s+thêm\s*:.*                |   # Vietnamese "read more"
        xem\s+thêm\s*:.*                |   # Vietnamese "see more"
        tin\s+liên\s+quan\s*:.*         |   # Vietnamese "related news"
        관련\s*기사.*                    |   # Korean "related articles"
        advertisement\s*$ | iklan\s*$ | loading\.*\s*$ | a\s+a\s+a\s*$ |
        komentar\s*\(\d+\)\s*$ | share\s*:?\s*$ | bagikan\s*:?\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Lines that are furniture by their *end*; only short lines can be, so long
# paragraphs skip these scans (they cost a backtracking pass over the line).
_SHORT_LINE = 240
_TAIL = re.compile(
    r"""(?:
        \b(?:foto|photo|ảnh)\s*[:/]\s*[^.:/]{1,60}$ |   # photo caption ending "Foto/Agency"
        ^\s*[^.!?\n]{2,80}(?:\.\.\.|…)\s*$            # truncated teaser of the headline, "loading..."
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_FOOTER = re.compile(
    r"""^\s*(?:
        related\s+articles?\b | latest\s+articles?\b | berita\s+terkait\b | artikel\s+terkait\b |
        (?:copyright|hak\s+cipta)\b | ©
    )""",
    re.IGNORECASE | re.VERBOSE,
)


# A teaser glued into a paragraph ("... kata polisi. Baca juga: KTT ASEAN ...",
# common once HTML is flattened): the colon marks it, and it runs to the line's end.
_INLINE = re.compile(
    r"(?<!\w)(?:baca\s+(?:juga|pula)|lihat\s+juga|simak\s+juga|(?:read|see)\s+(?:also|more)|also\s+read|xem\s+thêm|đọc\s+thêm"
    r"|related(?:\s+(?:news|stories|story))?|tin\s+liên\s+quan)\s*:",
    re.IGNORECASE,
)


# A teaser heading on its own ("Xem thêm:", "Baca juga:") heads a bulleted list of other
# stories' headlines; each item is as much a teaser as the heading.
_HEADING_ONLY = re.compile(r":\s*$")
_LIST_ITEM = re.compile(r"^\s*[-–•*▶►·]\s*\S")


def is_teaser_list_item(line: str, previous_was_heading: bool) -> bool:
    """True for a bulleted line under a bare teaser heading ("Xem thêm:" then "- headline")."""
    return previous_was_heading and _LIST_ITEM.match(line) is not None


def opens_teaser_list(line: str) -> bool:
    """True for a teaser heading with nothing after its colon: the bulleted lines below are teasers."""
    return _LINE.match(line) is not None and _HEADING_ONLY.search(line) is not None


def inline_teaser_at(line: str) -> int | None:
    """Where a "Baca juga:"-style teaser starts inside a line of story text, or None."""
    if ":" not in line:  # every teaser marker ends in a colon: most lines stop here
        return None
    m = _INLINE.search(line)
    return m.start() if m else None


def is_boilerplate(line: str) -> bool:
    """True when a single line is a site teaser or page furniture, not story text."""
    if _LINE.match(line) or _FOOTER.match(line):
        return True
    return len(line) <= _SHORT_LINE and _TAIL.search(line) is not None


def strip_boilerplate(text: str) -> str:
    """Drop teaser lines and everything from a footer heading onwards."""
    kept: list[str] = []
    in_list = False
    for line in text.splitlines():
        if _FOOTER.match(line):
            break
        if not line.strip():  # a blank line neither opens nor closes a teaser list
            kept.append(line)
            continue
        if is_teaser_list_item(line, in_list):
            continue
        in_list = opens_teaser_list(line)
        if is_boilerplate(line):
            continue
        cut = inline_teaser_at(line)
        kept.append(line if cut is None else line[:cut].rstrip())
    return "\n".join(kept).strip()
