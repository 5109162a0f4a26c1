"""Chinese mobile and landline numbers: validation, normal form, last 4."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib.phone import PhoneError, last4, normalize_phone, parse_phone

MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
AREAS = st.sampled_from(["010", "021", "029", "0351", "0355", "0951", "0931", "0991"])
SUBSCRIBERS = st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True)


def code_of(raw: object, **kwargs: str) -> str:
    with pytest.raises(PhoneError) as caught:
        parse_phone(raw, **kwargs)
    assert caught.value.message
    return caught.value.code


@given(
    number=MOBILES,
    prefix=st.sampled_from(["", "+86", "+86 ", "0086", "86", "+86-"]),
    sep=st.sampled_from(["", " ", "-", "\u3000"]),
    full_width=st.booleans(),
)
def test_it_normalises_any_way_of_writing_a_mobile(
    number: str, prefix: str, sep: str, full_width: bool
) -> None:
    messy = prefix + sep.join([number[:3], number[3:7], number[7:]])
    if full_width:
        messy = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in messy)
    phone = parse_phone(messy)
    assert phone.kind == "mobile"
    assert phone.number == number
    assert normalize_phone(phone.number) == number
    assert phone.last4 == last4(messy) == number[-4:]


@given(area=AREAS, subscriber=SUBSCRIBERS, style=st.integers(0, 3))
def test_it_normalises_landlines(area: str, subscriber: str, style: int) -> None:
    messy = [
        f"{area}-{subscriber}",
        f"({area}){subscriber}",
        f"{area} {subscriber}",
        f"{area}{subscriber}",
    ][style]
    phone = parse_phone(messy)
    assert phone.kind == "landline"
    assert phone.number == f"{area}-{subscriber}"
    assert (phone.area_code, phone.subscriber, phone.extension) == (area, subscriber, "")
    assert normalize_phone(phone.number) == phone.number
    assert last4(messy) == subscriber[-4:]


def test_it_reads_extensions() -> None:
    for raw in [
        "0355-2021234-801",
        "0355-2021234转801",
        "(0355)2021234 分机801",
        "0355 2021234 ext.801",
    ]:
        phone = parse_phone(raw)
        assert phone.number == "0355-2021234-801"
        assert phone.extension == "801"
        assert phone.last4 == "1234"
    assert last4("0355-2021234-801") == "1234"


def test_it_reads_numbers_from_number_cells() -> None:
    assert normalize_phone(13812341234) == "13812341234"
    assert normalize_phone(13812341234.0) == "13812341234"
    # A number cell drops the leading 0 of the area code.
    assert normalize_phone(3552021234) == "0355-2021234"
    assert normalize_phone("+86 355 2021234") == "0355-2021234"


def test_it_adds_a_default_area_code_to_local_numbers() -> None:
    assert normalize_phone("2021234", default_area_code="0355") == "0355-2021234"
    assert code_of("2021234") == "length"


def test_it_gives_each_error_its_code() -> None:
    assert code_of(None) == "empty"
    assert code_of("   ") == "empty"
    assert code_of("1381234123") == "mobile"
    assert code_of("12812341234") == "mobile"
    assert code_of("138123412345") == "mobile"
    assert code_of("13812341234转8") == "mobile"
    assert code_of("0355-123") == "landline"
    assert code_of("0355-1234567") == "landline"
    assert code_of("无") == "characters"
    assert code_of("138abc41234") == "characters"
    assert code_of(1.5) == "characters"
    assert code_of("13812341234/13912341234") == "several"
    assert code_of("13812341234、13912341234") == "several"
    assert code_of("13812341234 13912341234") == "several"
    assert code_of("12345") == "mobile"
    assert code_of("56789") == "length"


@given(st.text(max_size=30))
def test_it_either_returns_a_normal_form_or_raises(raw: str) -> None:
    try:
        phone = parse_phone(raw)
    except PhoneError as error:
        assert error.code
        return
    assert parse_phone(phone.number) == phone
