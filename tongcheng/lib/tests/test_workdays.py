"""Working days and hours: properties against a day-by-day count, on the package's real years."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongcheng.lib.workdays import (
    DEFAULT_PERIODS,
    Period,
    WorkCalendar,
    parse_periods,
)

# 2024-2026 as the package gives them; 2023 and 2027 are unknown to this calendar.
KNOWN = frozenset({2024, 2025, 2026})
HOLIDAYS = {d: v for d, v in chinese_calendar.holidays.items() if d.year in KNOWN}
MAKEUP = {d: v for d, v in chinese_calendar.workdays.items() if d.year in KNOWN}
CALENDAR = WorkCalendar(KNOWN, HOLIDAYS, MAKEUP)

DAYS = st.dates(min_value=date(2023, 6, 1), max_value=date(2027, 6, 30))
KNOWN_DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30))
COUNTS = st.integers(min_value=0, max_value=400)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def naive_working(day: date) -> bool:
    """The definition, written out: a make-up day, or a weekday that is not a holiday."""
    if day.year not in KNOWN:
        return day.weekday() < 5
    return day in MAKEUP or (day.weekday() < 5 and day not in HOLIDAYS)


def naive_add(start: date, n: int) -> date:
    day = start
    while not naive_working(day):
        day += timedelta(days=1)
    while n:
        day += timedelta(days=1)
        n -= naive_working(day)
    return day


def in_a_period(moment: datetime, *, closed: bool) -> bool:
    clock = moment.time()
    return any(
        p.start <= clock <= p.end if closed else p.start <= clock < p.end for p in DEFAULT_PERIODS
    )


@st.composite
def working_moments(draw: st.DrawFn) -> datetime:
    """A moment inside a working period of a working day of the known years."""
    day = draw(KNOWN_DAYS.filter(naive_working))
    period = draw(st.sampled_from(DEFAULT_PERIODS))
    start = datetime.combine(day, period.start)
    length = int((datetime.combine(day, period.end) - start).total_seconds())
    return start + timedelta(seconds=draw(st.integers(0, length - 1)))


HOURS = st.integers(min_value=0, max_value=4 * 200).map(lambda quarters: quarters / 4)


# --- days ----------------------------------------------------------------------------------


@given(DAYS)
def test_it_says_what_the_definition_says_of_every_day(day: date) -> None:
    answer = CALENDAR.is_working_day(day)
    assert answer.value == naive_working(day)
    assert answer.provisional == (day.year not in KNOWN)


@given(DAYS, COUNTS)
def test_it_adds_to_a_working_day_as_counting_day_by_day_does(start: date, n: int) -> None:
    result = CALENDAR.add_working_days(start, n).value
    assert naive_working(result)
    assert result == naive_add(start, n)


@given(DAYS, COUNTS)
def test_it_counts_back_what_it_added(start: date, n: int) -> None:
    result = CALENDAR.add_working_days(start, n).value
    assert CALENDAR.working_days_between(start, result).value == n


@given(DAYS, COUNTS, COUNTS)
def test_it_adds_monotonically_in_n(start: date, n: int, m: int) -> None:
    low, high = sorted((n, m))
    first = CALENDAR.add_working_days(start, low).value
    second = CALENDAR.add_working_days(start, high).value
    assert first <= second
    assert (first == second) == (low == high)


@given(DAYS, DAYS, COUNTS)
def test_it_adds_monotonically_in_the_start(a: date, b: date, n: int) -> None:
    early, late = sorted((a, b))
    assert CALENDAR.add_working_days(early, n).value <= CALENDAR.add_working_days(late, n).value


@given(DAYS, DAYS, DAYS)
def test_it_counts_additively(a: date, b: date, c: date) -> None:
    between = CALENDAR.working_days_between
    assert between(a, b).value + between(b, c).value == between(a, c).value
    assert between(a, b).value == -between(b, a).value


@given(DAYS, COUNTS)
def test_it_flags_an_answer_that_touched_an_unknown_year(start: date, n: int) -> None:
    answer = CALENDAR.add_working_days(start, n)
    touched = set(range(start.year, answer.value.year + 1))
    assert set(answer.unknown_years) == touched - KNOWN
    assert answer.provisional == bool(touched - KNOWN)


def test_it_counts_a_start_on_a_non_working_day_as_the_next_working_day() -> None:
    saturday = date(2026, 3, 7)
    assert CALENDAR.add_working_days(saturday, 0).value == date(2026, 3, 9)
    assert CALENDAR.add_working_days(saturday, 1).value == date(2026, 3, 10)
    assert CALENDAR.add_working_days(date(2026, 3, 9), 0).value == date(2026, 3, 9)
    assert CALENDAR.working_days_between(saturday, date(2026, 3, 10)).value == 1


def test_it_counts_the_unknown_year_monday_to_friday_and_says_so() -> None:
    # 2027-01-01 is a Friday: 元旦 surely, but the calendar does not know 2027 and never guesses.
    answer = CALENDAR.add_working_days(date(2026, 12, 31), 1)
    assert answer.value == date(2027, 1, 1)
    assert answer.provisional and answer.unknown_years == (2027,)
    assert not CALENDAR.add_working_days(date(2026, 12, 30), 1).provisional
    # Counting up to (not including) the first day of 2027 touches 2026 only.
    assert not CALENDAR.working_days_between(date(2026, 12, 1), date(2027, 1, 1)).provisional
    assert CALENDAR.working_days_between(date(2026, 12, 1), date(2027, 1, 2)).unknown_years == (
        2027,
    )


def test_it_refuses_to_count_backwards() -> None:
    with pytest.raises(ValueError):
        CALENDAR.add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        CALENDAR.add_working_hours(datetime(2026, 1, 5, 9), -0.5)


def test_it_refuses_days_it_cannot_hold() -> None:
    with pytest.raises(ValueError, match="does not know"):
        WorkCalendar(frozenset({2026}), {date(2027, 1, 1): "元旦"}, {})
    with pytest.raises(ValueError, match="Saturday or Sunday"):
        WorkCalendar(frozenset({2027}), {}, {date(2027, 2, 8): "春节"})  # a Monday
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(frozenset({2027}), {date(2027, 2, 6): "春节"}, {date(2027, 2, 6): "春节"})


def test_it_is_immutable() -> None:
    with pytest.raises(AttributeError):
        CALENDAR.years = frozenset()  # type: ignore[misc]
    with pytest.raises(TypeError):
        CALENDAR.holidays[date(2026, 3, 9)] = "x"  # type: ignore[index]


# --- hours ---------------------------------------------------------------------------------


def naive_add_hours(start: datetime, hours: float) -> datetime:
    """Walk the periods day by day, using up the hours (h > 0)."""
    left = timedelta(hours=hours)
    day = start.date()
    while True:
        if naive_working(day):
            for period in DEFAULT_PERIODS:
                begin = max(datetime.combine(day, period.start), start)
                end = datetime.combine(day, period.end)
                if begin >= end:
                    continue
                if end - begin >= left:
                    return begin + left
                left -= end - begin
        day += timedelta(days=1)


@given(working_moments(), HOURS.filter(bool))
def test_it_adds_hours_to_a_moment_of_working_time(start: datetime, hours: float) -> None:
    result = CALENDAR.add_working_hours(start, hours).value
    assert naive_working(result.date())
    assert in_a_period(result, closed=True)
    assert result == naive_add_hours(start, hours)


@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 11, 30)), HOURS)
def test_it_adds_hours_from_any_moment_as_walking_the_periods_does(
    start: datetime, hours: float
) -> None:
    result = CALENDAR.add_working_hours(start, hours).value
    if hours:
        assert result == naive_add_hours(start, hours)
    else:  # the moment itself in working time, else the start of the next period
        assert result >= start and in_a_period(result, closed=False)
        assert CALENDAR.working_hours_between(start, result).value == 0


@given(working_moments(), HOURS)
def test_it_counts_back_the_hours_it_added(start: datetime, hours: float) -> None:
    result = CALENDAR.add_working_hours(start, hours).value
    assert CALENDAR.working_hours_between(start, result).value == pytest.approx(hours, abs=1e-9)


@given(working_moments(), HOURS, HOURS)
def test_it_adds_hours_monotonically(start: datetime, h: float, k: float) -> None:
    low, high = sorted((h, k))
    first = CALENDAR.add_working_hours(start, low).value
    second = CALENDAR.add_working_hours(start, high).value
    assert first <= second
    assert (first == second) == (low == high)


@given(working_moments(), working_moments(), HOURS)
def test_it_adds_hours_monotonically_in_the_start(a: datetime, b: datetime, h: float) -> None:
    early, late = sorted((a, b))
    add = CALENDAR.add_working_hours
    assert add(early, h).value <= add(late, h).value


@given(working_moments())
def test_it_gives_a_moment_of_working_time_itself_for_zero_hours(start: datetime) -> None:
    assert CALENDAR.add_working_hours(start, 0).value == start


def test_it_reads_hours_as_the_brief_says() -> None:
    add = CALENDAR.add_working_hours
    wednesday = date(2026, 9, 30)  # then the National Day holidays, back on Thursday 10-08
    at = lambda day, hh, mm=0: datetime.combine(day, time(hh, mm))  # noqa: E731
    assert add(at(wednesday, 16), 1.5).value == at(wednesday, 17, 30)
    assert add(at(wednesday, 16), 2).value == at(date(2026, 10, 8), 9)
    assert add(at(wednesday, 9), 3).value == at(wednesday, 12)  # the end of the morning
    assert add(at(wednesday, 12, 30), 0).value == at(wednesday, 14, 30)  # lunch: the afternoon
    assert add(at(wednesday, 12, 30), 1).value == at(wednesday, 15, 30)
    assert add(at(wednesday, 18), 0).value == at(date(2026, 10, 8), 8, 30)
    assert add(at(wednesday, 8, 30), 6.5).value == at(wednesday, 17, 30)  # one working day
    assert CALENDAR.working_hours_between(at(wednesday, 7), at(date(2026, 10, 8), 20)).value == 13


def test_it_keeps_the_time_zone_of_the_start() -> None:
    start = datetime(2026, 9, 30, 16, tzinfo=SHANGHAI)
    result = CALENDAR.add_working_hours(start, 2).value
    assert result == datetime(2026, 10, 8, 9, tzinfo=SHANGHAI)
    utc = result.astimezone(ZoneInfo("UTC"))
    assert CALENDAR.working_hours_between(start, utc).value == 2


def test_it_flags_hours_that_reach_an_unknown_year() -> None:
    answer = CALENDAR.add_working_hours(datetime(2026, 12, 31, 17), 1)
    assert answer.value == datetime(2027, 1, 1, 9)
    assert answer.unknown_years == (2027,)


def test_it_uses_the_periods_it_is_given() -> None:
    periods = parse_periods("09:00-12:00,13:00-18:00")
    calendar = WorkCalendar(KNOWN, HOLIDAYS, MAKEUP, periods)
    start = datetime(2026, 9, 30, 17)
    assert calendar.add_working_hours(start, 2).value == datetime(2026, 10, 8, 10)
    assert calendar.working_hours_between(start, datetime(2026, 10, 8, 10)).value == 2


def test_it_reads_the_periods_in_both_spellings() -> None:
    expected = (Period(time(8, 30), time(12)), Period(time(14, 30), time(17, 30)))
    assert parse_periods("08:30-12:00, 14:30-17:30") == expected
    assert parse_periods([("08:30", "12:00"), ("14:30", "17:30")]) == expected
    assert expected == DEFAULT_PERIODS
    for bad in ["", "12:00-08:30", "08:30-12:00,11:00-17:30", "8h-12h"]:
        with pytest.raises(ValueError):
            parse_periods(bad)
