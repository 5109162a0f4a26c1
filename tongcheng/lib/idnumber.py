"""Citizen ID numbers (公民身份号码, GB 11643-1999).

18 characters: a 6-digit area code (GB/T 2260, where the number was first issued), the birth
date YYYYMMDD, a 3-digit order code whose last digit is odd for men and even for women, and a
check character (ISO 7064 MOD 11-2: 0-9 or X). First-generation 15-digit numbers (area, YYMMDD,
order) are upgraded to 18 characters with century 19 and a computed check character.

Hard errors (`IdNumberError`, with a code): empty, characters, length, excel_number (also for
18 digits ending in 000 that fail the check: Excel's zeros in place of lost digits), birth_date
(impossible), birth_date_future, birth_date_too_early (before 1900), check_digit.
Warnings (`IdNumber.warnings`, `Problem` objects): area_newer_than_birth, area_retired_before_birth
from the small table `data/area_code_years.csv` (see data/README.md to extend it), and
area_unknown_province when the first two digits are no province code.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.textnorm import FieldError, Problem, normalize_digits

Sex = Literal["male", "female"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ZERO_SUM = 48 * sum(_WEIGHTS)
_AREA_YEARS_CSV = Path(__file__).parent / "data" / "area_code_years.csv"
# GB/T 2260 province-level prefixes (71 台湾, 81 香港, 82 澳门, 83 for Taiwan residents' permits).
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})  # fmt: skip
_EARLIEST = dt.date(1900, 1, 1)

_RE_18 = re.compile(r"\d{17}[\dX]")
_RE_15 = re.compile(r"\d{15}")
_RE_CHARS = re.compile(r"[\dX]*")
# "1.40403E+17" — what Excel shows (and CSV export writes) for a long number in a number cell.
_RE_SCIENTIFIC = re.compile(r"\d(?:\.\d*)?E\+?\d+")
# "140403199001011000.0" — a number cell turned into text by some tool on the way.
_RE_DECIMAL = re.compile(r"(\d{15,18})\.0*")

_MSG_EMPTY = _("The ID number is empty.")
_MSG_CHARACTERS = _(
    "The ID number may contain only digits and a final X; it contains other characters."
)
_MSG_LENGTH = _("The ID number must have 18 characters (or 15 for an old one); it has %(count)d.")
_MSG_EXCEL = _(
    "The ID number was stored as a number in Excel and has lost digits; "
    "format the column as text and enter the number again."
)
_MSG_BIRTH = _("The birth date in the ID number (%(digits)s) is not a real date.")
_MSG_FUTURE = _("The birth date in the ID number (%(date)s) is in the future.")
_MSG_EARLY = _("The birth date in the ID number (%(date)s) is before 1900.")
_MSG_CHECK = _("The check digit of the ID number is wrong.")
_MSG_AREA_NEW = _(
    "The area code %(area)s of the ID number came into use in %(year)d, after the birth year; "
    "please check the number."
)
_MSG_AREA_OLD = _(
    "The area code %(area)s of the ID number went out of use in %(year)d, before the birth "
    "year; please check the number."
)
_MSG_PROVINCE = _("The ID number does not start with a known province code.")


class IdNumberError(FieldError):
    """An ID number that cannot be accepted; see the module docstring for the codes."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    area_code: str
    birth_date: dt.date
    sex: Sex
    warnings: list[Problem] = field(default_factory=list)
    # True when the input was a first-generation 15-digit number.
    upgraded: bool = False

    @property
    def last4(self) -> str:
        return self.number[-4:]


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character (0-9 or X) for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    return _check(first17)


def _check(first17: str) -> str:
    # Weighted sum over the byte values, less the weighted sum of ord("0"): the fastest
    # pure-Python form (parse_id_number runs per row of 100k-row imports).
    return _CHECK_CHARS[(sum(map(operator.mul, _WEIGHTS, first17.encode())) - _ZERO_SUM) % 11]


def make_id_number(area: str, birth_date: dt.date, seq: int, sex: Sex) -> str:
    """A synthetic ID number with a valid check digit, for demo data and tests.

    `seq` (0-499) numbers the people of one sex born on that day in that area; the 3-digit
    order code is 2*seq + 1 for men (odd) and 2*seq for women (even).
    """
    if len(area) != 6 or not area.isdigit():
        raise ValueError("area must be 6 digits")
    if not 0 <= seq <= 499:
        raise ValueError("seq must be between 0 and 499")
    order = 2 * seq + (1 if sex == "male" else 0)
    first17 = f"{area}{birth_date:%Y%m%d}{order:03d}"
    return first17 + check_digit(first17)


