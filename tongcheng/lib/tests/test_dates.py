"""Dates as ledgers write them, Excel serials included."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib.dates import (
    DateParseError,
    date_to_excel_serial,
    excel_serial_to_date,
    parse_date,
)

DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
TODAY = dt.date(2025, 6, 1)


def forms(d: dt.date) -> list[str]:
    y, m, day = d.year, d.month, d.day
    return [
        f"{y}.{m}.{day}",
        f"{y}.{m:02d}.{day:02d}",
        f"{y}-{m:02d}-{day:02d}",
        f"{y}-{m}-{day}",
        f"{y}/{m}/{day}",
        f"{y}/{m:02d}/{day:02d}",
        f"{y}年{m}月{day}日",
        f"{y}年{m:02d}月{day:02d}日",
        f"{y}年{m}月{day}号",
        f"{y} 年 {m} 月 {day} 日",
        f"{y}{m:02d}{day:02d}",
        f"{d.isoformat()} 00:00:00",
        f"{d.isoformat()}T08:30",
        f" {y}.{m}.{day} ",
    ]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def code_of(value: object) -> str:
    with pytest.raises(DateParseError) as caught:
        parse_date(value, today=TODAY)
    assert caught.value.message
    return caught.value.code


@given(DATES)
def test_it_reads_every_textual_form(d: dt.date) -> None:
    for text in forms(d):
        assert parse_date(text) == d, text
        assert parse_date(full_width(text)) == d, text


@given(DATES)
def test_it_reads_month_forms_as_the_first_of_the_month(d: dt.date) -> None:
    first = d.replace(day=1)
    for text in [f"{d.year}{d.month:02d}", f"{d.year}年{d.month}月", f"{d.year}-{d.month:02d}"]:
        assert parse_date(text) == first, text
    assert parse_date(int(f"{d.year}{d.month:02d}")) == first


@given(DATES)
def test_it_reads_date_objects_and_numbers(d: dt.date) -> None:
    assert parse_date(d) == d
    assert parse_date(dt.datetime.combine(d, dt.time(13, 45))) == d
    assert parse_date(int(d.strftime("%Y%m%d"))) == d
    assert parse_date(float(d.strftime("%Y%m%d"))) == d


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)))
def test_it_reads_excel_serials_both_ways(d: dt.date) -> None:
    serial = date_to_excel_serial(d)
    assert excel_serial_to_date(serial) == d
    # Numbers 1900-2100 are read as years typed into number cells (serials of 1905).
    if 1900 <= serial <= 2101:
        return
    assert parse_date(serial) == d
    assert parse_date(serial + 0.75) == d
    if serial >= 10000:
        assert parse_date(str(serial)) == d


def test_it_reads_excel_serials_as_excel_does() -> None:
    assert parse_date(1) == dt.date(1900, 1, 1)
    assert parse_date(59) == dt.date(1900, 2, 28)
    assert code_of(60) == "excel_leap_day"
    assert parse_date(61) == dt.date(1900, 3, 1)
    assert parse_date(41703) == dt.date(2014, 3, 5)
    assert parse_date(45658.5) == dt.date(2025, 1, 1)
    assert date_to_excel_serial(dt.date(1900, 1, 1)) == 1
    assert date_to_excel_serial(dt.date(1900, 2, 28)) == 59
    assert date_to_excel_serial(dt.date(1900, 3, 1)) == 61


def test_it_reads_months_typed_into_number_cells() -> None:
    assert parse_date(2014.03) == dt.date(2014, 3, 1)
    assert parse_date(2014.3) == dt.date(2014, 3, 1)
    assert parse_date(2014.12) == dt.date(2014, 12, 1)
    assert code_of(2014.1) == "ambiguous_month"
    assert parse_date("2014.1") == dt.date(2014, 1, 1)
    assert parse_date("2014.10") == dt.date(2014, 10, 1)


def test_it_puts_two_digit_years_in_the_nearest_century() -> None:
    assert parse_date("14.3.5", today=TODAY) == dt.date(2014, 3, 5)
    assert parse_date("90年3月5日", today=TODAY) == dt.date(1990, 3, 5)
    assert parse_date("35.1.1", today=TODAY) == dt.date(2035, 1, 1)
    assert parse_date("36.1.1", today=TODAY) == dt.date(1936, 1, 1)


def test_it_gives_each_error_its_code() -> None:
    assert code_of(None) == "empty"
    assert code_of("  ") == "empty"
    assert code_of("abc") == "unrecognized"
    assert code_of("2014") == "unrecognized"
    assert code_of(2014) == "unrecognized"
    assert code_of("3/5/2014") == "unrecognized"
    assert code_of("2014年") == "unrecognized"
    assert code_of(True) == "unrecognized"
    assert code_of(float("nan")) == "unrecognized"
    assert code_of("2014.2.30") == "invalid"
    assert code_of("20141301") == "invalid"
    assert code_of("2014-13") == "invalid"
    assert code_of("1899-12-31") == "out_of_range"
    assert code_of("2101-01-01") == "out_of_range"
    assert code_of(0) == "out_of_range"
    assert code_of(-5) == "out_of_range"
    assert code_of(20141399) == "invalid"
    assert code_of(99999999) == "out_of_range"


@given(st.text(max_size=20))
def test_it_either_reads_a_date_or_raises_its_own_error(text: str) -> None:
    try:
        parse_date(text, today=TODAY)
    except DateParseError as error:
        assert error.code
