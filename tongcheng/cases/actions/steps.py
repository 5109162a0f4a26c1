"""What every move of a case does: lock the row, check it, write the step, its history and audit.

`locked_case` is the only way an action gets a case to change: it takes the row lock
(SELECT … FOR UPDATE; SQLite serialises writers anyway), compares the version the user saw and
asks the state machine whether the move is allowed now. Two people acting at once: the second
waits for the lock, then finds the version moved on and is told (CaseChanged). `record_step`
bumps the version, saves the changed fields and writes the CaseEvent, the KPI counters, the
audit event and the step's notifications (cases/notices.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases.deadlines import Due, due, limits_for
from tongcheng.cases.errors import CaseChanged, CaseRefused
from tongcheng.cases.kpi.counting import kpi_count_step
from tongcheng.cases.models import Case, CaseEvent, CaseUnit, State
from tongcheng.cases.notices import announce
from tongcheng.cases.signals import case_stepped
from tongcheng.cases.workflow import Move, allowed
from tongcheng.lib.workdays import WorkCalendar
from tongcheng.org.models import Department, User


def locked_case(case_id: int, *, expected_version: int | None, move: Move) -> Case:
    """The case, locked for this transaction, when `move` is allowed on the version seen."""
    case = lock(case_id)
    check_move(case, expected_version=expected_version, move=move)
    return case


def lock(case_id: int, *, related: tuple[str, ...] = ()) -> Case:
    """The case, locked for this transaction (CaseRefused when there is none), with `related`
    read along (only the case's own row is locked)."""
    cases = Case.objects.select_for_update()
    if related:
        cases = Case.objects.select_for_update(of=("self",)).select_related(*related)
    case = cases.filter(pk=case_id).first()
    if case is None:
        raise CaseRefused(_("This case does not exist."))
    return case


def check_move(case: Case, *, expected_version: int | None, move: Move) -> None:
    """Refuse unless the case is at the version seen and `move` is allowed in its state."""
    if expected_version is not None and case.version != expected_version:
        raise CaseChanged(case.get_state_display())
    if not allowed(move, case.state):
        raise CaseRefused(
            _("This cannot be done while the case is “%(state)s”.")
            % {"state": case.get_state_display()}
        )


def record_step(
    case: Case,
    *,
    actor: User | None,
    move: Move | str,
    from_state: str,
    fields: Iterable[str] = (),
    department: Department | None = None,
    reason: str = "",
    text: str = "",
    detail: dict[str, object] | None = None,
) -> CaseEvent:
    """Save the case's changed `fields` with a new version; write its history row and audit."""
    case.version += 1
    case.save(update_fields=sorted({*fields, "version", "state"}))
    event = CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=str(move),
        from_state=from_state,
        to_state=case.state,
        department=department,
        reason=reason,
        text=text,
    )
    kpi_count_step(case, from_state)
    audit_record(
        actor=actor,
        action=f"case.{move}",
        object_type="case",
        object_id=case.pk,
        area_code=case.area_code,
        detail={"from": from_state, "to": case.state, **(detail or {})},
    )
    announce(case, move, department=department)
    case_stepped.send(sender=Case, case=case, move=move, from_state=from_state)
    return event


DEADLINE_FIELDS = (
    "dispatch_due",
    "sign_due",
    "handle_due",
    "follow_up_due",
    "due_at",
    "due_provisional",
)


def refresh_deadlines(case: Case, calendar: WorkCalendar) -> None:
    """Compute every stage's deadline from when it started, and the one running now.

    Dispatch runs from receipt, signing from the (last) dispatch, handling from the dispatch or
    the reopening (`handle_started_at`; an approved extension fixed `handle_due` instead), the
    follow-up call from the reply. Deterministic from those moments, so the same function
    recomputes provisional deadlines when a missing year is entered. `due_provisional` says
    whether any of them counted Monday–Friday in a year nobody has entered.
    """
    limits = limits_for(nature=case.nature, urgency=case.urgency, service_id=case.service_id)
    provisional = False

    def stage(start: datetime | None, limit: str) -> datetime | None:
        nonlocal provisional
        if start is None:
            return None
        answer: Due = due(calendar, start, limit)
        provisional = provisional or answer.provisional
        return answer.at

    case.dispatch_due = stage(case.received_at, limits.dispatch)
    case.sign_due = stage(case.dispatched_at, limits.sign)
    if not case.extended:
        case.handle_due = stage(case.handle_started_at, limits.handle)
    case.follow_up_due = stage(case.replied_at, limits.follow_up)
    case.due_provisional = provisional
    case.due_at = {
        State.RECEIVED: case.dispatch_due,
        State.DISPATCHED: case.sign_due,
        State.IN_PROGRESS: case.handle_due,
        State.REOPENED: case.handle_due,
        State.REPLIED: case.follow_up_due,
    }.get(State(case.state))


def sync_units_due(case: Case) -> None:
    """The inbox rows of the case's active units carry its handling deadline."""
    CaseUnit.objects.filter(case=case).active().update(due_at=case.handle_due)


def now() -> datetime:
    return timezone.now()