@functools.cache
def _area_years() -> dict[str, tuple[int | None, int | None]]:
    """code → (first year, last year) from data/area_code_years.csv, read once per process."""
    table: dict[str, tuple[int | None, int | None]] = {}
    with _AREA_YEARS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            first = int(row["first_year"]) if row["first_year"] else None
            last = int(row["last_year"]) if row["last_year"] else None
            table[row["code"]] = (first, last)
    return table


def _from_number(raw: int | float) -> str:
    """Digits of an ID number that reached us as a number (an Excel number cell)."""
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")) or not raw.is_integer():
            raise IdNumberError("characters", _MSG_CHARACTERS)
        # Excel keeps 15 significant digits, so a longer number has lost its tail.
        if raw >= 1e15:
            raise IdNumberError("excel_number", _MSG_EXCEL)
        return str(int(raw))
    digits = str(raw)
    if len(digits) > 15 and digits.endswith("000"):
        raise IdNumberError("excel_number", _MSG_EXCEL)
    return digits


def _text(raw: object) -> str:
    if raw is None:
        raise IdNumberError("empty", _MSG_EMPTY)
    if isinstance(raw, bool):
        raise IdNumberError("characters", _MSG_CHARACTERS)
    if isinstance(raw, int | float):
        return _from_number(raw)
    text = normalize_digits(str(raw))
    if not text:
        raise IdNumberError("empty", _MSG_EMPTY)
    if _RE_SCIENTIFIC.fullmatch(text):
        raise IdNumberError("excel_number", _MSG_EXCEL)
    decimal = _RE_DECIMAL.fullmatch(text)
    if decimal:
        if len(decimal.group(1)) != 15:
            raise IdNumberError("excel_number", _MSG_EXCEL)
        return decimal.group(1)
    return text


def parse_id_number(raw: object, *, today: dt.date | None = None) -> IdNumber:
    """Validate and normalise an ID number from a form field or a spreadsheet cell.

    Accepts text with spaces, dashes, full-width digits or a lowercase x; a 15-digit number
    (upgraded to 18); an int or float from a number cell when it still holds all its digits.
    Raises `IdNumberError`; returns an `IdNumber` whose `warnings` may be non-empty.
    `today` bounds the birth date; an import passes it once instead of reading the clock per row.
    """
    text = _text(raw)
    upgraded = False
    if _RE_18.fullmatch(text) is None:
        if _RE_15.fullmatch(text):
            first17 = f"{text[:6]}19{text[6:]}"
            text = first17 + _check(first17)
            upgraded = True
        elif _RE_CHARS.fullmatch(text) is None or "X" in text[:-1]:
            raise IdNumberError("characters", _MSG_CHARACTERS)
        else:
            raise IdNumberError("length", _MSG_LENGTH, count=len(text))

    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError("birth_date", _MSG_BIRTH, digits=text[6:14]) from None
    if birth < _EARLIEST:
        raise IdNumberError("birth_date_too_early", _MSG_EARLY, date=birth.isoformat())
    if birth > (today or dt.date.today()):
        raise IdNumberError("birth_date_future", _MSG_FUTURE, date=birth.isoformat())
    if not upgraded and _check(text[:17]) != text[17]:
        # "140403199001011000" as text: a number cell re-formatted to show all its digits
        # shows Excel's zeros in place of the lost ones.
        if text.endswith("000"):
            raise IdNumberError("excel_number", _MSG_EXCEL)
        raise IdNumberError("check_digit", _MSG_CHECK)

    area = text[:6]
    warnings: list[Problem] = []
    if area[:2] not in _PROVINCES:
        warnings.append(Problem("area_unknown_province", _MSG_PROVINCE))
    years = _area_years().get(area)
    if years is not None:
        first, last = years
        if first is not None and birth.year < first:
            warnings.append(
                Problem("area_newer_than_birth", _MSG_AREA_NEW, {"area": area, "year": first})
            )
        if last is not None and birth.year > last:
            warnings.append(
                Problem("area_retired_before_birth", _MSG_AREA_OLD, {"area": area, "year": last})
            )
    sex: Sex = "male" if (ord(text[16]) - 48) % 2 else "female"
    return IdNumber(
        number=text,
        area_code=area,
        birth_date=birth,
        sex=sex,
        warnings=warnings,
        upgraded=upgraded,
    )
