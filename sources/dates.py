"""Publication dates as news sites really write them, in UTC.

feedparser reads RFC 822 and ISO 8601 but leaves ``published_parsed`` empty
for local-language dates such as "Kamis, 14 November 2024 - 18:15 WIB",
"05 Agustus 2019" or "Thứ năm, 14/11/2024 - 18:15". The parser adapter calls
:func:`parse_date` on the raw string whenever feedparser gave up.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

__all__ = ["parse_date", "LOCAL_OFFSETS"]

# Month names and abbreviations: Indonesian, Vietnamese (romanised forms), English.
_MONTHS = {
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "nopember": 11,
    "desember": 12,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "okt": 10,
    "des": 12,
    "peb": 2,
    "nop": 11,
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Zone names local outlets print instead of offsets (hours east of UTC).
_ZONES = {"wib": 7, "wita": 8, "wit": 9, "ict": 7, "kst": 9, "sgt": 8, "pht": 8, "myt": 8, "utc": 0, "gmt": 0, "z": 0}
# Offsets to assume when a date carries no zone, by the feed's language.
LOCAL_OFFSETS = {"id": 7, "vi": 7, "ko": 9, "ms": 8, "th": 7, "tl": 8}

_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "14 November 2024", "14 Nov, 2024", "14/11/2024", "14-11-2024", "14 m11 2024" (Vietnamese "tháng 11").
_DMY = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s/.\-,]+(?P<m>{_MONTH_WORD}|m?\d{{1,2}})\.?[\s/.\-,]+(?P<y>\d{{4}})\b"
)
# "November 14, 2024" (English order that some Asian English-language outlets use).
_MDY = re.compile(rf"\b(?P<m>{_MONTH_WORD})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b")
_YMD = re.compile(r"\b(?P<y>\d{4})[\-/.](?P<m>\d{1,2})[\-/.](?P<d>\d{1,2})\b")
_TIME = re.compile(r"\b(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?\s*(?P<ampm>am|pm)?")
_OFFSET = re.compile(r"(?:gmt|utc)?\s*(?P<sign>[+\-])(?P<oh>\d{1,2}):?(?P<om>\d{2})?\b")
_ZONE = re.compile(r"\b(" + "|".join(_ZONES) + r")\b")
_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3,9},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+\-]\d{4}|[A-Za-z]{1,5})?\s*$"
)
_VI_MONTH = re.compile(r"th[aá]ng\s*(\d{1,2})")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    text = _VI_MONTH.sub(r" m\1 ", text)  # "tháng 11" -> " m11 "
    return text.replace("năm", " ").replace("ngày", " ")


def _month(token: str) -> int | None:
    token = token.lstrip("m")
    if token.isdigit():
        value = int(token)
        return value if 1 <= value <= 12 else None
    return _MONTHS.get(token)


def _zone(text: str, rest_start: int) -> timezone | None:
    tail = text[rest_start:]
    m = _OFFSET.search(tail)
    if m and (m.group("om") or "gmt" in tail or "utc" in tail):
        hours, minutes = int(m.group("oh")), int(m.group("om") or 0)
        if hours <= 14 and minutes < 60:
            delta = timedelta(hours=hours, minutes=minutes)
            return timezone(-delta if m.group("sign") == "-" else delta)
    named = _ZONE.search(tail)
    if named:
        return timezone(timedelta(hours=_ZONES[named.group(1)]))
    return None


def _standard(text: str) -> datetime | None:
    """RFC 822 and ISO 8601, the forms most feeds use."""
    # parsedate is lenient enough to misread "November 14, 2024 6:15 pm", so only
    # text shaped like RFC 822 goes to it.
    if _RFC822.match(text):
        try:
            dt = parsedate_to_datetime(text)
            if dt is not None:
                return dt
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_date(text: str | None, *, language: str | None = None) -> datetime | None:
    """Read an RFC 822, ISO 8601, Indonesian or Vietnamese date; return it in UTC or None."""
    if not text or len(text) > 200:
        return None
    text = text.strip()
    dt = _standard(text)
    if dt is None:
        dt = _local(_fold(text))
    if dt is None:
        return None
    if dt.tzinfo is None:
        hours = LOCAL_OFFSETS.get((language or "").split("-")[0].lower(), 0)
        dt = dt.replace(tzinfo=timezone(timedelta(hours=hours)))
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def _local(text: str) -> datetime | None:
    match = _DMY.search(text) or _MDY.search(text) or _YMD.search(text)
    if not match:
        return None
    month = _month(match.group("m"))
    if month is None:
        return None
    hour = minute = second = 0
    time = _TIME.search(text, match.end())
    end = match.end()
    if time:
        hour, minute, second = int(time.group("h")), int(time.group("mi")), int(time.group("s") or 0)
        if time.group("ampm") == "pm" and hour < 12:
            hour += 12
        elif time.group("ampm") == "am" and hour == 12:
            hour = 0
        end = time.end()
    try:
        naive = datetime(int(match.group("y")), month, int(match.group("d")), hour, minute, second)
    except ValueError:
        return None
    zone = _zone(text, end)
    return naive.replace(tzinfo=zone) if zone else naive
