"""Deadlines in working hours and days over 调休, provisional past the known years."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongcheng.cases.actions.steps import DEADLINE_FIELDS, refresh_deadlines
from tongcheng.cases.deadlines import DEFAULT_LIMITS, due, limits_for, parse_limit
from tongcheng.cases.models import Case, Nature, State, TimeLimit, Urgency
from tongcheng.cases.tests.factories import open_case, service
from tongcheng.lib.workdays import WorkCalendar, parse_periods
from tongcheng.org.models import CalendarDay
from tongcheng.org.workcalendar import (
    PACKAGE_HOLIDAYS,
    PACKAGE_MAKEUP_DAYS,
    PACKAGE_YEARS,
    EnteredDay,
    calendar_year_save,
    current_calendar,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


@pytest.fixture
def calendar(db: None) -> WorkCalendar:
    return current_calendar()


def test_it_counts_a_make_up_saturday_as_a_working_day(calendar: WorkCalendar) -> None:
    # 2026-02-14 is a Saturday worked in exchange for the Spring Festival.
    assert due(calendar, at("2026-02-13", "16:00"), "1d").at == at("2026-02-14", "17:30")
    assert due(calendar, at("2026-02-13", "17:00"), "2h").at == at("2026-02-14", "10:00")
    # After hours counts from the next working moment: "the same day" is that day.
    assert due(calendar, at("2026-02-13", "19:00"), "0d").at == at("2026-02-14", "17:30")


def test_it_skips_the_holidays(calendar: WorkCalendar) -> None:
    # 2026-10-01 to 10-07 are the National Day holidays; 2026-10-10 (Saturday) is worked.
    assert due(calendar, at("2026-09-30", "09:00"), "1d").at == at("2026-10-08", "17:30")
    assert due(calendar, at("2026-10-09", "09:00"), "1d").at == at("2026-10-10", "17:30")


def test_it_uses_the_defaults_of_12345_practice(db: None) -> None:
    limits = limits_for(nature=Nature.COMPLAINT, urgency=Urgency.NORMAL, service_id=None)
    assert (limits.dispatch, limits.sign, limits.handle, limits.follow_up) == (
        "1d", "1d", "13d", "1d"
    )  # fmt: skip
    urgent = limits_for(nature=Nature.HELP, urgency=Urgency.URGENT, service_id=None)
    assert (urgent.dispatch, urgent.sign, urgent.handle) == ("1h", "2h", "0d")
    assert DEFAULT_LIMITS[(Nature.HELP, Urgency.NORMAL)][2] == "3d"


def test_it_prefers_the_services_own_limits(db: None) -> None:
    relief = service("temporary-relief")
    TimeLimit.objects.create(
        nature=Nature.HELP, urgency=Urgency.NORMAL, dispatch="1d", sign="1d", handle="5d",
        follow_up="1d",
    )  # fmt: skip
    TimeLimit.objects.create(
        nature=Nature.HELP, urgency=Urgency.NORMAL, service=relief, dispatch="2h", sign="2h",
        handle="2d", follow_up="1d",
    )  # fmt: skip
    assert limits_for(nature=Nature.HELP, urgency=Urgency.NORMAL, service_id=relief.pk).handle == (
        "2d"
    )
    other = service("job-seeking").pk
    assert limits_for(nature=Nature.HELP, urgency=Urgency.NORMAL, service_id=other).handle == "5d"


@pytest.mark.parametrize("bad", ["", "3", "d", "1w", "-1d", "1000d", " 1d"])
def test_it_refuses_a_limit_it_cannot_read(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_limit(bad)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 11, 30)),
    n=st.integers(min_value=0, max_value=20),
)
def test_every_day_deadline_ends_a_working_day(start: datetime, n: int) -> None:
    calendar = WorkCalendar(frozenset(PACKAGE_YEARS), PACKAGE_HOLIDAYS, PACKAGE_MAKEUP_DAYS)
    moment = start.replace(tzinfo=SHANGHAI)
    answer = due(calendar, moment, f"{n}d")
    assert calendar.is_working_day(answer.at.date()).value
    assert answer.at.time() == calendar.periods[-1].end
    begun = calendar.add_working_hours(moment, 0).value.date()
    assert calendar.working_days_between(begun, answer.at.date()).value == n


TIMES = st.sampled_from(["00:00", "08:29:59", "08:30", "12:00", "13:00", "14:30", "17:29:59",
                         "17:30", "17:30:01", "23:59:59"])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    clock=TIMES | st.times().map(lambda moment: moment.isoformat()),
    n=st.integers(min_value=0, max_value=40),
)
def test_the_days_shortcut_answers_as_counting_does(day: date, clock: str, n: int) -> None:
    # The cached answer for a day limit (deadlines._day_due) equals counting it out: the next
    # working moment, then n working days, into 2027 (provisional) too.
    calendar = WorkCalendar(frozenset(PACKAGE_YEARS), PACKAGE_HOLIDAYS, PACKAGE_MAKEUP_DAYS)
    moment = at(day.isoformat(), clock)
    begun = calendar.add_working_hours(moment, 0)
    counted = calendar.add_working_days(begun.value.date(), n)
    answer = due(calendar, moment, f"{n}d")
    assert answer.at.date() == counted.value
    assert answer.provisional == (begun.provisional or counted.provisional)


# The make-up working days (调休) of 2026, and the last days before the unknown 2027.
MAKEUP_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
               date(2026, 9, 20), date(2026, 10, 10)]  # fmt: skip
NEAR = [day + timedelta(days=k) for day in MAKEUP_2026 for k in (-1, 0, 1)]
NEAR += [date(2026, 12, 24) + timedelta(days=k) for k in range(8)]
LIMITS = ["0d", "1d", "3d", "13d", "30d", "1h", "2h", "0h", "7h", "40h"]


def counted_out(calendar: WorkCalendar, start: datetime, limit: str) -> tuple[datetime, bool]:
    """A deadline counted out on the calendar itself, without the shortcuts of `due`."""
    n, unit = parse_limit(limit)
    local = start.astimezone(SHANGHAI)
    if unit == "h":
        answer = calendar.add_working_hours(local, n)
        return answer.value, answer.provisional
    begun = calendar.add_working_hours(local, 0)
    day = calendar.add_working_days(begun.value.date(), n)
    end = datetime.combine(day.value, calendar.periods[-1].end, tzinfo=SHANGHAI)
    return end, begun.provisional or day.provisional


def test_the_calendar_has_the_make_up_days_of_2026_and_does_not_know_2027() -> None:
    assert all(day in PACKAGE_MAKEUP_DAYS for day in MAKEUP_2026)
    assert 2026 in PACKAGE_YEARS and 2027 not in PACKAGE_YEARS


@settings(max_examples=400, deadline=None)
@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)) | st.sampled_from(NEAR),
    clock=TIMES | st.times().map(lambda moment: moment.isoformat()),
    limit=st.sampled_from(LIMITS) | st.integers(0, 60).map(lambda n: f"{n}h"),
)
def test_every_shortcut_answers_as_counting_out_does(day: date, clock: str, limit: str) -> None:
    # Hour limits before, between and after the periods come from the gap's cached answer, day
    # limits from the day's: both equal counting out, over 调休 and into 2027 (provisional).
    calendar = WorkCalendar(frozenset(PACKAGE_YEARS), PACKAGE_HOLIDAYS, PACKAGE_MAKEUP_DAYS)
    moment = at(day.isoformat(), clock)
    answer = due(calendar, moment, limit)
    assert (answer.at, answer.provisional) == counted_out(calendar, moment, limit)
    assert answer.at.tzinfo is SHANGHAI


def test_the_shortcuts_answer_as_counting_out_over_many_random_starts() -> None:
    # The benchmark's kind of input (any second of 2024-2027, in UTC as the database gives it),
    # and the make-up days and the turn of the year at every minute of their working periods'
    # edges.
    calendar = WorkCalendar(frozenset(PACKAGE_YEARS), PACKAGE_HOLIDAYS, PACKAGE_MAKEUP_DAYS)
    rng = random.Random(2026)
    first = datetime(2024, 1, 1, tzinfo=SHANGHAI)
    starts = [first + timedelta(seconds=rng.randrange(4 * 365 * 86400)) for _ in range(20_000)]
    starts = [start.astimezone(UTC) for start in starts]
    starts += [at(day.isoformat(), f"{hour:02d}:{minute:02d}") for day in NEAR
               for hour in (0, 8, 11, 12, 14, 17, 23) for minute in (0, 29, 30, 59)]  # fmt: skip
    provisional = 0
    for start in starts:
        limit = rng.choice(LIMITS)
        answer = due(calendar, start, limit)
        assert (answer.at, answer.provisional) == counted_out(calendar, start, limit), (
            start,
            limit,
        )
        provisional += answer.provisional
    assert provisional > 1000  # 2027 was reached, from the turn of the year too


def test_a_period_bound_with_microseconds_is_counted_out() -> None:
    # The calendar reads a period's bounds to the second: the gap shortcut is not taken.
    periods = parse_periods([(time(8, 30, 0, 500_000), time(12, 0)), ("14:30", "17:30")])
    calendar = WorkCalendar(
        frozenset(PACKAGE_YEARS), PACKAGE_HOLIDAYS, PACKAGE_MAKEUP_DAYS, periods
    )
    moment = at("2026-03-04", "08:30:00.200000")
    assert (due(calendar, moment, "1h").at, False) == counted_out(calendar, moment, "1h")


@pytest.mark.django_db
def test_it_marks_a_deadline_in_an_unentered_year_provisional_and_recomputes_it(
    cast: Any,
) -> None:
    """Handled within 13 working days from 2026-12-24: into 2027, which nobody has entered."""
    case = open_case(cast.community_a, cast.areas["community_a"], nature=Nature.COMPLAINT)
    started = at("2026-12-24", "10:00")
    Case.objects.filter(pk=case.pk).update(
        state=State.IN_PROGRESS, received_at=started, dispatched_at=started,
        handle_started_at=started,
    )  # fmt: skip
    case.refresh_from_db()
    refresh_deadlines(case, current_calendar())
    case.save(update_fields=list(DEADLINE_FIELDS))
    # Monday–Friday in 2027: the 13th working day after 12-24 is 2027-01-12.
    assert case.due_provisional and case.handle_due == at("2027-01-12", "17:30")
    holidays = [EnteredDay(date(2027, 1, 1), CalendarDay.Kind.HOLIDAY, "元旦")]
    calendar_year_save(
        actor=cast.city_admin, year=2027, notice="国办发明电〔2026〕X号", days=holidays
    )
    case.refresh_from_db()
    assert not case.due_provisional
    assert case.handle_due == at("2027-01-13", "17:30")
    assert case.due_at == case.handle_due
    assert case.handle_due - at("2027-01-12", "17:30") == timedelta(days=1)
