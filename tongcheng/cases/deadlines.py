"""Deadlines of a case's stages, in working hours and working days of the product's calendar.

A limit is "<n>h" (n working hours from the start, org.workcalendar's working periods) or
"<n>d": the end of the n-th working day after the day the start falls on, "0d" the end of that
same working day (a start outside working hours counts from the next working moment, so a case
dispatched at 19:00 with "0d" is due at the end of the next working day). Every answer says
whether it is provisional: it reached into a year nobody has entered yet (Monday–Friday were
counted there); such deadlines are recomputed when the year is entered.

The limits come from `TimeLimit`: the row of the case's nature, urgency and service, else the
row of its nature and urgency, else DEFAULT_LIMITS (12345 practice, as seeded).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from django.db.models import Q
from django.utils import timezone

from tongcheng.cases.models import LIMIT_PATTERN, Nature, TimeLimit, Urgency
from tongcheng.lib.workdays import WorkCalendar

# (dispatch, sign, handle, follow_up) per nature and urgency, as 12345 platforms set them:
# urgent cases are dispatched within 1 working hour, signed within 2 and handled the same
# day; others are dispatched and signed within 1 working day and handled within 3 (consultation,
# help) or 13 (complaint, suggestion) working days; the follow-up call the working day after
# the reply.
DEFAULT_LIMITS: dict[tuple[str, str], tuple[str, str, str, str]] = {}
for _nature in Nature:
    _days = "13d" if _nature in (Nature.COMPLAINT, Nature.SUGGESTION) else "3d"
    DEFAULT_LIMITS[(_nature, Urgency.URGENT)] = ("1h", "2h", "0d", "1d")
    DEFAULT_LIMITS[(_nature, Urgency.NORMAL)] = ("1d", "1d", _days, "1d")


@dataclass(frozen=True)
class Limits:
    dispatch: str
    sign: str
    handle: str
    follow_up: str


@dataclass(frozen=True)
class Due:
    at: datetime
    provisional: bool


def limits_for(*, nature: str, urgency: str, service_id: int | None) -> Limits:
    """The limits of a case: its service's row, else the nature's row, else the defaults."""
    wanted = (
        Q(service__isnull=True) | Q(service_id=service_id)
        if service_id
        else Q(service__isnull=True)
    )
    rows = {
        row.service_id: row
        for row in TimeLimit.objects.filter(wanted, nature=nature, urgency=urgency)
    }
    row = rows.get(service_id) or rows.get(None)
    if row is not None:
        return Limits(row.dispatch, row.sign, row.handle, row.follow_up)
    return Limits(*DEFAULT_LIMITS[(nature, urgency)])


@lru_cache(maxsize=256)
def parse_limit(limit: str) -> tuple[int, str]:
    """(n, "h" or "d") of a limit; ValueError for anything else."""
    match = LIMIT_PATTERN.fullmatch(limit)
    if match is None:
        raise ValueError(f"not a time limit: {limit!r}")
    return int(match.group(1)), match.group(2)


def due(calendar: WorkCalendar, start: datetime, limit: str) -> Due:
    """The deadline `limit` after `start` (aware), in local time.

    Most answers are kept per calendar, so that a move's deadlines cost a dictionary look-up
    (bench/bench_case_deadlines.py): a day limit depends only on the day the start falls on and
    whether it came after that day's work ended (`_day_due`); an hour limit started outside the
    working periods (before, between or after them) only on the day and that gap, since every
    moment of a gap is as far into the working time (`_gap_due`). An hour limit started inside a
    period is counted out. The tests hold both shortcuts to counting every answer out.
    """
    n, unit = parse_limit(limit)
    local = start.astimezone(timezone.get_default_timezone())
    moment = local.time()
    if unit == "h":
        bounds = _period_bounds(calendar)
        place = bisect_right(bounds, moment) if bounds else 1
        if place % 2:  # inside a period (or periods the shortcut cannot read): count it out
            answer = calendar.add_working_hours(local, n)
            return Due(answer.value, answer.provisional)
        return _gap_due(calendar, local.date(), place // 2, n, local.tzinfo)
    end_of_work = calendar.periods[-1].end
    if moment == end_of_work:  # the one boundary the shortcut does not decide: count it out
        begun = calendar.add_working_hours(local, 0)
        day = calendar.add_working_days(begun.value.date(), n)
        end = datetime.combine(day.value, end_of_work, tzinfo=local.tzinfo)
        return Due(end, begun.provisional or day.provisional)
    return _day_due(calendar, local.date(), moment > end_of_work, n, local.tzinfo)


@lru_cache(maxsize=1 << 16)
def _day_due(
    calendar: WorkCalendar, day: date, after_work: bool, n: int, zone: tzinfo | None
) -> Due:
    """An n-day limit started on `day` (after that day's work, or before its end). Cached per
    calendar: a calendar never changes (an entered year makes a new one)."""
    start = datetime.combine(day, time(23, 59) if after_work else time(0, 0))
    begun = calendar.add_working_hours(start.replace(tzinfo=zone), 0)
    answer = calendar.add_working_days(begun.value.date(), n)
    end_of_work = calendar.periods[-1].end
    last = datetime.combine(answer.value, end_of_work, tzinfo=zone)
    return Due(last, begun.provisional or answer.provisional)


@lru_cache(maxsize=64)
def _period_bounds(calendar: WorkCalendar) -> tuple[time, ...]:
    """The starts and ends of the calendar's periods in order (a moment's place among them
    says which period or gap it is in), or none when a bound has microseconds (the calendar
    counts whole seconds there, so the shortcut would not read a moment as it does)."""
    bounds = tuple(moment for period in calendar.periods for moment in (period.start, period.end))
    return () if any(moment.microsecond for moment in bounds) else bounds


@lru_cache(maxsize=1 << 16)
def _gap_due(calendar: WorkCalendar, day: date, gap: int, n: int, zone: tzinfo | None) -> Due:
    """An n-hour limit started on `day` in its gap `gap` (0: before the first period, k: after
    the k-th): counted from the gap's first moment, midnight or the end of the period before."""
    clock = calendar.periods[gap - 1].end if gap else time(0, 0)
    answer = calendar.add_working_hours(datetime.combine(day, clock, tzinfo=zone), n)
    return Due(answer.value, answer.provisional)


# "Due within one working day": the working hours of one working day (the default periods).
SOON_WORKING_HOURS = 7


def due_soon_bound(calendar: WorkCalendar, now: datetime) -> datetime:
    """Deadlines up to this moment are due within one working day of `now` (the inbox's
    section and the sweep's notices)."""
    return calendar.add_working_hours(timezone.localtime(now), SOON_WORKING_HOURS).value


def end_of_day(calendar: WorkCalendar, day: date) -> datetime:
    """The end of the last working period of `day`, local time (an extension's new deadline)."""
    zone = timezone.get_current_timezone()
    return datetime.combine(day, calendar.periods[-1].end, tzinfo=zone)


def next_working_day_start(calendar: WorkCalendar, moment: datetime) -> Due:
    """The start of the working day after `moment`'s (when 催办 is raised after a miss)."""
    local = timezone.localtime(moment)
    day = calendar.add_working_days(local.date() + timedelta(days=1), 0)
    start = datetime.combine(day.value, calendar.periods[0].start, tzinfo=local.tzinfo)
    return Due(start, day.provisional)
