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
from django.utils.translation import gettext_lazy as _

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

# text_problem: what no text field of ours takes, whichever way it came in (form, API, import).
# Control characters other than tab and line breaks (NUL among them: PostgreSQL refuses it in
# text); lone surrogates (a JSON "\ud800" parses, then fails to encode on the way to the
# database); the bidirectional embeddings, overrides and isolates, which make a name read
# differently from what it is; and runs of combining marks stacked on one letter. Tibetan stacks
# up to four marks on a letter (subjoined consonants and vowel signs), so a run of more is refused.
MAX_COMBINING_RUN = 4
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_RE_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|[\ud800-\udfff]|[" + _BIDI_CONTROLS + "]"
)
# The codes text_problem answers with (an API error's `code`).
TEXT_CODES = frozenset(
    {"too_long", "control_character", "surrogate", "bidi_control", "stacked_marks"}
)
# Text made only of these holds nothing the rule refuses (printable Latin, CJK and its
# punctuation and kana without the combining ones, Hangul, full-width forms): one search, the
# common case of a ledger's cells.
_RE_NOT_PLAIN = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u02ff\u3000-\u3029\u3030-\u3098\u309b-\u9fff\uac00-\ud7a3\uff00-\uffef]"
)
# Characters outside the blocks that hold no combining mark (Latin below U+0300, CJK from
# U+3100 to U+9FFF, Hangul syllables, full-width forms): only a value with one is read char by
# char for runs of marks, so the import's Chinese cells cost one regular-expression search.
_MAY_HOLD_MARKS = re.compile("[^\x00-\u02ff\u3100-\u9fff\uac00-\ud7a3\uff00-\uffef]")
_MSG_TOO_LONG = _("is too long: at most %(limit)d characters (it has %(length)d).")
_MSG_CONTROL = _("contains a control character (such as NUL), which cannot be stored.")
_MSG_SURROGATE = _("contains a broken character (a lone UTF-16 surrogate).")
_MSG_BIDI = _("contains a character that reverses the reading direction (such as U+202E).")
_MSG_COMBINING = _("has more than %(limit)d accents or marks stacked on one character.")


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


def text_problem(value: str, *, max_length: int) -> Problem | None:
    """What makes a text value unacceptable, or None: too long, or a character in it that no
    field takes (see above). Both are judged without the whitespace at its ends (str.strip, as a
    form field strips it before its validators: some control characters count as whitespace).

    The one check of every free-text field: the forms, the API's schemas and the import call it,
    so each refuses exactly what the others refuse. The message does not name the field: the
    caller puts the field's label before it.
    """
    value = value.strip()
    length = len(value)
    if length > max_length:
        return Problem("too_long", _MSG_TOO_LONG, {"limit": max_length, "length": length})
    if _RE_NOT_PLAIN.search(value) is None:
        return None
    found = _RE_UNSAFE.search(value)
    if found is not None:
        char = found.group()
        if "\ud800" <= char <= "\udfff":
            return Problem("surrogate", _MSG_SURROGATE)
        if char in _BIDI_CONTROLS:
            return Problem("bidi_control", _MSG_BIDI)
        return Problem("control_character", _MSG_CONTROL)
    if _MAY_HOLD_MARKS.search(value) is None:
        return None
    run = 0
    for char in value:
        if unicodedata.category(char) in ("Mn", "Me"):
            run += 1
            if run > MAX_COMBINING_RUN:
                return Problem("stacked_marks", _MSG_COMBINING, {"limit": MAX_COMBINING_RUN})
        else:
            run = 0
    return None


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
