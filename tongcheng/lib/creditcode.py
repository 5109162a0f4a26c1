"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters from 0-9 and the capital letters without I, O, S, V, Z: registration authority (1),
organisation type (1), area code (6), organisation code (9, GB 11714), check character (1,
MOD 31 with weights 3^i mod 31). Validation checks length, characters and the check character;
normalisation removes spaces and dashes, turns full-width characters to ASCII and upper-cases.
Error codes (`CreditCodeError`): empty, characters, length, old_registration_number, check_char.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from tongcheng.lib.textnorm import FieldError, normalize_digits

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: index for index, char in enumerate(CHARSET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_RE_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
# GB 11714 organisation code check (positions 9-17 of a credit code).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_MSG_EMPTY = _("The unified social credit code is empty.")
_MSG_CHARACTERS = _(
    "The unified social credit code may contain only digits and capital letters other than "
    "I, O, S, V and Z."
)
_MSG_LENGTH = _("The unified social credit code must have 18 characters; it has %(count)d.")
_MSG_OLD = _(
    "This looks like an old 15-digit business registration number; enter the 18-character "
    "unified social credit code from the current business licence."
)
_MSG_CHECK = _("The check character of the unified social credit code is wrong.")


class CreditCodeError(FieldError):
    """A credit code that cannot be accepted; see the module docstring for the codes."""


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    if len(first17) != 17:
        raise ValueError("credit_check_char needs exactly 17 characters")
    try:
        total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    except KeyError:
        raise ValueError("credit_check_char got a character outside the charset") from None
    return CHARSET[(31 - total % 31) % 31]


def parse_credit_code(raw: object) -> str:
    """Validate a credit code and return its normal form; raises `CreditCodeError`."""
    if raw is None:
        raise CreditCodeError("empty", _MSG_EMPTY)
    code = normalize_digits(str(raw))
    if not code:
        raise CreditCodeError("empty", _MSG_EMPTY)
    if _RE_CODE.fullmatch(code) is None:
        if len(code) == 15 and code.isdigit():
            raise CreditCodeError("old_registration_number", _MSG_OLD)
        if all(char in _VALUE for char in code):
            raise CreditCodeError("length", _MSG_LENGTH, count=len(code))
        raise CreditCodeError("characters", _MSG_CHARACTERS)
    if credit_check_char(code[:17]) != code[17]:
        raise CreditCodeError("check_char", _MSG_CHECK)
    return code


def is_valid_credit_code(raw: object) -> bool:
    try:
        parse_credit_code(raw)
    except CreditCodeError:
        return False
    return True


def _org_code(serial: int) -> str:
    body = f"MA{serial % 1_000_000:06d}"
    total = sum(
        _ORG_CHARS.index(char) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(
    area: str = "140403", serial: int = 0, *, authority: str = "9", kind: str = "2"
) -> str:
    """A synthetic but well-formed credit code for demo data and tests.

    Defaults give an individual business (authority 9 市场监管, type 2 个体工商户) in 潞州区;
    the organisation code is "MA" + the 6-digit serial with its GB 11714 check character.
    """
    if len(area) != 6 or not area.isdigit():
        raise ValueError("area must be 6 digits")
    first17 = f"{authority}{kind}{area}{_org_code(serial)}"
    return first17 + credit_check_char(first17)
