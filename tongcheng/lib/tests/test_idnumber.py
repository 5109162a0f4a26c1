"""Citizen ID numbers (GB 11643-1999): check digit, birth date, 15-digit numbers, Excel damage."""

import csv
import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tongcheng.lib import idnumber
from tongcheng.lib.idnumber import IdNumberError, check_digit, make_id_number, parse_id_number

TODAY = dt.date(2025, 6, 1)
AREAS = st.sampled_from(["140403", "140402", "640102", "620102", "650102", "110105", "632821"])
BIRTHS = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
SEXES = st.sampled_from(["male", "female"])


def code_of(raw: object) -> str:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(raw, today=TODAY)
    assert caught.value.message
    return caught.value.code


@given(area=AREAS, birth=BIRTHS, seq=st.integers(0, 499), sex=SEXES)
def test_it_parses_what_it_makes(area: str, birth: dt.date, seq: int, sex: str) -> None:
    number = make_id_number(area, birth, seq, sex)  # type: ignore[arg-type]
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.number == number
    assert parsed.area_code == area
    assert parsed.birth_date == birth
    assert parsed.sex == sex
    assert parsed.last4 == number[-4:]
    assert not parsed.upgraded


@given(
    area=AREAS,
    birth=BIRTHS,
    seq=st.integers(0, 499),
    position=st.integers(0, 17),
    replacement=st.sampled_from("0123456789X"),
)
def test_it_detects_any_single_character_change(
    area: str, birth: dt.date, seq: int, position: int, replacement: str
) -> None:
    number = make_id_number(area, birth, seq, "female")
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(IdNumberError):
        parse_id_number(changed, today=TODAY)


@given(
    birth=BIRTHS,
    seq=st.integers(0, 499),
    sep=st.sampled_from(["", " ", "-", "\u3000"]),
    full_width=st.booleans(),
)
def test_it_normalises_messy_input_idempotently(
    birth: dt.date, seq: int, sep: str, full_width: bool
) -> None:
    number = make_id_number("640102", birth, seq, "male")
    messy = sep.join([number[:6], number[6:14], number[14:]]).lower()
    if full_width:
        messy = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in messy)
    parsed = parse_id_number(messy, today=TODAY)
    assert parsed.number == number
    assert parse_id_number(parsed.number, today=TODAY).number == number


def test_it_agrees_with_the_examples_of_the_standard() -> None:
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"
    parsed = parse_id_number("11010519491231002x", today=TODAY)
    assert parsed.number == "11010519491231002X"
    assert parsed.sex == "female"
    assert parsed.birth_date == dt.date(1949, 12, 31)


def test_it_refuses_bad_input_to_check_digit() -> None:
    for bad in ["", "1234", "1101051949123100X", "１１０１０５１９４９１２３１００２"]:
        with pytest.raises(ValueError):
            check_digit(bad)


def test_it_upgrades_first_generation_numbers() -> None:
    number = make_id_number("640102", dt.date(1965, 7, 9), 12, "male")
    old = number[:6] + number[8:17]
    parsed = parse_id_number(old, today=TODAY)
    assert parsed.number == number
    assert parsed.upgraded
    assert parsed.birth_date == dt.date(1965, 7, 9)
    # A 15-digit number keeps all its digits in an Excel number cell.
    assert parse_id_number(float(old), today=TODAY).number == number
    assert parse_id_number(int(old), today=TODAY).number == number
    assert parse_id_number(old + ".0", today=TODAY).number == number


def test_it_names_the_excel_damage() -> None:
    number = make_id_number("140403", dt.date(1990, 1, 1), 5, "male")
    assert code_of("1.40403E+17") == "excel_number"
    assert code_of("1.40403199001011E+17") == "excel_number"
    assert code_of(float(number)) == "excel_number"
    assert code_of(int(number[:15] + "000")) == "excel_number"
    assert code_of(number[:15] + "000.0") == "excel_number"
    # A number cell re-formatted to show all digits, then copied as text.
    assert code_of(number[:15] + "000") == "excel_number"


def test_it_gives_each_hard_error_its_code() -> None:
    good = make_id_number("140403", dt.date(1990, 1, 1), 5, "male")
    assert code_of(None) == "empty"
    assert code_of("  ") == "empty"
    assert code_of("14040319900101123") == "length"
    assert code_of("1404031990010112345") == "length"
    assert code_of("14040319900101A234") == "characters"
    assert code_of("1404031990X1011234") == "characters"
    assert code_of(True) == "characters"
    assert code_of(good[:-1] + ("0" if good[-1] != "0" else "1")) == "check_digit"
    impossible = "140403" + "19900230" + "123"
    assert code_of(impossible + check_digit(impossible)) == "birth_date"
    future = "140403" + "20250602" + "123"
    assert code_of(future + check_digit(future)) == "birth_date_future"
    early = "140403" + "18991231" + "123"
    assert code_of(early + check_digit(early)) == "birth_date_too_early"


def test_it_takes_the_sex_from_the_seventeenth_digit() -> None:
    for seq in range(0, 500, 37):
        man = make_id_number("140403", dt.date(2000, 2, 29), seq, "male")
        woman = make_id_number("140403", dt.date(2000, 2, 29), seq, "female")
        assert int(man[16]) % 2 == 1
        assert int(woman[16]) % 2 == 0
        assert parse_id_number(man, today=TODAY).sex == "male"
        assert parse_id_number(woman, today=TODAY).sex == "female"


def test_it_warns_when_the_area_code_is_newer_than_the_birth() -> None:
    older = parse_id_number(make_id_number("140403", dt.date(1990, 1, 1), 1, "male"), today=TODAY)
    assert [w.code for w in older.warnings] == ["area_newer_than_birth"]
    assert "2018" in older.warnings[0].message
    newer = parse_id_number(make_id_number("140404", dt.date(2019, 1, 1), 1, "male"), today=TODAY)
    assert newer.warnings == []
    for area in ["140404", "140405", "140406"]:
        parsed = parse_id_number(make_id_number(area, dt.date(1980, 5, 5), 1, "female"))
        assert [w.code for w in parsed.warnings] == ["area_newer_than_birth"]


def test_it_warns_when_the_area_code_was_retired_before_the_birth() -> None:
    parsed = parse_id_number(make_id_number("140402", dt.date(2020, 1, 1), 1, "male"), today=TODAY)
    assert [w.code for w in parsed.warnings] == ["area_retired_before_birth"]
    fine = parse_id_number(make_id_number("140402", dt.date(1990, 1, 1), 1, "male"), today=TODAY)
    assert fine.warnings == []


def test_it_warns_about_an_unknown_province() -> None:
    parsed = parse_id_number(make_id_number("990101", dt.date(1990, 1, 1), 1, "male"), today=TODAY)
    assert [w.code for w in parsed.warnings] == ["area_unknown_province"]


def test_it_ships_a_well_formed_area_year_table() -> None:
    with idnumber._AREA_YEARS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    for row in rows:
        assert len(row["code"]) == 6 and row["code"].isdigit()
        assert row["name"]
        assert row["first_year"] or row["last_year"]
        for year in (row["first_year"], row["last_year"]):
            assert not year or 1949 <= int(year) <= 2100
    table = idnumber._area_years()
    for code in ["140403", "140404", "140405", "140406"]:
        assert table[code][0] == 2018


def test_it_refuses_bad_arguments_to_make() -> None:
    with pytest.raises(ValueError):
        make_id_number("1404", dt.date(1990, 1, 1), 1, "male")
    with pytest.raises(ValueError):
        make_id_number("140403", dt.date(1990, 1, 1), 500, "male")
