"""The product's working calendar: the chinese-calendar package's years, plus the years entered.

`current_calendar()` is the one way to get the calendar (a `tongcheng.lib.workdays.WorkCalendar`):
the package's holidays and 调休 make-up working days for the years it covers, the years an
administrator entered from the State Council's notice for the others, and the working periods of
the WORKING_HOURS setting. For a year the package covers the package is the source: it cannot be
entered. docs/calendar.md tells the whole story.

The calendar is built once per process and kept. Each call reads the entered years' version
numbers (one small query: 15 µs on SQLite, 0.16 ms on PostgreSQL) and builds it again when they
differ: so every process, and every transaction, computes with the years its own database
connection sees (a rolled-back change included).

When a year is entered or changed, `calendar_changed` is sent (with `years`, a tuple of ints)
inside the saving transaction, so that later modules can recompute their provisional deadlines
in the same transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.lib.workdays import DEFAULT_WORKING_HOURS, Period, WorkCalendar, parse_periods
from tongcheng.org.models import CalendarDay, CalendarYear, User

# Sent with `years` (a tuple of ints) when an entered year is saved, inside its transaction.
calendar_changed = Signal()


def _package_days() -> tuple[range, dict[date, str], dict[date, str]]:
    """The years the package covers (it raises NotImplementedError outside them), its days.

    The package checks a date against the first and last year of its holiday table; so does
    this. Names are the package's Chinese ones (春节, 国庆节 …).
    """
    table: dict[date, str] = chinese_calendar.holidays
    years = range(min(table).year, max(table).year + 1)
    names = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    holidays = {day: names.get(value, value) for day, value in table.items()}
    makeup = {day: names.get(value, value) for day, value in chinese_calendar.workdays.items()}
    return years, holidays, makeup


PACKAGE_YEARS, PACKAGE_HOLIDAYS, PACKAGE_MAKEUP_DAYS = _package_days()


@dataclass(frozen=True)
class EnteredDay:
    """One day of an entered year: a holiday (休) or a make-up working day (班)."""

    day: date
    kind: str  # CalendarDay.Kind
    name: str


# --- reading: the calendar ---------------------------------------------------------------------

# (entered years' (year, version) pairs, the WORKING_HOURS setting) → the calendar built for them.
VersionKey = tuple[tuple[tuple[int, int], ...], object]
_lock = threading.Lock()
_cached: tuple[VersionKey, WorkCalendar] | None = None


def working_periods() -> tuple[Period, ...]:
    """The working periods of a day, from the WORKING_HOURS setting (08:30-12:00,14:30-17:30)."""
    return parse_periods(getattr(settings, "WORKING_HOURS", DEFAULT_WORKING_HOURS))


def _version_key() -> VersionKey:
    """What the built calendar depends on besides the package: cheap to read on every call.

    Plain SQL: through the ORM the same query costs 3 to 9 times as much (on SQLite about
    15 µs against 140 µs, on PostgreSQL 160 µs against 330-430 µs), and it runs on every call.
    """
    table = connection.ops.quote_name(CalendarYear._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT year, version FROM {table} ORDER BY year")  # noqa: S608
        versions = tuple((int(year), int(version)) for year, version in cursor.fetchall())
    return versions, getattr(settings, "WORKING_HOURS", DEFAULT_WORKING_HOURS)


def _build(entered_years: Sequence[int]) -> WorkCalendar:
    years = set(PACKAGE_YEARS)
    holidays = dict(PACKAGE_HOLIDAYS)
    makeup = dict(PACKAGE_MAKEUP_DAYS)
    # A year the package covers comes from the package, even if it was entered before an upgrade.
    entered = [year for year in entered_years if year not in PACKAGE_YEARS]
    rows = CalendarDay.objects.filter(year__year__in=entered).values_list("day", "kind", "name")
    for day, kind, name in rows:
        (holidays if kind == CalendarDay.Kind.HOLIDAY else makeup)[day] = name
    return WorkCalendar(frozenset(years | set(entered)), holidays, makeup, working_periods())


def current_calendar() -> WorkCalendar:
    """The working calendar as the database now says (built again only when a year changed)."""
    global _cached
    key = _version_key()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        calendar = _build([year for year, _version in key[0]])
        _cached = (key, calendar)
    return calendar


# --- reading: the administrator's list of years ------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    """A line of the years list: where the year's days come from, or that it is missing."""

    year: int
    source: str  # "package", "entered" or "missing"
    entered: CalendarYear | None = None
    holidays: int = 0
    makeup_days: int = 0
    needed: bool = False


def needed_years(today: date) -> list[int]:
    """The years a deadline computed today can reach: this year and the next."""
    return [today.year, today.year + 1]


