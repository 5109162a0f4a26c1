"""Password policy: ≥ 12 characters, 3 character classes, no common or context words.

The length and Django's common-password list are configured in settings.AUTH_PASSWORD_VALIDATORS;
this module adds the character-class rule and a list of words that are common in China or that
belong to this product and city, which an attacker would try first.
"""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Words an attacker tries first against a 长治 government system: the product, the city and its
# districts, the plan's year, and passwords common among Chinese users (pinyin phrases, keyboard
# rows, "I love you" number codes). Compared in lower case after undoing common digit/symbol
# substitutions, so "W0ain1" counts as "woaini".
CONTEXT_WORDS: tuple[str, ...] = (
    # The product and the city
    "tongcheng",
    "同城",
    "changzhi",
    "长治",
    "luzhou",
    "潞州",
    "shangdang",
    "上党",
    "shanxi",
    "山西",
    "minzu",
    "民族",
    "changzhi2013",
    # Common Chinese passwords
    "woaini",
    "5201314",
    "1314520",
    "woaiwojia",
    "zhongguo",
    "china",
    "beijing",
    "nihao",
    "wodemima",
    "mima",
    "aini1314",
    "iloveyou",
    "password",
    "passw0rd",
    "admin",
    "administrator",
    "welcome",
    "qwerty",
    "asdfgh",
    "zxcvbn",
    "qazwsx",
    "1qaz2wsx",
    "123456",
    "654321",
    "abc123",
    "111111",
    "888888",
    "666666",
)

# Undo the substitutions people use to dress up a word (p@ssw0rd → password).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s"})


def _normalised(value: str) -> str:
    return value.lower().translate(_LEET)


class CharacterClassValidator:
    """At least `min_classes` of: lower-case and upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        return sum(
            (
                any(ch in string.ascii_lowercase for ch in password),
                any(ch in string.ascii_uppercase for ch in password),
                any(ch.isdigit() for ch in password),
                any(not (ch.isascii() and ch.isalnum()) for ch in password),
            )
        )

    def validate(self, password: str, user: Any = None) -> None:
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(count)d kind of character: lower-case letters, "
            "upper-case letters, digits, other characters.",
            "Your password must mix at least %(count)d kinds of character: lower-case letters, "
            "upper-case letters, digits, other characters.",
            self.min_classes,
        ) % {"count": self.min_classes}


class ContextWordValidator:
    """Refuse passwords that contain a common or context word, or the account's own name."""

    def __init__(self, extra_words: list[str] | None = None, min_word_length: int = 4) -> None:
        self.words = tuple(CONTEXT_WORDS) + tuple(extra_words or ())
        self.min_word_length = min_word_length

    def words_for(self, user: Any) -> list[str]:
        words = list(self.words)
        for attribute in ("username", "display_name", "first_name", "last_name", "email"):
            value = str(getattr(user, attribute, "") or "")
            # The local part of an e-mail address, not the domain.
            value = value.split("@", 1)[0]
            if len(value) >= self.min_word_length or (value and not value.isascii()):
                words.append(value)
        return words

    def validate(self, password: str, user: Any = None) -> None:
        candidate = _normalised(password)
        for word in self.words_for(user):
            if word and (_normalised(word) in candidate or word.lower() in password.lower()):
                raise ValidationError(self.get_help_text(), code="password_context_word")

    def get_help_text(self) -> str:
        return _(
            "Your password must not contain a common word, the name of this system or city, "
            "or your account name."
        )
