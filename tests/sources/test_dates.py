"""Local-language publication dates read into UTC."""

from datetime import datetime, timezone

import pytest

from pantau.sources.dates import parse_date


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Kamis, 14 November 2024 - 18:15 WIB", None, utc(2024, 11, 14, 11, 15)),
        ("05 Agustus 2019", "id", utc(2019, 8, 4, 17, 0)),
        ("Senin, 5 Agt 2019 07.30 WITA", None, utc(2019, 8, 4, 23, 30)),
        ("Rab, 13 Nov 2024 10:00:00 +0700", None, utc(2024, 11, 13, 3, 0)),
        ("14 Nopember 2024 | 12:00", "id", utc(2024, 11, 14, 5, 0)),
        ("Thứ năm, 14/11/2024 - 18:15", "vi", utc(2024, 11, 14, 11, 15)),
        ("Thứ Hai, 21/10/2024, 10:00 (GMT+7)", None, utc(2024, 10, 21, 3, 0)),
        ("ngày 14 tháng 11 năm 2024 09:30", "vi", utc(2024, 11, 14, 2, 30)),
        ("November 14, 2024 6:15 pm KST", None, utc(2024, 11, 14, 9, 15)),
        ("Thu, 14 Nov 2024 11:15:00 GMT", None, utc(2024, 11, 14, 11, 15)),
        ("2024-11-14T18:15:00+07:00", None, utc(2024, 11, 14, 11, 15)),
    ],
)
def test_dates_in_utc(text, language, expected):
    assert parse_date(text, language=language) == expected


@pytest.mark.parametrize("text", ["", "kemarin", "99/99/2024", "x" * 500, None])
def test_unreadable_dates_are_none(text):
    assert parse_date(text) is None