def years_overview(today: date) -> list[YearRow]:
    """Missing years first, then the entered years and the package's recent ones, newest first.

    One query: the entered years with who entered them and their day counts.
    """
    entered = {
        row.year: row
        for row in CalendarYear.objects.select_related("entered_by").annotate(
            n_holidays=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
            n_makeup=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
        )
    }
    needed = needed_years(today)
    rows: list[YearRow] = []
    shown = set(entered) | set(needed) | set(range(today.year - 2, today.year + 2))
    for year in sorted(shown, reverse=True):
        if year in PACKAGE_YEARS:
            rows.append(_package_row(year, year in needed))
        elif year in entered:
            row = entered[year]
            counts = (row.n_holidays, row.n_makeup)
            rows.append(YearRow(year, "entered", row, *counts, needed=year in needed))
        elif year in needed:
            rows.append(YearRow(year, "missing", needed=True))
    return sorted(rows, key=lambda row: (row.source != "missing", -row.year))


def _package_row(year: int, needed: bool) -> YearRow:
    holidays = sum(1 for day in PACKAGE_HOLIDAYS if day.year == year)
    makeup = sum(1 for day in PACKAGE_MAKEUP_DAYS if day.year == year)
    return YearRow(year, "package", None, holidays, makeup, needed)


# --- the rules of an entered year --------------------------------------------------------------


def year_problem(year: int, today: date) -> str | None:
    """Why `year` cannot be entered (or None): the package covers it, or it is out of reach."""
    first, last = PACKAGE_YEARS[0], PACKAGE_YEARS[-1]
    if year in PACKAGE_YEARS:
        return _(
            "The chinese-calendar package covers %(first)d–%(last)d, %(year)d included: its "
            "holidays come from the package and cannot be entered here."
        ) % {"first": first, "last": last, "year": year}
    if year < first:
        return _("Years before %(first)d are not needed: no deadline reaches back so far.") % {
            "first": first
        }
    if year > today.year + 1:
        return _(
            "The holidays of %(year)d cannot be known yet: the State Council publishes a year's "
            "holidays at the end of the year before."
        ) % {"year": year}
    return None


def day_problem(year: int, day: date, kind: str) -> str | None:
    """What is wrong with one day of an entered year (or None)."""
    if day.year != year:
        return _("%(date)s lies outside %(year)d.") % {"date": day.isoformat(), "year": year}
    if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
        return _("%(date)s is a weekday: a make-up working day is a Saturday or a Sunday.") % {
            "date": day.isoformat()
        }
    return None


def _check_days(year: int, days: Sequence[EnteredDay]) -> None:
    problems = [problem for d in days if (problem := day_problem(year, d.day, d.kind))]
    seen: set[date] = set()
    for entered in days:
        if entered.day in seen:
            problems.append(_("%(date)s is given twice.") % {"date": entered.day.isoformat()})
        seen.add(entered.day)
    if not any(d.kind == CalendarDay.Kind.HOLIDAY for d in days):
        problems.append(_("Enter the year's holidays: there is none."))
    if problems:
        raise ValidationError(problems)


# --- writing -----------------------------------------------------------------------------------


@transaction.atomic
def calendar_year_save(
    *, actor: User, year: int, notice: str, days: Sequence[EnteredDay]
) -> CalendarYear:
    """Enter a year, or replace an entered year's days; audit it and send calendar_changed."""
    problem = year_problem(year, timezone.localdate())
    if problem:
        raise ValidationError(problem)
    _check_days(year, days)
    entry = CalendarYear.objects.select_for_update().filter(year=year).first()
    before: set[tuple[date, str, str]] = set()
    if entry is None:
        entry = _create_year(actor=actor, year=year, notice=notice)
    else:
        before = set(entry.days.values_list("day", "kind", "name"))
        entry.notice, entry.entered_by, entry.entered_at = notice, actor, timezone.now()
        entry.version += 1
        entry.save(update_fields=["notice", "entered_by", "entered_at", "version"])
        entry.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(year=entry, day=d.day, kind=d.kind, name=d.name) for d in days
    )
    after = {(d.day, d.kind, d.name) for d in days}
    audit_record(
        actor=actor,
        action="calendar_year.update" if before else "calendar_year.create",
        object_type="calendar_year",
        object_id=year,
        detail={
            "version": entry.version,
            "holidays": sum(1 for d in days if d.kind == CalendarDay.Kind.HOLIDAY),
            "makeup_days": sum(1 for d in days if d.kind == CalendarDay.Kind.WORKDAY),
            "days_added": len(after - before),
            "days_removed": len(before - after),
        },
    )
    calendar_changed.send(sender=CalendarYear, years=(year,))
    return entry


def _create_year(*, actor: User, year: int, notice: str) -> CalendarYear:
    try:
        with transaction.atomic():
            return CalendarYear.objects.create(year=year, notice=notice, entered_by=actor)
    except IntegrityError as exc:
        # Another administrator entered the year at the same moment.
        raise ValidationError(
            _("%(year)d was entered by someone else just now: open it again.") % {"year": year}
        ) from exc
