"""The 通报 list: the office's cases listed for circulation, grouped by unit, to print.

A case is listed by the sweep five working days after its 催办 while still not replied
(`actions/sweep.py`); the list is the desk's "listed for 通报" section (`desk.circulated`) in
full, for the deciding office. It names units, not people: the case number, service,
community, deadline, working days overdue, the 催办's date and the supervising instruction.
One query for the rows (at most CIRCULATION_LIMIT); the page and the PDF show the same list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.cases.desk import DECIDERS, RELATED, circulated, latest_event
from tongcheng.cases.models import Case
from tongcheng.cases.workflow import Move
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.org.models import User
from tongcheng.org.workcalendar import current_calendar

# The most cases one list prints (a longer one says it was cut).
CIRCULATION_LIMIT = 500


@dataclass(frozen=True)
class CirculationRow:
    pk: int
    number: str
    service: str
    community: str
    due: datetime | None
    provisional: bool
    days_overdue: int
    urged_on: date | None
    instruction: str


@dataclass
class CirculationGroup:
    unit: str
    rows: list[CirculationRow] = field(default_factory=list)


@dataclass
class Circulation:
    office: str
    today: date
    groups: list[CirculationGroup]
    cut: bool

    @property
    def count(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    @property
    def ids(self) -> list[int]:
        return sorted(row.pk for group in self.groups for row in group.rows)


def office_name(user: User) -> str:
    """The deciding offices the user acts for, by their areas (潞州区, 长治市)."""
    names = [m.area.name for m in user.active_memberships() if m.role in DECIDERS]
    return "、".join(dict.fromkeys(names))


def working_days_overdue(calendar: WorkCalendar, due: datetime | None, today: date) -> int:
    """The working days from the day after the deadline's day up to today, both counted."""
    if due is None:
        return 0
    after = timezone.localtime(due).date() + timedelta(days=1)
    return max(0, calendar.working_days_between(after, today + timedelta(days=1)).value)


def _row(case: Case, calendar: WorkCalendar, today: date) -> CirculationRow:
    return CirculationRow(
        pk=case.pk, number=case.number, service=case.service.name,
        community=case.community.name, due=case.due_at, provisional=case.due_provisional,
        days_overdue=working_days_overdue(calendar, case.due_at, today),
        urged_on=timezone.localtime(case.urged_at).date() if case.urged_at else None,
        instruction=case.instruction or "",  # type: ignore[attr-defined]
    )  # fmt: skip


def circulation(user: User) -> Circulation:
    """The user's 通报 list today, grouped by lead unit, by deadline within a unit."""
    today = timezone.localdate()
    calendar = current_calendar()
    cases = list(
        circulated(user)
        .select_related(*RELATED)
        .annotate(instruction=latest_event(Move.SUPERVISE, "text"))
        .order_by("lead_department__code", "due_at", "pk")[: CIRCULATION_LIMIT + 1]
    )
    groups = []
    for _unit, rows in groupby(cases[:CIRCULATION_LIMIT], key=lambda case: case.lead_department_id):
        listed = list(rows)
        lead = listed[0].lead_department
        name = lead.name if lead is not None else _("No unit")
        groups.append(CirculationGroup(name, [_row(case, calendar, today) for case in listed]))
    return Circulation(office_name(user), today, groups, cut=len(cases) > CIRCULATION_LIMIT)
