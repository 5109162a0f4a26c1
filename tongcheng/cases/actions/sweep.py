"""The overdue sweep: 催办 the working day after a missed deadline, 通报 five working days later,
and the notices of deadlines due within one working day and of deadlines just missed.

Run by the worker every few minutes (and safe to run as often as anyone likes): each case is
urged once and listed for circulation once, whatever the number of sweeps, because each step
is taken under the case's row lock and only when its mark (`urged_at`, `reported_at`) is still
empty. The deadline that counts is the one running in the case's state (`due_at`: signing
while dispatched, handling while in progress or reopened). The notices work the same way: a
case's `soon_noticed_for` and `overdue_noticed_for` hold the deadline last announced, so each
deadline is announced once (and the notifications' own keys hold even if two sweeps overlap).
The worker runs the sweep every five minutes (cases/jobs.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tongcheng.cases.actions.steps import check_move, lock, record_step
from tongcheng.cases.deadlines import due_soon_bound, next_working_day_start
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import HANDLING_STATES, OPEN_STATES, Case
from tongcheng.cases.notices import deadline_notice
from tongcheng.cases.workflow import Move
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.org.workcalendar import current_calendar

# Working days after the 催办 at which a case still not replied is listed for 通报.
REPORT_AFTER_WORKING_DAYS = 5


@dataclass(frozen=True)
class SweepResult:
    urged: int
    reported: int
    due_soon: int = 0
    overdue: int = 0


def urge_due(calendar: WorkCalendar, case: Case, now: datetime) -> bool:
    """Whether the case's running deadline was missed before the working day that began."""
    if case.due_at is None or case.urged_at is not None:
        return False
    return next_working_day_start(calendar, case.due_at).at <= now


def report_due(calendar: WorkCalendar, case: Case, now: datetime) -> bool:
    """Whether five working days have passed since the 催办 without a reply."""
    if case.urged_at is None or case.reported_at is not None:
        return False
    urged_on = timezone.localtime(case.urged_at).date()
    listed_on = calendar.add_working_days(urged_on, REPORT_AFTER_WORKING_DAYS).value
    return timezone.localtime(now).date() >= listed_on


def overdue_sweep(*, now: datetime | None = None) -> SweepResult:
    """Urge and list the overdue cases; one transaction per case, so a sweep never holds the
    locks of many cases at once and a user's move on one case waits for one step at most."""
    moment = now or timezone.now()
    calendar = current_calendar()
    open_cases = Case.objects.filter(state__in=HANDLING_STATES)
    to_urge = open_cases.filter(urged_at__isnull=True, due_at__lt=moment).values_list(
        "pk", "due_at"
    )
    urged = sum(
        _step(pk, Move.URGE, moment, calendar)
        for pk, due_at in to_urge.iterator(1000)
        if due_at is not None and next_working_day_start(calendar, due_at).at <= moment
    )
    to_report = open_cases.filter(urged_at__isnull=False, reported_at__isnull=True)
    reported = sum(
        _step(pk, Move.REPORT, moment, calendar)
        for pk in to_report.values_list("pk", flat=True).iterator(1000)
    )
    running = Case.objects.filter(state__in=OPEN_STATES, due_at__isnull=False)
    soon = running.filter(due_at__gt=moment, due_at__lte=due_soon_bound(calendar, moment)).filter(
        Q(soon_noticed_for__isnull=True) | ~Q(soon_noticed_for=F("due_at"))
    )
    due_soon = sum(_notice(pk, "case.due_soon") for pk in _pks(soon))
    late = running.filter(due_at__lte=moment).filter(
        Q(overdue_noticed_for__isnull=True) | ~Q(overdue_noticed_for=F("due_at"))
    )
    overdue = sum(_notice(pk, "case.overdue") for pk in _pks(late))
    return SweepResult(urged, reported, due_soon, overdue)


def _pks(cases: QuerySet[Case]) -> list[int]:
    return list(cases.values_list("pk", flat=True))


@transaction.atomic
def _notice(case_id: int, kind: str) -> bool:
    """Announce the case's running deadline (due soon or overdue), once per deadline."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service", "lead_department")
        .filter(pk=case_id, state__in=OPEN_STATES, due_at__isnull=False)
        .first()
    )
    if case is None or case.due_at is None:
        return False
    mark = "soon_noticed_for" if kind == "case.due_soon" else "overdue_noticed_for"
    if getattr(case, mark) == case.due_at:
        return False
    deadline_notice(case, kind, case.due_at)
    Case.objects.filter(pk=case.pk).update(**{mark: case.due_at})
    return True


@transaction.atomic
def _step(case_id: int, move: Move, now: datetime, calendar: WorkCalendar) -> bool:
    """One case's 催办 or 通报, if it is still due once the case is locked."""
    case = lock(case_id)
    try:
        check_move(case, expected_version=None, move=move)
    except CaseRefused:
        return False
    if case.state not in HANDLING_STATES:
        return False
    if move is Move.URGE:
        if not urge_due(calendar, case, now):
            return False
        case.urged_at = now
        field = "urged_at"
    else:
        if not report_due(calendar, case, now):
            return False
        case.reported_at = now
        field = "reported_at"
    record_step(
        case, actor=None, move=move, from_state=case.state, fields=(field,),
        department=case.lead_department,
    )  # fmt: skip
    return True
