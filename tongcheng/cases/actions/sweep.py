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

At a million cases (docs/performance.md, "The case pages and the sweep") every read is
bounded by the open cases it concerns: the cases to urge and the deadlines to announce come
from the index (state, due_at), and only the urges whose 通报 is due are read (`urged_before`).
The notices are written in batches (`NOTICE_BATCH`): a sweep that finds hundreds of deadlines
at once (the first after a pause) writes them in a few dozen queries, not several per deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tongcheng.cases.actions.steps import check_move, lock, record_step
from tongcheng.cases.deadlines import due_soon_bound, next_working_day_start
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import HANDLING_STATES, OPEN_STATES, Case
from tongcheng.cases.notices import deadline_notices
from tongcheng.cases.workflow import Move
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.org.workcalendar import current_calendar

# Working days after the 催办 at which a case still not replied is listed for 通报.
REPORT_AFTER_WORKING_DAYS = 5
# Deadlines announced in one transaction (their cases locked together for its milliseconds).
NOTICE_BATCH = 200


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


def urged_before(calendar: WorkCalendar, now: datetime) -> datetime:
    """Cases urged before this moment are due for 通报 now (`report_due`, as a bound the query
    applies): the start of the day after the last day whose fifth working day after has come.
    The working day n days after a day never comes earlier for a later day, so every earlier
    urge is due too; the rest of a sweep's urged cases are not read (they used to be locked
    one by one at every sweep, to find that their day had not come)."""
    today = timezone.localtime(now).date()
    day = today
    while calendar.add_working_days(day, REPORT_AFTER_WORKING_DAYS).value > today:
        day -= timedelta(days=1)
    return datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def overdue_sweep(*, now: datetime | None = None) -> SweepResult:
    """Urge and list the overdue cases, and announce the deadlines due soon and passed. A 催办 or
    通报 is a move: one transaction per case, so a user's move on one case waits for one step at
    most. A batch of notices holds its cases' locks for the milliseconds its notices take."""
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
    to_report = open_cases.filter(
        urged_at__lt=urged_before(calendar, moment), reported_at__isnull=True
    )
    reported = sum(
        _step(pk, Move.REPORT, moment, calendar)
        for pk in to_report.values_list("pk", flat=True).iterator(1000)
    )
    running = Case.objects.filter(state__in=OPEN_STATES, due_at__isnull=False)
    soon = running.filter(due_at__gt=moment, due_at__lte=due_soon_bound(calendar, moment)).filter(
        Q(soon_noticed_for__isnull=True) | ~Q(soon_noticed_for=F("due_at"))
    )
    due_soon = _notices(_pks(soon), "case.due_soon")
    late = running.filter(due_at__lte=moment).filter(
        Q(overdue_noticed_for__isnull=True) | ~Q(overdue_noticed_for=F("due_at"))
    )
    overdue = _notices(_pks(late), "case.overdue")
    return SweepResult(urged, reported, due_soon, overdue)


def _pks(cases: QuerySet[Case]) -> list[int]:
    return list(cases.values_list("pk", flat=True))


def _notices(case_ids: list[int], kind: str) -> int:
    """Announce the cases' running deadlines (due soon or overdue), in batches; how many."""
    return sum(
        _notice_batch(case_ids[start : start + NOTICE_BATCH], kind)
        for start in range(0, len(case_ids), NOTICE_BATCH)
    )


@transaction.atomic
def _notice_batch(case_ids: list[int], kind: str) -> int:
    """Announce each case's running deadline once: the batch locked, each case checked again
    under the lock (still open, its deadline not announced yet), told, and marked."""
    mark = "soon_noticed_for" if kind == "case.due_soon" else "overdue_noticed_for"
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("service", "lead_department")
        .filter(pk__in=case_ids, state__in=OPEN_STATES, due_at__isnull=False)
        .exclude(**{mark: F("due_at")})
        .order_by("pk")
    )
    deadline_notices(cases, kind)
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(**{mark: F("due_at")})
    return len(cases)


@transaction.atomic
def _step(case_id: int, move: Move, now: datetime, calendar: WorkCalendar) -> bool:
    """One case's 催办 or 通报, if it is still due once the case is locked (with the service and
    the lead unit its notice names)."""
    case = lock(case_id, related=("service", "lead_department"))
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
