"""Text clean-up for values typed into ledgers, and the structured errors every parser raises.

Ledgers arrive from Excel sheets typed on many machines: full-width digits and letters from a
Chinese input method, ideographic spaces, zero-width characters pasted from web pages, four
different "middle dots" in Uyghur names. These functions make such values comparable; they run
per cell on imports of 100k rows, so they are plain functions over translate tables and NFKC.

Every parser in `tongcheng.lib` raises a `FieldError` subclass (or returns `Problem` warnings)
carrying a stable `code` and a translatable message, so an import report can say
row / column / message and tests can assert on the code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# Characters that are drawn as a middle dot. The name separator in transliterated names is
# U+00B7; Japanese and Windows input methods produce the others.
MIDDLE_DOT = "\u00b7"
_DOT_LOOKALIKES = "\u30fb\u2027\u2022\uff65\u2219\u22c5\u2e31\ua78f\u0387\u16eb\u318d"
# Zero-width and BOM characters that survive copy and paste and make equal values differ.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")

_TEXT_TABLE: dict[int, int | None] = {ord(c): ord(MIDDLE_DOT) for c in _DOT_LOOKALIKES}
_TEXT_TABLE.update({ord(c): None for c in _INVISIBLE + _CONTROL + "\x7f"})
_RE_TABLE_CHARS = re.compile("[" + re.escape("".join(chr(c) for c in _TEXT_TABLE)) + "]")

# normalize_digits: full-width ASCII → ASCII, drop every kind of space and dash, upper-case.
_DIGITS_TABLE: dict[int, int | None] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc"
_SPACES = " \t\n\r\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_SPACES += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_DIGITS_TABLE.update({ord(c): None for c in _DASHES + _SPACES + _INVISIBLE + "'`"})

# Between two Han characters a space is padding (ledgers align 2-character names as "张  三").
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3007"
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])")
_SPACES_AROUND_DOT = re.compile(r"\s*[\u00b7.]\s*")


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a value: a stable code plus a translatable message with parameters."""

    code: str
    template: str | Promise
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The message in the active language (evaluated now, not when the problem arose)."""
        text = str(self.template)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


class FieldError(ValueError):
    """A value that cannot be accepted; `code` is stable, `message` is for people."""

    def __init__(self, code: str, template: str | Promise, **params: Any) -> None:
        self.problem = Problem(code, template, params)
        super().__init__(code)

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def message(self) -> str:
        return self.problem.message

    def __str__(self) -> str:
        return self.message


def normalize_text(value: str) -> str:
    """Clean one text cell: full-width → half-width, NFKC, one kind of middle dot, single spaces.

    NFKC turns full-width ASCII (digits, letters, punctuation) and the ideographic space into
    their half-width forms and CJK compatibility characters into the usual ones. Chinese
    punctuation that has no half-width twin (、。《》·) is kept. Every middle-dot look-alike
    (・ ‧ • ･ ∙ ⋅) becomes U+00B7, the separator in names such as 买买提·艾力. Zero-width
    characters and control characters are dropped; runs of whitespace become one space and
    the ends are stripped. Idempotent.
    """
    if value.isascii():
        # Fast path for the common case: only whitespace and control characters to handle.
        if value.isprintable() and "  " not in value and value == value.strip():
            return value
        return " ".join(value.translate(_TEXT_TABLE).split())
    # Drop invisibles before NFKC (so it sees the real neighbours) and map dots after it
    # (NFKC turns ･ into ・). The checks first skip the slow steps for clean CJK text.
    if _RE_TABLE_CHARS.search(value):
        value = value.translate(_TEXT_TABLE)
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
        if _RE_TABLE_CHARS.search(value):
            value = value.translate(_TEXT_TABLE)
    return " ".join(value.split())


def normalize_name(value: str) -> str:
    """`normalize_text` for personal names: also no padding spaces and a clean `·` separator.

    "张  三" → "张三"; "买买提 . 艾力" and "买买提．艾力" → "买买提·艾力". Spaces between Latin
    words ("Anna Maria") are kept. Idempotent.
    """
    value = normalize_text(value)
    if value.isascii():
        # A Latin name: "J. Smith" keeps its full stop.
        return value
    value = _SPACE_BETWEEN_HAN.sub("", value)
    if MIDDLE_DOT in value or "." in value:
        value = _SPACES_AROUND_DOT.sub(MIDDLE_DOT, value).strip(MIDDLE_DOT)
    return value


def normalize_digits(value: str) -> str:
    """Clean a code made of digits and letters: ID numbers, phone numbers, credit codes.

    Full-width digits and letters become ASCII; spaces (of every kind) and dashes inside the
    number are removed, as are the apostrophe Excel users type to force text; letters are
    upper-cased, so a lowercase check character x becomes X. Idempotent.
    """
    if value.isascii() and value.isalnum():
        # Already clean, the common case (ID numbers read per row of an import).
        return value.upper()
    return value.translate(_DIGITS_TABLE).upper()
