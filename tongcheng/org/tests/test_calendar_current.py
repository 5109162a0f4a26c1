"""The product's working calendar: the package's years, the entered ones, the cache, the signal."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import chinese_calendar
import pytest

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import CalendarDay, CalendarYear
from tongcheng.org.workcalendar import (
    PACKAGE_YEARS,
    EnteredDay,
    calendar_changed,
    calendar_year_save,
    current_calendar,
    year_problem,
    years_overview,
)

pytestmark = pytest.mark.django_db

HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY
# A 2027 schedule as an administrator would type it (the test's own, not the State Council's).
DAYS_2027 = [
    EnteredDay(date(2027, 1, 1), HOLIDAY, "元旦"),
    *(EnteredDay(date(2027, 2, d), HOLIDAY, "春节") for d in range(11, 18)),
    EnteredDay(date(2027, 2, 7), WORKDAY, "春节"),
    EnteredDay(date(2027, 2, 20), WORKDAY, "春节"),
]


def enter_2027(actor: Any, days: list[EnteredDay] | None = None) -> CalendarYear:
    return calendar_year_save(
        actor=actor,
        year=2027,
        notice="国务院办公厅关于2027年部分节假日安排的通知",
        days=days or DAYS_2027,
    )


def test_it_covers_the_years_the_package_covers_and_no_more() -> None:
    assert range(2004, 2027) == PACKAGE_YEARS
    assert chinese_calendar.is_workday(date(2026, 12, 31))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))
    calendar = current_calendar()
    assert set(PACKAGE_YEARS) <= calendar.years and 2027 not in calendar.years


@pytest.mark.parametrize(
    "day", [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
            date(2026, 9, 20), date(2026, 10, 10)],
)  # fmt: skip
def test_it_works_on_the_2026_make_up_days(day: date) -> None:
    assert day.weekday() >= 5  # each a Saturday or a Sunday
    answer = current_calendar().is_working_day(day)
    assert answer.value is True and not answer.provisional


def test_it_rests_on_the_2026_holidays() -> None:
    calendar = current_calendar()
    spring = [date(2026, 2, d) for d in range(15, 24)]
    national = [date(2026, 10, d) for d in range(1, 8)]
    for day in [date(2026, 1, 1), date(2026, 1, 2), *spring, *national, date(2026, 5, 1)]:
        assert calendar.is_working_day(day).value is False, day
    assert calendar.holidays[date(2026, 2, 17)] == "春节"
    assert calendar.makeup_days[date(2026, 10, 10)] == "国庆节"


def test_it_gives_the_real_answers_of_2026() -> None:
    calendar = current_calendar()
    # The day before National Day: the next working day is Thursday 10-08, after 7 holidays.
    assert calendar.add_working_days(date(2026, 9, 30), 1).value == date(2026, 10, 8)
    # Then Friday 10-09 and the make-up Saturday 10-10.
    assert calendar.add_working_days(date(2026, 9, 30), 3).value == date(2026, 10, 10)
    # Received on the Spring Festival holiday: counted from Tuesday 02-24, the first working day.
    assert calendar.add_working_days(date(2026, 2, 16), 0).value == date(2026, 2, 24)
    assert calendar.add_working_days(date(2026, 2, 13), 1).value == date(2026, 2, 14)
    # 261 Mondays to Fridays, 19 of them holidays, and 6 make-up days.
    assert calendar.working_days_between(date(2026, 1, 1), date(2027, 1, 1)).value == 248
    assert calendar.add_working_hours(datetime(2026, 9, 30, 17), 1).value == datetime(
        2026, 10, 8, 9
    )


def test_it_is_provisional_for_2027_until_the_year_is_entered(cast: Any) -> None:
    before = current_calendar().add_working_days(date(2027, 2, 10), 1)
    assert before.value == date(2027, 2, 11) and before.unknown_years == (2027,)
    enter_2027(cast.city_admin)
    after = current_calendar().add_working_days(date(2027, 2, 10), 1)
    assert after.value == date(2027, 2, 18) and not after.provisional
    assert current_calendar().is_working_day(date(2027, 2, 20)).value is True  # a Saturday, 班
    assert current_calendar().add_working_days(date(2026, 12, 31), 1).value == date(2027, 1, 4)


def test_it_builds_again_only_when_an_entered_year_changes(cast: Any) -> None:
    first = current_calendar()
    assert current_calendar() is first
    entry = enter_2027(cast.city_admin)
    second = current_calendar()
    assert second is not first and 2027 in second.years
    # Another process changes the days behind this one's back: the version tells.
    CalendarDay.objects.filter(year=entry, day=date(2027, 1, 1)).delete()
    assert current_calendar() is second
    CalendarYear.objects.filter(pk=entry.pk).update(version=entry.version + 1)
    assert current_calendar().is_working_day(date(2027, 1, 1)).value is True


def test_it_reads_the_working_hours_setting(settings: Any) -> None:
    settings.WORKING_HOURS = "09:00-12:00,13:00-18:00"
    calendar = current_calendar()
    assert str(calendar.periods[1]) == "13:00–18:00"
    assert calendar.add_working_hours(datetime(2026, 9, 30, 17), 2).value == datetime(
        2026, 10, 8, 10
    )


def test_it_signals_the_change_with_the_years(cast: Any) -> None:
    received: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        # Sent inside the save: the receiver already computes with the new year.
        kwargs["exact"] = not current_calendar().is_working_day(date(2027, 1, 1)).provisional
        received.append(kwargs)

    calendar_changed.connect(receiver)
    try:
        enter_2027(cast.city_admin)
        enter_2027(cast.sys_admin, DAYS_2027[:-1])
    finally:
        calendar_changed.disconnect(receiver)
    assert [r["years"] for r in received] == [(2027,), (2027,)]
    assert all(r["exact"] and r["sender"] is CalendarYear for r in received)


def test_it_saves_nothing_when_a_receiver_fails(cast: Any) -> None:
    def receiver(**kwargs: Any) -> None:
        raise RuntimeError("recomputing failed")

    calendar_changed.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            enter_2027(cast.city_admin)
    finally:
        calendar_changed.disconnect(receiver)
    assert not CalendarYear.objects.exists() and not AuditEvent.objects.exists()
    assert current_calendar().is_working_day(date(2027, 1, 1)).provisional


def test_it_audits_the_counts_of_each_save(cast: Any) -> None:
    enter_2027(cast.city_admin)
    enter_2027(cast.city_admin, [*DAYS_2027[:-1], EnteredDay(date(2027, 2, 21), WORKDAY, "春节")])
    created = AuditEvent.objects.get(action="calendar_year.create")
    updated = AuditEvent.objects.get(action="calendar_year.update")
    assert created.object_type == "calendar_year" and created.object_id == "2027"
    assert created.detail == {
        "version": 1, "holidays": 8, "makeup_days": 2, "days_added": 10, "days_removed": 0,
    }  # fmt: skip
    assert updated.detail["version"] == 2
    assert (updated.detail["days_added"], updated.detail["days_removed"]) == (1, 1)
    assert CalendarYear.objects.get(year=2027).days.count() == 10


def test_it_refuses_a_year_the_package_covers_and_a_year_too_early_to_know() -> None:
    today = date(2026, 12, 2)
    assert "2004–2026" in (year_problem(2026, today) or "")
    assert year_problem(2003, today)
    assert year_problem(2028, today)
    assert year_problem(2027, today) is None
    assert year_problem(2028, date(2027, 12, 1)) is None


def test_it_refuses_bad_days_in_the_save_too(cast: Any) -> None:
    from django.core.exceptions import ValidationError

    for days in (
        [*DAYS_2027, EnteredDay(date(2027, 2, 8), WORKDAY, "春节")],  # a Monday
        [*DAYS_2027, DAYS_2027[0]],  # twice
        [EnteredDay(date(2027, 2, 7), WORKDAY, "春节")],  # no holiday
        [EnteredDay(date(2028, 1, 1), HOLIDAY, "元旦")],  # another year
    ):
        with pytest.raises(ValidationError):
            enter_2027(cast.city_admin, days)
    with pytest.raises(ValidationError):
        calendar_year_save(actor=cast.city_admin, year=2026, notice="x", days=DAYS_2027)
    assert not CalendarYear.objects.exists() and not AuditEvent.objects.exists()


def test_it_lists_2027_as_missing_in_december_2026(cast: Any) -> None:
    rows = years_overview(date(2026, 12, 2))
    assert (rows[0].year, rows[0].source, rows[0].needed) == (2027, "missing", True)
    assert [(r.year, r.source) for r in rows[1:]] == [
        (2026, "package"),
        (2025, "package"),
        (2024, "package"),
    ]
    assert rows[1].makeup_days == 6
    enter_2027(cast.city_admin)
    rows = years_overview(date(2026, 12, 2))
    assert (rows[0].year, rows[0].source, rows[0].holidays, rows[0].makeup_days) == (
        2027, "entered", 8, 2,
    )  # fmt: skip
    assert rows[0].entered is not None and rows[0].entered.entered_by.username == "city_admin"
