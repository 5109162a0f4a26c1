"""Unified social credit codes (GB 32100-2015)."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tongcheng.lib.creditcode import (
    CHARSET,
    CreditCodeError,
    credit_check_char,
    is_valid_credit_code,
    make_credit_code,
    parse_credit_code,
)

# Codes printed on real business licences.
REAL = ["91110108551385082Q", "914403001922038216"]


def code_of(raw: object) -> str:
    with pytest.raises(CreditCodeError) as caught:
        parse_credit_code(raw)
    assert caught.value.message
    return caught.value.code


def test_it_accepts_real_codes() -> None:
    for code in REAL:
        assert parse_credit_code(code) == code
        assert credit_check_char(code[:17]) == code[17]


@given(
    area=st.sampled_from(["140403", "140404", "640102"]),
    serial=st.integers(0, 999_999),
    kind=st.sampled_from("123"),
)
def test_it_parses_what_it_makes(area: str, serial: int, kind: str) -> None:
    code = make_credit_code(area, serial, kind=kind)
    assert len(code) == 18
    assert set(code) <= set(CHARSET)
    assert code[2:8] == area
    assert parse_credit_code(code) == code


@given(
    serial=st.integers(0, 999_999),
    position=st.integers(0, 17),
    replacement=st.sampled_from(CHARSET),
)
def test_it_detects_any_single_character_change(
    serial: int, position: int, replacement: str
) -> None:
    code = make_credit_code(serial=serial)
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1 :]
    assert code_of(changed) == "check_char"
    assert not is_valid_credit_code(changed)


def test_it_normalises_messy_input() -> None:
    code = REAL[0]
    assert parse_credit_code(code.lower()) == code
    assert parse_credit_code(" 9111 0108-5513 8508 2q ") == code
    assert parse_credit_code("".join(chr(ord(c) + 0xFEE0) for c in code)) == code


def test_it_gives_each_error_its_code() -> None:
    assert code_of(None) == "empty"
    assert code_of("") == "empty"
    assert code_of("140403000012345") == "old_registration_number"
    assert code_of("91110108551385082") == "length"
    assert code_of("91110108551385082QQ") == "length"
    assert code_of("9111010855138508IQ") == "characters"
    assert code_of("9111010855138508OQ") == "characters"
    assert code_of("91110108551385082R") == "check_char"


def test_it_refuses_bad_input_to_the_helpers() -> None:
    with pytest.raises(ValueError):
        credit_check_char("123")
    with pytest.raises(ValueError):
        credit_check_char("9111010855138508I")
    with pytest.raises(ValueError):
        make_credit_code("1404")
