"""Vietnamese text helpers: NFC, clean titles, slugs (đ→d) and dates (Thứ Năm, 27/12/2018)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from zoneinfo import ZoneInfo

from babel.dates import format_date
from unidecode import unidecode

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Zero-width and bidi marks, BOM, and C0/C1 controls except tab and newline.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NO_BREAK = re.compile(r"[\u00a0\u2007\u202f]")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def nfc(text: str) -> str:
    """Vietnamese text in composed form (NFC), as the web and search expect."""
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """One-line text for titles and names: NFC, no invisible characters, single spaces."""
    return " ".join(_INVISIBLE.sub("", nfc(text)).split())


def clean_text(text: str) -> str:
    """Text of many lines (a body): NFC, no invisible characters, no non-breaking spaces."""
    return _NO_BREAK.sub(" ", _INVISIBLE.sub("", nfc(text)))


def fold(text: str) -> str:
    """Lowercase ASCII form for matching: "Đào tạo" → "dao tao"."""
    return unidecode(clean_line(text)).lower()


def slugify(text: str) -> str:
    """URL slug: "Đào tạo bồi dưỡng" → ``dao-tao-boi-duong``."""
    return _SLUG_JUNK.sub("-", fold(text)).strip("-")


def parse_datetime(value: object, tz: dt.tzinfo = VIETNAM) -> dt.datetime | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM`` (or YAML's own date) as an aware datetime.

    Returns None when the value is not such a date; naive values are Vietnam time.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip().replace("T", " ")
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
            try:
                moment = dt.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def parse_date(value: object) -> dt.date | None:
    """A calendar date (``YYYY-MM-DD``), or None."""
    moment = parse_datetime(value)
    return moment.date() if moment else None


def vi_date(value: dt.date | dt.datetime) -> str:
    """"Thứ Năm, 27/12/2018"."""
    return _vi_date(value.year, value.month, value.day)


@functools.lru_cache(maxsize=4096)
def _vi_date(year: int, month: int, day: int) -> str:
    """By the calendar day alone (an aware datetime equals others at the same instant)."""
    return format_date(dt.date(year, month, day), "EEEE, dd/MM/yyyy", locale="vi")


def short_date(value: dt.date | dt.datetime) -> str:
    """"27/12/2018" (what ``strftime("%d/%m/%Y")`` gives, without its cost: pages list many)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year}"
