"""Masks for ID numbers, phones and names."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib.masking import STAR, birth_month, mask_id_number, mask_name, mask_phone

DIGITS = st.text(alphabet="0123456789X", max_size=30)


def shown(masked: str) -> int:
    return sum(1 for char in masked if char not in (STAR, "-", "·"))


def test_it_masks_like_the_issue_shows() -> None:
    # The region code only: nothing of the birth date, order code or check digit.
    assert mask_id_number("140403199001011234") == "140403************"
    assert mask_id_number("14040319900101123X") == "140403************"
    assert mask_id_number("14040319900101123x") == "140403************"
    assert mask_id_number("140403900101123") == "140403*********"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("138-1234-1234") == "138****1234"
    # A landline's 7-8 subscriber digits: showing 4 would leave 800-8,000 candidates.
    assert mask_phone("0355-2021234") == "0355-*******"
    assert mask_phone("010-62345678") == "010-********"
    assert mask_phone("0355-2021234-801") == "0355-*******-***"


def test_it_shows_a_birth_date_as_year_and_month() -> None:
    assert birth_month(date(1985, 3, 17)) == "1985-03"
    assert birth_month(None) == ""


@given(DIGITS)
def test_it_never_shows_more_of_an_id_number_than_of_a_valid_one(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert shown(masked) <= 6
    if len(value) not in (15, 18):
        assert shown(masked) <= len(value) // 3
    if len(value) < 8:
        assert shown(masked) == 0


@given(st.text(alphabet="0123456789-", max_size=20))
def test_it_never_shows_more_of_a_phone_than_of_a_valid_one(value: str) -> None:
    masked = mask_phone(value)
    assert STAR in masked or not value.replace("-", "")
    assert shown(masked) <= 8


def test_it_masks_short_and_odd_values_more() -> None:
    assert mask_id_number("") == ""
    assert mask_id_number("1234") == "****"
    assert mask_id_number("123456789012") == "1234********"
    assert mask_phone("1234") == "****"
    assert mask_phone("12") == "**"
    assert mask_phone("138123412") == "13******2"


def test_it_masks_names() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("张小三") == "张*三"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("买买提·艾力") == "买**·*力"
    assert mask_name("买买提・艾力") == "买**·*力"
    assert mask_name("张") == "*"
    assert mask_name("") == ""


@given(st.text(alphabet="张王李马买提艾力阿依古丽·", max_size=12))
def test_it_shows_at_most_two_characters_of_a_name(name: str) -> None:
    masked = mask_name(name)
    assert shown(masked) <= 2
    assert shown(masked) <= max(0, len(masked.replace("·", "")) - 1) or not masked
