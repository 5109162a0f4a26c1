"""Masks for showing personal identifiers on screens and in masked exports.

`1404**********123X`, `138****1234`, `0355-***1234`, `张*三`. A mask keeps the length of the
value so columns line up, and never shows more of a short or malformed value than of a valid
one: a value of unexpected length shows at most a third of its characters (never more than 4
at each end), and nothing when shorter than 8 characters. Names follow the usual
Chinese form 张*三.
"""

from __future__ import annotations

import re

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


def mask_id_number(number: str) -> str:
    """`140403199001011234` → `1404**********1234`: 4 + stars + 4 for 15-18 characters."""
    number = normalize_digits(number)
    if len(number) in (15, 18):
        return number[:4] + STAR * (len(number) - 8) + number[-4:]
    return _mask(number, 4, 4)


def mask_phone(number: str) -> str:
    """Mobile `13812341234` → `138****1234`; landline `0355-2021234` → `0355-***1234`.

    A landline keeps its area code and the last 4 digits of the subscriber number; an
    extension is masked. Anything that is not a valid number is masked like a short value.
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
    subscriber = STAR * (len(phone.subscriber) - 4) + phone.subscriber[-4:]
    masked = f"{phone.area_code}-{subscriber}"
    return masked + (f"-{STAR * len(phone.extension)}" if phone.extension else "")


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
