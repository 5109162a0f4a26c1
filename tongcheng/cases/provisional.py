"""The open cases whose deadline is provisional (暂定), for the city office.

A deadline is provisional when one of the case's stages reaches into a year the working
calendar has no entered schedule for (Monday–Friday were counted there; cases/deadlines.py).
Entering the year on the calendar page (org) recomputes them in the same transaction
(`actions/deadlines.recompute_provisional`, on `calendar_changed`), so the list empties itself.
Each row says which years are missing, read from the calendar as it stands; one query for the
rows (the first PROVISIONAL_ROWS by deadline, with the count of all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tongcheng.cases.desk import RELATED, first_rows
from tongcheng.cases.models import Case, CaseQuerySet
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.org.models import User
from tongcheng.org.workcalendar import current_calendar

PROVISIONAL_ROWS = 200


@dataclass(frozen=True)
class ProvisionalRow:
    case: Case
    missing: tuple[int, ...]


@dataclass(frozen=True)
class ProvisionalList:
    rows: list[ProvisionalRow]
    count: int

    @property
    def years(self) -> list[int]:
        """The missing years of the rows shown, oldest first."""
        return sorted({year for row in self.rows for year in row.missing})


def missing_years(case: Case, calendar: WorkCalendar) -> tuple[int, ...]:
    """The years a stage of the case runs through (start to deadline) that the calendar lacks.

    The stages as refresh_deadlines computes them; an extension's fixed date counts nothing.
    """
    stages: list[tuple[datetime | None, datetime | None]] = [
        (case.received_at, case.dispatch_due),
        (case.dispatched_at, case.sign_due),
        (case.replied_at, case.follow_up_due),
    ]
    if not case.extended:
        stages.append((case.handle_started_at, case.handle_due))
    years: set[int] = set()
    for start, end in stages:
        if start is None or end is None:
            continue
        first, last = timezone.localtime(start).year, timezone.localtime(end).year
        years.update(year for year in range(first, last + 1) if year not in calendar.years)
    return tuple(sorted(years))


def provisional_cases(user: User) -> CaseQuerySet:
    return Case.objects.visible_to(user).open().filter(due_provisional=True)


def provisional_list(user: User) -> ProvisionalList:
    calendar = current_calendar()
    cases, count = first_rows(
        provisional_cases(user).select_related(*RELATED), "due_at", "pk", limit=PROVISIONAL_ROWS
    )
    rows = [ProvisionalRow(case, missing_years(case, calendar)) for case in cases]
    return ProvisionalList(rows, count)
