"""Compulsory-education age by the 31 August rule."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib.schoolage import (
    entry_year,
    is_school_age,
    school_grade,
    school_stage,
)

BIRTHS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))
DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2050, 12, 31))


def test_it_applies_the_31_august_cutoff() -> None:
    assert entry_year(dt.date(2018, 8, 31)) == 2024
    assert entry_year(dt.date(2018, 9, 1)) == 2025
    assert entry_year(dt.date(2018, 1, 1)) == 2024
    assert entry_year(dt.date(2016, 2, 29)) == 2022
    on_time = dt.date(2018, 8, 31)
    late = dt.date(2018, 9, 1)
    assert not is_school_age(on_time, dt.date(2024, 8, 31))
    assert is_school_age(on_time, dt.date(2024, 9, 1))
    assert not is_school_age(late, dt.date(2024, 9, 1))
    assert is_school_age(late, dt.date(2025, 9, 1))


def test_it_names_the_stages() -> None:
    born = dt.date(2010, 5, 1)  # starts school September 2016
    assert school_stage(born, dt.date(2016, 8, 31)) == "preschool"
    assert school_stage(born, dt.date(2016, 9, 1)) == "primary"
    assert school_stage(born, dt.date(2022, 8, 31)) == "primary"
    assert school_stage(born, dt.date(2022, 9, 1)) == "junior"
    assert school_stage(born, dt.date(2025, 8, 31)) == "junior"
    assert school_stage(born, dt.date(2025, 9, 1)) == "beyond"
    assert school_grade(born, dt.date(2019, 3, 1)) == 3


def test_it_uses_today_by_default() -> None:
    assert school_stage(dt.date.today()) == "preschool"
    assert not is_school_age(dt.date.today())


@given(year=st.integers(1990, 2030))
def test_it_puts_31_august_and_1_september_a_school_year_apart(year: int) -> None:
    on_time, late = dt.date(year, 8, 31), dt.date(year, 9, 1)
    assert entry_year(late) == entry_year(on_time) + 1
    for on in [dt.date(year + k, 10, 1) for k in range(5, 18)]:
        assert school_grade(on_time, on) == school_grade(late, on) + 1


@given(born=BIRTHS)
def test_it_starts_school_at_six(born: dt.date) -> None:
    start = dt.date(entry_year(born), 9, 1)
    age_at_start = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
    assert age_at_start == 6 or (age_at_start == 7 and (born.month, born.day) == (9, 1))
    assert school_grade(born, start) == 1
    assert school_grade(born, start - dt.timedelta(days=1)) == 0


@given(born=BIRTHS, on=DAYS)
def test_it_keeps_stage_and_flag_consistent(born: dt.date, on: dt.date) -> None:
    grade = school_grade(born, on)
    stage = school_stage(born, on)
    assert is_school_age(born, on) == (stage in ("primary", "junior"))
    assert stage == (
        "preschool"
        if grade <= 0
        else "primary"
        if grade <= 6
        else "junior"
        if grade <= 9
        else "beyond"
    )
    later = on + dt.timedelta(days=200)
    assert school_grade(born, later) >= grade


@given(born=BIRTHS)
def test_it_covers_exactly_nine_school_years(born: dt.date) -> None:
    first = entry_year(born)
    school_days = [dt.date(first + k, 9, 15) for k in range(-1, 11)]
    flags = [is_school_age(born, day) for day in school_days]
    assert flags == [False] + [True] * 9 + [False, False]
