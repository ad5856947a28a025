"""Dates as the paper forms write them → the ISO text the records store (``TTTT-BB`` or ``TTTT-BB-HH``).

Filled forms give the month in words and often leave the day blank: the Dinas Perkebunan
Provinsi Riau MS-Keg of 2022 writes its release plan (8.2) as "Desember 2022". The Excel import
reads such text into ``2022-12``, and the messages of ``satudata validate`` suggest the same.
"""

from __future__ import annotations

import datetime
import re

MONTHS = {
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
    "nopember": 11,
    "november": 11,
    "desember": 12,
}
ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "ags": 8}
ABBREVIATIONS |= {"sep": 9, "sept": 9, "okt": 10, "nov": 11, "nop": 11, "des": 12}

_WORDS = re.compile(r"(?:(\d{1,2})\s+)?([A-Za-z]+)\.?\s+((?:19|20)\d\d)")
_NUMBERS = re.compile(r"(?:(\d{1,2})[/.-])?(\d{1,2})[/.-]((?:19|20)\d\d)")


def _month(word: str) -> int | None:
    word = word.casefold()
    return MONTHS.get(word) or ABBREVIATIONS.get(word)


def _iso(year: int, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def form_date(text: str) -> str | None:
    """'Desember 2022' → '2022-12', '5 Desember 2022' → '2022-12-05', '12/2022' → '2022-12',
    '05/12/2022' → '2022-12-05' (day first, as written in Indonesia); None if it is not such a date."""
    text = " ".join(str(text).split())
    found = _WORDS.fullmatch(text)
    if found:
        month = _month(found.group(2))
        if month is None:
            return None
        return _iso(int(found.group(3)), month, int(found.group(1)) if found.group(1) else None)
    found = _NUMBERS.fullmatch(text)
    if found:
        return _iso(int(found.group(3)), int(found.group(2)), int(found.group(1)) if found.group(1) else None)
    return None
