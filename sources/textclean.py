"""HTML fragments from feeds to clean text that rules can match.

Feed summaries and content are HTML (often escaped twice, sometimes with NUL
bytes or stray control characters). Classification wants plain text: tags
removed, entities decoded, one paragraph per line, NFC-normalised (Vietnamese
arrives decomposed at times) and without site boilerplate. A regex pass is
used instead of an HTML parser because it is linear in the input, never
builds a tree, and the output is text, not markup that must be safe.
"""

from __future__ import annotations

import html
import re
import unicodedata

from pantau.sources.boilerplate import strip_boilerplate

__all__ = ["html_to_text", "clean_line", "MAX_TEXT_CHARS"]

MAX_TEXT_CHARS = 100_000
"""Longer text is cut: no news article needs more, and rules scan every character."""

_DROP = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style|noscript|template|svg|iframe|object|head)\b.*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
_BREAK = re.compile(
    r"<\s*(?:br|/?p|/?div|/?li|/?ul|/?ol|/?h[1-6]|/?tr|/?table|/?blockquote|/?section|/?article|"
    r"/?figure|/?figcaption|/?pre|hr)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[!/?a-zA-Z][^>]{0,2000}>")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
# C0/C1 controls except tab and newline, plus zero-width characters and the BOM.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_line(text: str | None) -> str:
    """Text for one-line fields (titles, names): tags and entities resolved, spaces collapsed."""
    if not text:
        return ""
    return " ".join(html_to_text(text, keep_boilerplate=True).split())


def html_to_text(fragment: str | None, *, keep_boilerplate: bool = False) -> str:
    """Plain text of an HTML fragment: one paragraph per line, boilerplate dropped."""
    if not fragment:
        return ""
    text = fragment[: MAX_TEXT_CHARS * 4]
    text = _CONTROL.sub("", text)
    if "<" in text:
        text = _CDATA.sub(r"\1", text)
        text = _DROP.sub(" ", text)
        text = _BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    # Feeds that escape their HTML twice leave "&lt;p&gt;" behind after one pass.
    if "&" in text:
        text = html.unescape(text)
        if "<" in text and _TAG.search(text):
            text = _BREAK.sub("\n", _DROP.sub(" ", text))
            text = _TAG.sub("", text)
            text = html.unescape(text) if "&" in text else text
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    if not keep_boilerplate:
        text = strip_boilerplate(text)
    return text[:MAX_TEXT_CHARS]
