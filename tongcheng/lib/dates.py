"""Dates as ledgers write them.

Accepted: date and datetime objects (python-calamine returns datetime for date cells);
2014-03-05, 2014.3.5, 2014/3/5, 2014年3月5日 (or 号), each with 1- or 2-digit month and day,
optionally followed by a time; 20140305; the month forms 201403, 2014.3, 2014-03, 2014年3月
(→ the 1st of the month); full-width digits; 2-digit years in the separated forms (14.3.5);
Excel serial numbers in the 1900 date system, as Excel itself reads them (serial 1 is
1900-01-01 and serial 60 is Excel's non-existent 1900-02-29); and numbers from number cells
that hold 20140305, 201403 or 2014.03 (2014.1 is refused: Excel turned "2014.10" into it;
numbers from 1900 to 2100 are years or months, never the serials of 1905).
Years must lie in 1900-2100. Error codes (`DateParseError`): empty, unrecognized, invalid,
excel_leap_day, ambiguous_month, out_of_range.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.textnorm import FieldError, normalize_text

_MIN_YEAR = 1900
_MAX_YEAR = 2100
# Serial 60 is Excel's 1900-02-29, kept for compatibility with Lotus 1-2-3; from 61 on the
# serials are days since 1899-12-30, below 60 days since 1899-12-31.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_EARLY_EPOCH = dt.date(1899, 12, 31)
_EXCEL_MAX = (dt.date(_MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_RE_YMD = re.compile(
    rf"(\d{{4}}|\d{{2}})\s*[-./年]\s*(\d{{1,2}})\s*[-./月]\s*(\d{{1,2}})\s*[日号]?\.?{_TIME}"
)
_RE_YM = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\.?")
_RE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")
# A serial number as text (a date cell exported as a number); 5 digits is 1927-2173.
_RE_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")

_MSG_EMPTY = _("The date is empty.")
_MSG_UNRECOGNIZED = _(
    "Cannot read this date. Write it like 2014-03-05, 2014.3.5, 2014/3/5, 2014年3月5日 or "
    "20140305; a month alone like 201403 or 2014年3月; or format the cell as a date."
)
_MSG_INVALID = _("This date does not exist (check the month and the day).")
_MSG_LEAP = _("Excel's 1900-02-29 does not exist; enter the date again.")
_MSG_AMBIGUOUS = _(
    "This month is ambiguous: Excel stored 2014.10 as the number 2014.1. Format the column "
    "as text and write the date again, e.g. 2014-10-01."
)
_MSG_RANGE = _("The year must be between 1900 and 2100.")


class DateParseError(FieldError):
    """A date that cannot be read; see the module docstring for the codes."""


def _make(year: int, month: int, day: int) -> dt.date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise DateParseError("out_of_range", _MSG_RANGE)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError("invalid", _MSG_INVALID) from None


def excel_serial_to_date(serial: float) -> dt.date:
    """The date Excel (1900 date system) shows for a serial; the time of day is dropped."""
    days = int(serial)
    if days == 60:
        raise DateParseError("excel_leap_day", _MSG_LEAP)
    if days < 1 or days > _EXCEL_MAX:
        raise DateParseError("out_of_range", _MSG_RANGE)
    epoch = _EXCEL_EPOCH if days > 60 else _EXCEL_EARLY_EPOCH
    return epoch + dt.timedelta(days=days)


def date_to_excel_serial(value: dt.date) -> int:
    """The Excel serial of a date (inverse of `excel_serial_to_date`)."""
    days = (value - _EXCEL_EPOCH).days
    return days if days > 60 else days - 1


def _from_number(value: float) -> dt.date:
    if value != value or value in (float("inf"), float("-inf")):
        raise DateParseError("unrecognized", _MSG_UNRECOGNIZED)
    if _MIN_YEAR <= value < _MAX_YEAR + 1:
        # A number cell where someone typed 2014.03 (March 2014) or just a year.
        if float(value).is_integer():
            raise DateParseError("unrecognized", _MSG_UNRECOGNIZED)
        year_text, _dot, month_text = repr(float(value)).partition(".")
        if month_text == "1":
            raise DateParseError("ambiguous_month", _MSG_AMBIGUOUS)
        if len(month_text) > 2:
            raise DateParseError("unrecognized", _MSG_UNRECOGNIZED)
        return _make(int(year_text), int(month_text), 1)
    if float(value).is_integer():
        whole = int(value)
        if 10_000_000 <= whole <= 99_999_999:
            return _make(whole // 10000, whole // 100 % 100, whole % 100)
        if 100_000 <= whole <= 999_999:
            return _make(whole // 100, whole % 100, 1)
    return excel_serial_to_date(value)


def _year(text: str, today: dt.date | None) -> int:
    year = int(text)
    if len(text) == 2:
        # 2-digit years: up to 10 years ahead of today belong to this century.
        pivot = ((today or dt.date.today()).year + 10) % 100
        year += 2000 if year <= pivot else 1900
    return year


def parse_date(value: object, *, today: dt.date | None = None) -> dt.date:
    """Read a date from a form field or spreadsheet cell; raises `DateParseError`.

    `today` only decides the century of 2-digit years (default: the real today).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        raise DateParseError("empty", _MSG_EMPTY)
    if isinstance(value, bool):
        raise DateParseError("unrecognized", _MSG_UNRECOGNIZED)
    if isinstance(value, int | float):
        return _from_number(value)
    text = normalize_text(str(value))
    if not text:
        raise DateParseError("empty", _MSG_EMPTY)
    match = _RE_YMD.fullmatch(text)
    if match:
        year, month, day = match.groups()
        return _make(_year(year, today), int(month), int(day))
    match = _RE_COMPACT.fullmatch(text)
    if match:
        year, month, day = match.groups()
        return _make(int(year), int(month), int(day) if day else 1)
    match = _RE_YM.fullmatch(text)
    if match:
        return _make(int(match.group(1)), int(match.group(2)), 1)
    if _RE_SERIAL.fullmatch(text):
        return excel_serial_to_date(float(text))
    raise DateParseError("unrecognized", _MSG_UNRECOGNIZED)
