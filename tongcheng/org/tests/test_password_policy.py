"""The password policy of settings.AUTH_PASSWORD_VALIDATORS."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from tongcheng.org.models import User
from tongcheng.org.passwords import CharacterClassValidator, ContextWordValidator


def codes(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    "password",
    ["Purple-Monkey-Dishwasher-42", "Hk7#mzq!Lp2v", "tea+Kettle+river+9", "绿茶Kettle-river-9"],
)
def test_it_accepts_a_good_password(password: str) -> None:
    assert codes(password) == set()


def test_it_refuses_fewer_than_twelve_characters() -> None:
    assert "password_too_short" in codes("Hk7#mzq!Lp2")


@pytest.mark.parametrize(
    "password", ["onlylowercaseletters1", "ONLYUPPERandlower", "1234-5678-9012"]
)
def test_it_refuses_two_character_classes(password: str) -> None:
    assert "password_too_few_classes" in codes(password)


@pytest.mark.parametrize(
    "password",
    [
        "Woaini-Forever-2024",
        "W0ain1-Forever-2024",
        "Changzhi2013-Good!",
        "我爱长治-Kettle-9x",
        "Tongcheng-Is-Great1",
        "Qwerty-Kettle-River-9",
        "River-5201314-Kettle",
        "P@ssw0rd-River-Tea",
    ],
)
def test_it_refuses_common_and_context_words(password: str) -> None:
    assert "password_context_word" in codes(password)


def test_it_refuses_the_account_name() -> None:
    user = User(username="wangfang", display_name="王芳")
    assert "password_context_word" in codes("Wangfang-River-Tea-9", user)
    assert "password_context_word" in codes("王芳Kettle-River-9", user)
    assert codes("Purple-Monkey-Dishwasher-42", user) == set()


def test_it_refuses_django_common_passwords() -> None:
    assert "password_too_common" in codes("Password1234")


def test_it_counts_character_classes() -> None:
    assert CharacterClassValidator.classes_in("abc") == 1
    assert CharacterClassValidator.classes_in("aB3") == 3
    assert CharacterClassValidator.classes_in("aB3-") == 4
    assert CharacterClassValidator.classes_in("中文abc") == 2


def test_it_explains_the_rules_in_english_msgids() -> None:
    with translation.override("en"):
        assert "3 kinds of character" in CharacterClassValidator(3).get_help_text()
        assert "common word" in ContextWordValidator().get_help_text()
