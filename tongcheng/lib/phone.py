"""Chinese phone numbers: mobile (1[3-9] + 9 digits) and landline (0 + 2-3 digit area code,
7-8 digit subscriber number, optional extension).

Normal forms: mobile "13812341234"; landline "0355-2021234", with extension "0355-2021234-801".
Accepted input: +86 / 0086 / 86 prefixes, spaces, dashes, parentheses around the area code,
full-width digits, extensions written 转801 / 分机801 / ext. 801 / x801 / -801, and numbers
that reached us as Excel numbers (13812341234.0).
Error codes (`PhoneError`): empty, characters, several, mobile, landline, length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.textnorm import FieldError, normalize_digits, normalize_text

PhoneKind = Literal["mobile", "landline"]

_RE_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes: 010, 02x (two digits after the 0) or 0[3-9]xx (three). Subscriber numbers do
# not start with 0 or 1.
_RE_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d\d))([2-9]\d{6,7})")
_RE_LOCAL = re.compile(r"[2-9]\d{6,7}")
_RE_EXTENSION_DIGITS = re.compile(r"\d{1,6}")
# Separators inside one number (spaces, dashes, brackets around the area code).
_RE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc()\[\]【】]+")
_RE_EXTENSION = re.compile(r"\s*(?:转|分机|EXT\.?|X|#)\s*(\d{1,6})$")
_RE_SEVERAL = re.compile(r"[/、,;|]|\d{7,}\s+\d{7,}")
_RE_PREFIX = re.compile(r"^(?:\+86|0086|86(?=1[3-9]\d{9}$))")

_MSG_EMPTY = _("The phone number is empty.")
_MSG_CHARACTERS = _("The phone number may contain only digits; it contains other characters.")
_MSG_SEVERAL = _("Enter one phone number per field; this one contains several.")
_MSG_MOBILE = _("A mobile number has 11 digits and starts with 13 to 19.")
_MSG_LANDLINE = _(
    "A landline number is an area code starting with 0 and a 7 or 8 digit number, "
    "e.g. 0355-2021234."
)
_MSG_LENGTH = _("This is not a mobile number (11 digits) or a landline number with area code.")


class PhoneError(FieldError):
    """A phone number that cannot be accepted; see the module docstring for the codes."""


@dataclass(frozen=True, slots=True)
class Phone:
    number: str
    kind: PhoneKind
    area_code: str = ""
    subscriber: str = ""
    extension: str = ""

    @property
    def last4(self) -> str:
        return (self.subscriber or self.number)[-4:]


def _text(raw: object) -> str:
    if raw is None:
        raise PhoneError("empty", _MSG_EMPTY)
    if isinstance(raw, float):
        if not raw.is_integer() or raw < 0:
            raise PhoneError("characters", _MSG_CHARACTERS)
        raw = int(raw)
    if isinstance(raw, bool):
        raise PhoneError("characters", _MSG_CHARACTERS)
    if isinstance(raw, int):
        # A number cell drops the leading 0 of a landline ("3552021234"); put it back.
        digits = str(raw)
        return digits if digits[:1] in "01" else "0" + digits
    text = str(raw).strip()
    if not text:
        raise PhoneError("empty", _MSG_EMPTY)
    return text


def parse_phone(raw: object, *, default_area_code: str = "") -> Phone:
    """Validate and normalise one phone number.

    A 7-8 digit local number gets `default_area_code` (e.g. "0355") when one is given.
    """
    # Fast path: a clean mobile number, the usual cell of a ledger and every stored value.
    if type(raw) is str and len(raw) == 11 and raw.isascii() and _RE_MOBILE.fullmatch(raw):
        return Phone(number=raw, kind="mobile")
    text = normalize_text(_text(raw)).upper()
    if _RE_SEVERAL.search(text):
        raise PhoneError("several", _MSG_SEVERAL)
    extension = ""
    match = _RE_EXTENSION.search(text)
    if match:
        extension = match.group(1)
        text = text[: match.start()]
    groups = [group for group in _RE_SEPARATORS.split(text) if group]
    text = "".join(groups)
    international = _RE_PREFIX.match(text)
    if international:
        text = text[international.end() :]
        # +86 355 2021234: the international form drops the 0 of the area code.
        if text[:1] in "23456789" and text:
            text = "0" + text
    if not text.isdigit() or not text.isascii():
        raise PhoneError("characters", _MSG_CHARACTERS)

    if _RE_MOBILE.fullmatch(text):
        if extension:
            raise PhoneError("mobile", _MSG_MOBILE)
        return Phone(number=text, kind="mobile")
    if text[0] == "1":
        raise PhoneError("mobile", _MSG_MOBILE)
    landline = _RE_LANDLINE.fullmatch(text)
    # "0355-2021234-801": a separated last group after a complete number is an extension.
    if landline is None and not extension and len(groups) >= 3:
        head = "".join(groups[:-1])
        landline = _RE_LANDLINE.fullmatch(head)
        if landline and _RE_EXTENSION_DIGITS.fullmatch(groups[-1]):
            extension = groups[-1]
        else:
            landline = None
    if landline is None and default_area_code and _RE_LOCAL.fullmatch(text):
        landline = _RE_LANDLINE.fullmatch(default_area_code + text)
    if landline is None:
        if text[0] == "0":
            raise PhoneError("landline", _MSG_LANDLINE)
        raise PhoneError("length", _MSG_LENGTH)
    area, subscriber = landline.groups()
    number = f"{area}-{subscriber}" + (f"-{extension}" if extension else "")
    return Phone(
        number=number,
        kind="landline",
        area_code=area,
        subscriber=subscriber,
        extension=extension,
    )


def normalize_phone(raw: object, *, default_area_code: str = "") -> str:
    """The normal form of a phone number (see the module docstring); raises `PhoneError`."""
    return parse_phone(raw, default_area_code=default_area_code).number


def last4(number: str) -> str:
    """The last 4 digits of the number itself (not of an extension), for suffix search."""
    try:
        return parse_phone(number).last4
    except PhoneError:
        digits = "".join(c for c in normalize_digits(number) if c.isdigit())
        return digits[-4:]
