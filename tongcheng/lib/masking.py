"""Masks for showing personal identifiers on screens and in masked exports.

`140402************`, `138****1234`, `0355-*******`, `1985-03`, `张*三`. A mask keeps the length
of the value so columns line up, and never shows more of a short or malformed value than of a
valid one: a value of unexpected length shows at most a third of its characters (never more
than 4 at each end), and nothing when shorter than 8 characters. Names follow the usual
Chinese form 张*三.

What is shown must never determine the number, even with what else a page shows beside it
(birth year and month, sex, the origin county) and what a search can confirm: at least 10,000
equally likely candidates remain (docs/security.md, "Masks"; registry/tests/
test_masking_candidates.py counts them).

- ID number: the 6 region digits only. They are the origin county in most files, which every
  page shows anyway; the birth day (28-31) and the 3-digit order code, whose parity is the sex
  (500 values), stay hidden and the check digit follows from them: at least 28 × 500 = 14,000
  candidates. The last 4 are not shown: with the birth month shown they would leave a month's
  days, 28-31 candidates.
- Mobile: 3 + 4 digits, the 4 hidden digits leave exactly 10,000 candidates. The last 4 are
  what a worker reads over the phone to tell files apart, and showing fewer would not help:
  a last-4 search confirms them anyway.
- Landline: the area code only. Its subscriber number has 7 or 8 digits, the first 2-9: the
  last 4 shown would leave 800 (or 8,000) candidates, so no subscriber digit is shown.
- Birth date: year and month (`birth_month`); the day stays with the reveal.
"""

from __future__ import annotations

import re
from datetime import date

from tongcheng.lib.phone import PhoneError, parse_phone
from tongcheng.lib.textnorm import MIDDLE_DOT, normalize_digits, normalize_name

STAR = "*"
_RE_MOBILE = re.compile(r"1[3-9]\d{9}")


def _mask(value: str, head: int, tail: int) -> str:
    """Keep `head` + `tail` characters, but never more than a third of the value, and none
    of a value shorter than 8 characters."""
    length = len(value)
    if length < 8:
        return STAR * length
    while head + tail > length // 3 and (head or tail):
        # Shrink the larger end first so a short value keeps some of both ends.
        if head > tail:
            head -= 1
        else:
            tail -= 1
    return value[:head] + STAR * (length - head - tail) + (value[length - tail :] if tail else "")


# Characters of an ID number shown: its region code (see the module docstring).
ID_SHOWN = 6


def mask_id_number(number: str) -> str:
    """`140403199001011234` → `140403************`: the region code, then stars."""
    number = normalize_digits(number)
    if len(number) in (15, 18):
        return number[:ID_SHOWN] + STAR * (len(number) - ID_SHOWN)
    return _mask(number, ID_SHOWN, 0)


def mask_phone(number: str) -> str:
    """Mobile `13812341234` → `138****1234`; landline `0355-2021234` → `0355-*******`.

    A landline keeps its area code only (see the module docstring); an extension is masked.
    Anything that is not a valid number is masked like a short value.
    """
    digits = normalize_digits(number)
    if _RE_MOBILE.fullmatch(digits):
        return digits[:3] + STAR * 4 + digits[7:]
    try:
        phone = parse_phone(number)
    except PhoneError:
        return _mask(digits, 3, 4)
    if phone.kind == "mobile":
        return phone.number[:3] + STAR * 4 + phone.number[7:]
    masked = f"{phone.area_code}-{STAR * len(phone.subscriber)}"
    return masked + (f"-{STAR * len(phone.extension)}" if phone.extension else "")


def birth_month(born: date | None) -> str:
    """`1985-03-17` → `1985-03`: what every answer that is not a reveal says of a birth date."""
    return f"{born.year:04d}-{born.month:02d}" if born else ""


def mask_name(name: str) -> str:
    """`张三` → `张*`, `张小三` → `张*三`, `欧阳娜娜` → `欧**娜`, `买买提·艾力` → `买**·**力`.

    Keeps the first character, and the last one for names of 3 characters or more; the `·`
    separator of transliterated names stays visible.
    """
    name = normalize_name(name)
    letters = [index for index, char in enumerate(name) if char not in (MIDDLE_DOT, " ")]
    if len(letters) <= 1:
        return STAR * len(name)
    keep = {letters[0]} if len(letters) < 3 else {letters[0], letters[-1]}
    return "".join(
        char if index in keep or char in (MIDDLE_DOT, " ") else STAR
        for index, char in enumerate(name)
    )
