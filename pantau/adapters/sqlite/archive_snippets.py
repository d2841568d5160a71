"""Search results cut for display: hits marked by the FTS index, a window of text around the first one."""

from __future__ import annotations

from pantau.adapters.sqlite.archive_records import Segment
from pantau.core.article import Article

__all__ = ["MARK_OPEN", "MARK_CLOSE", "lead", "segments", "window"]

# Control characters the index wraps hits in (highlight()); they never occur in article text.
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


def lead(article: Article, width: int = 240) -> str:
    """The article's summary (or content) on one line, cut at a space near ``width`` characters."""
    text = " ".join((article.summary or article.content).split())
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"


def segments(original: str, marked: str | None) -> tuple[Segment, ...]:
    """Cut the original text where the index marked hits (folding keeps one character for one)."""
    if not marked or MARK_OPEN not in marked:
        return (Segment(original),) if original else ()
    out: list[Segment] = []
    pos = 0
    hit = False
    buf_start = 0
    for ch in marked:
        if ch in (MARK_OPEN, MARK_CLOSE):
            if pos > buf_start:
                out.append(Segment(original[buf_start:pos], hit))
            hit, buf_start = ch == MARK_OPEN, pos
            continue
        pos += 1
    if pos > buf_start:
        out.append(Segment(original[buf_start:pos], hit))
    return tuple(out)


def window(segments: tuple[Segment, ...], width: int = 240) -> tuple[Segment, ...]:
    """About ``width`` characters around the first hit, cut at spaces, with ellipses."""
    if not segments:
        return ()
    first = next((i for i, s in enumerate(segments) if s.hit), None)
    if first is None:
        text = " ".join("".join(s.text for s in segments).split())
        return (Segment(text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"),)
    before = " ".join("".join(s.text for s in segments[:first]).split()[-12:])
    out = [Segment(("… " if before else "") + before + (" " if before else ""))] if before else []
    used = len(before)
    for s in segments[first:]:
        if used >= width:
            out.append(Segment(" …"))
            break
        text = " ".join(s.text.split()) if not s.hit else s.text
        if s.text[:1].isspace():
            text = " " + text
        if s.text[-1:].isspace():
            text += " "
        if not s.hit and used + len(text) > width:
            text = text[: max(0, width - used)].rsplit(" ", 1)[0] + " …"
            out.append(Segment(text))
            break
        out.append(Segment(text, s.hit))
        used += len(text)
    return tuple(seg for seg in out if seg.text)
