"""The moves of a case from dispatch to closure: each one locked, checked, historied, audited.

Every function takes the acting account first, the case's id and the version the user saw
(`expected_version`; None only for the system's sweeps), and runs in one transaction through
`steps.locked_case` (the row lock: of two people acting at once, exactly one move wins and the
other gets CaseChanged). Who may make which move is decided in `cases.access`; the state
machine is `cases.workflow`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from tongcheng.cases import access
from tongcheng.cases.actions.steps import (
    DEADLINE_FIELDS,
    check_move,
    lock,
    locked_case,
    now,
    record_step,
    refresh_deadlines,
    sync_units_due,
)
from tongcheng.cases.deadlines import end_of_day
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import Case, CaseUnit, Extension, ReturnReason, State
from tongcheng.cases.workflow import (
    RETURNS_BEFORE_LOCK,
    FollowUp,
    Move,
    target,
)
from tongcheng.org.models import Department, User
from tongcheng.org.workcalendar import current_calendar


def _refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise CaseRefused(message)


def _check_units(case: Case, lead: Department, co: Sequence[Department]) -> None:
    for department in [lead, *co]:
        _refuse_unless(
            access.department_serves_area(department, case.area_code),
            _("%(unit)s does not serve this case's area.") % {"unit": department.name},
        )
    _refuse_unless(lead not in co, _("The lead unit cannot also be a co-handling unit."))


def _send(case: Case, lead: Department, co: Sequence[Department]) -> None:
    """Dispatch to `lead` (and `co`): the earlier units are released, the clocks start."""
    moment = now()
    CaseUnit.objects.filter(case=case).active().update(state=CaseUnit.State.RELEASED)
    CaseUnit.objects.bulk_create(
        [CaseUnit(case=case, department=lead, is_lead=True, dispatched_at=moment)]
        + [CaseUnit(case=case, department=d, is_lead=False, dispatched_at=moment) for d in co]
    )
    case.lead_department = lead
    case.dispatched_at = case.handle_started_at = moment
    case.signed_at = None
    case.extended = False
    # A new handling period: its deadlines may be urged and listed again.
    case.urged_at = case.reported_at = None
    case.state = State.DISPATCHED
    refresh_deadlines(case, current_calendar())
    sync_units_due(case)


SEND_FIELDS: tuple[str, ...] = (
    *DEADLINE_FIELDS, "lead_department", "dispatched_at", "handle_started_at", "signed_at",
    "extended", "urged_at", "reported_at",
)  # fmt: skip


@transaction.atomic
def case_dispatch(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    lead: Department,
    co: Sequence[Department] = (),
    note: str = "",
) -> Case:
    """派单: send a received case to its lead unit (and co-handling units)."""
    case = locked_case(case_id, expected_version=expected_version, move=Move.DISPATCH)
    _refuse_unless(access.may_dispatch(actor, case), _("You may not dispatch this case."))
    _check_units(case, lead, co)
    before = case.state
    _send(case, lead, co)
    record_step(
        case, actor=actor, move=Move.DISPATCH, from_state=before, fields=SEND_FIELDS,
        department=lead, text=note, detail={"co_units": len(co)},
    )  # fmt: skip
    return case


def _unit(actor: User, case: Case, *, lead: bool | None = None) -> CaseUnit:
    """The actor's unit on the case (the lead unit when `lead`), or refuse."""
    units = [u for u in access.units_of(actor, case) if lead is None or u.is_lead == lead]
    _refuse_unless(bool(units), _("Your unit is not handling this case."))
    return units[0]


@transaction.atomic
def case_sign(*, actor: User, case_id: int, expected_version: int | None) -> Case:
    """签收: the unit's liaison signs for the case (the lead unit's signature starts handling).

    A co-handling unit signs its part without changing the case's state."""
    case = lock(case_id)
    unit = _unit(actor, case)
    if not unit.is_lead:
        _refuse_unless(unit.state == CaseUnit.State.WAITING, _("Your unit has signed already."))
        return _co_unit_step(actor, case, unit, CaseUnit.State.SIGNED, Move.SIGN, "")
    check_move(case, expected_version=expected_version, move=Move.SIGN)
    before, moment = case.state, now()
    unit.state, unit.signed_at, unit.signed_by = CaseUnit.State.SIGNED, moment, actor
    unit.save(update_fields=["state", "signed_at", "signed_by"])
    case.state, case.signed_at = target(Move.SIGN, before), moment
    refresh_deadlines(case, current_calendar())
    record_step(
        case, actor=actor, move=Move.SIGN, from_state=before,
        fields=("signed_at", *DEADLINE_FIELDS), department=unit.department,
    )  # fmt: skip
    return case


def _co_unit_step(
    actor: User, case: Case, unit: CaseUnit, state: str, move: Move, text: str
) -> Case:
    _refuse_unless(case.is_open, _("The case is closed."))
    moment = now()
    unit.state = state
    if move is Move.SIGN:
        unit.signed_at, unit.signed_by = moment, actor
    else:
        unit.replied_at, unit.reply = moment, text
    unit.save(update_fields=["state", "signed_at", "signed_by", "replied_at", "reply"])
    record_step(
        case, actor=actor, move=move, from_state=case.state, department=unit.department,
        text=text, detail={"co_unit": True},
    )  # fmt: skip
    return case


@transaction.atomic
def case_return(
    *, actor: User, case_id: int, expected_version: int | None, reason: str, basis: str
) -> Case:
    """退单: within its signing time the lead unit returns the case, with the legal basis."""
    case = locked_case(case_id, expected_version=expected_version, move=Move.RETURN)
    unit = _unit(actor, case, lead=True)
    _refuse_unless(not case.lead_locked, _("Your unit was named lead unit: it cannot return."))
    _refuse_unless(
        case.sign_due is None or now() <= case.sign_due,
        _("The signing time has passed: the case can no longer be returned."),
    )
    _refuse_unless(reason in ReturnReason.values, _("Choose the reason for the return."))
    _refuse_unless(bool(basis.strip()), _("Write the basis for the return."))
    before = case.state
    unit.state = CaseUnit.State.RETURNED
    unit.save(update_fields=["state"])
    case.state = target(Move.RETURN, before)
    case.returns += 1
    refresh_deadlines(case, current_calendar())
    record_step(
        case, actor=actor, move=Move.RETURN, from_state=before,
        fields=("returns", *DEADLINE_FIELDS), department=unit.department,
        reason=reason, text=basis.strip(),
    )  # fmt: skip
    return case


@transaction.atomic
def case_adjudicate(
    *,
    actor: User,
    case_id: int,
    expected_version: int | None,
    lead: Department,
    co: Sequence[Department] = (),
    note: str = "",
) -> Case:
    """审定 a return: re-dispatch to another unit, or uphold the dispatch to the same one.

    After RETURNS_BEFORE_LOCK returns the decision names the lead unit for good (首接负责制):
    only the district office (city office for city units) may make it then, and the named unit
    can no longer return the case."""
    case = locked_case(case_id, expected_version=expected_version, move=Move.REDISPATCH)
    _check_units(case, lead, co)
    must_lock = case.returns >= RETURNS_BEFORE_LOCK
    if must_lock:
        _refuse_unless(
            access.may_name_lead(actor, case),
            _("The case was returned twice: the office names its lead unit."),
        )
    else:
        _refuse_unless(access.may_dispatch(actor, case), _("You may not dispatch this case."))
    move = Move.UPHOLD if lead == case.lead_department else Move.REDISPATCH
    before = case.state
    _send(case, lead, co)
    case.lead_locked = must_lock
    record_step(
        case, actor=actor, move=move, from_state=before, fields=(*SEND_FIELDS, "lead_locked"),
        department=lead, text=note, detail={"lead_locked": must_lock},
    )  # fmt: skip
    return case


@dataclass(frozen=True)
class ReplyInput:
    outcome: str
    reply: str


@transaction.atomic
def case_reply(
    *, actor: User, case_id: int, expected_version: int | None, data: ReplyInput
) -> Case:
    """答复: the lead unit's reply ends handling; a co-handling unit replies its part."""
    _refuse_unless(bool(data.reply.strip()), _("Write what was done."))
    case = lock(case_id)
    unit = _unit(actor, case)
    if not unit.is_lead:
        _refuse_unless(unit.state == CaseUnit.State.SIGNED, _("Sign for the case first."))
        return _co_unit_step(
            actor, case, unit, CaseUnit.State.REPLIED, Move.REPLY, data.reply.strip()
        )
    check_move(case, expected_version=expected_version, move=Move.REPLY)
    _refuse_unless(data.outcome in Case.Outcome.values, _("Choose the outcome."))
    before, moment = case.state, now()
    unit.state, unit.replied_at, unit.reply = CaseUnit.State.REPLIED, moment, data.reply.strip()
    unit.save(update_fields=["state", "replied_at", "reply"])
    case.state = target(Move.REPLY, before)
    case.outcome, case.reply, case.replied_at = data.outcome, data.reply.strip(), moment
    case.follow_up_attempts = 0
    refresh_deadlines(case, current_calendar())
    record_step(
        case, actor=actor, move=Move.REPLY, from_state=before,
        fields=("outcome", "reply", "replied_at", "follow_up_attempts", *DEADLINE_FIELDS),
        department=unit.department, reason=data.outcome, text=data.reply.strip(),
    )  # fmt: skip
    return case


@transaction.atomic
def case_follow_up(
    *, actor: User, case_id: int, expected_version: int | None, result: FollowUp, comment: str
) -> Case:
    """回访: the caller's satisfaction closes the case; "unsatisfied" reopens it once (the
    caller's words go to the lead unit); the third call not answered closes it as unreachable."""
    case = locked_case(case_id, expected_version=expected_version, move=Move.FOLLOW_UP)
    _refuse_unless(access.may_follow_up(actor, case), _("You may not call this caller back."))
    _refuse_unless(
        result is not FollowUp.UNSATISFIED or bool(comment.strip()),
        _("Write down what the caller said."),
    )
    before = case.state
    case.state = target(
        Move.FOLLOW_UP, before, follow_up=result, reopened=case.reopened,
        attempts=case.follow_up_attempts,
    )  # fmt: skip
    fields = ["satisfaction", "follow_up_attempts", "closure", "closed_at", "reopened"]
    if result is FollowUp.NOT_REACHED:
        case.follow_up_attempts += 1
        if case.state == State.CLOSED:
            case.closure, case.closed_at = Case.Closure.UNREACHABLE, now()
    else:
        case.satisfaction = str(result)
        if case.state == State.REOPENED:
            case.reopened += 1
            case.handle_started_at = now()
            case.urged_at = case.reported_at = None
            fields += ["handle_started_at", "urged_at", "reported_at"]
            CaseUnit.objects.filter(case=case, is_lead=True, state=CaseUnit.State.REPLIED).update(
                state=CaseUnit.State.SIGNED
            )
        else:
            case.closure, case.closed_at = Case.Closure.FOLLOWED_UP, now()
    refresh_deadlines(case, current_calendar())
    sync_units_due(case)
    record_step(
        case, actor=actor, move=Move.FOLLOW_UP, from_state=before,
        fields=(*fields, *DEADLINE_FIELDS), reason=str(result), text=comment.strip(),
        detail={"result": str(result)},
    )  # fmt: skip
    return case


@transaction.atomic
def case_close_direct(
    *, actor: User, case_id: int, expected_version: int | None, answer: str
) -> Case:
    """直办: a consultation answered during the call is closed at intake (counted apart)."""
    case = locked_case(case_id, expected_version=expected_version, move=Move.CLOSE_DIRECT)
    _refuse_unless(access.may_dispatch(actor, case), _("You may not close this case."))
    _refuse_unless(bool(answer.strip()), _("Write the answer given."))
    before, moment = case.state, now()
    case.state = target(Move.CLOSE_DIRECT, before)
    case.reply, case.outcome, case.replied_at = answer.strip(), Case.Outcome.RESOLVED, moment
    case.closure, case.closed_at = Case.Closure.DIRECT, moment
    refresh_deadlines(case, current_calendar())
    record_step(
        case, actor=actor, move=Move.CLOSE_DIRECT, from_state=before,
        fields=("reply", "outcome", "replied_at", "closure", "closed_at", *DEADLINE_FIELDS),
        text=answer.strip(),
    )  # fmt: skip
    return case


@transaction.atomic
def case_request_extension(
    *, actor: User, case_id: int, expected_version: int | None, new_due: date, reason: str
) -> Extension:
    """延期: before its deadline the lead unit asks for more time (one request at a time)."""
    case = locked_case(case_id, expected_version=expected_version, move=Move.REQUEST_EXTENSION)
    unit = _unit(actor, case, lead=True)
    _refuse_unless(bool(reason.strip()), _("Write why more time is needed."))
    _refuse_unless(
        case.handle_due is None or now() <= case.handle_due,
        _("The deadline has passed: ask the office directly."),
    )
    _refuse_unless(
        case.handle_due is None or new_due > case.handle_due.date(),
        _("The new deadline must be later than the current one."),
    )
    _refuse_unless(
        not case.extensions.filter(state=Extension.State.PENDING).exists(),
        _("A request for more time is already waiting for a decision."),
    )
    extension = Extension.objects.create(
        case=case, department=unit.department, reason=reason.strip(), new_due=new_due,
        old_due=case.handle_due, requested_by=actor,
    )  # fmt: skip
    record_step(
        case, actor=actor, move=Move.REQUEST_EXTENSION, from_state=case.state,
        department=unit.department, text=reason.strip(), detail={"new_due": str(new_due)},
    )  # fmt: skip
    return extension


@transaction.atomic
def case_decide_extension(
    *, actor: User, case_id: int, expected_version: int | None, approve: bool, note: str
) -> Case:
    """The office approves (the handling deadline moves to the new day's end) or refuses."""
    case = locked_case(case_id, expected_version=expected_version, move=Move.DECIDE_EXTENSION)
    _refuse_unless(access.may_decide(actor, case), _("You may not decide on this request."))
    extension = case.extensions.select_for_update().filter(state=Extension.State.PENDING).first()
    _refuse_unless(extension is not None, _("No request for more time is waiting."))
    assert extension is not None
    moment = now()
    extension.state = Extension.State.APPROVED if approve else Extension.State.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, moment, note
    extension.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    fields: tuple[str, ...] = ()
    if approve:
        calendar = current_calendar()
        case.handle_due = end_of_day(calendar, extension.new_due)
        case.extended = True
        case.urged_at = case.reported_at = None
        refresh_deadlines(case, calendar)
        sync_units_due(case)
        fields = ("handle_due", "extended", "urged_at", "reported_at", *DEADLINE_FIELDS)
    record_step(
        case, actor=actor, move=Move.DECIDE_EXTENSION, from_state=case.state, fields=fields,
        reason="approved" if approve else "refused", text=note.strip(),
        detail={"approved": approve},
    )  # fmt: skip
    return case


@transaction.atomic
def case_supervise(
    *, actor: User, case_id: int, expected_version: int | None, instruction: str
) -> Case:
    """督办: the office puts the case under supervision with an instruction."""
    case = locked_case(case_id, expected_version=expected_version, move=Move.SUPERVISE)
    _refuse_unless(access.may_decide(actor, case), _("You may not supervise this case."))
    _refuse_unless(bool(instruction.strip()), _("Write the instruction."))
    case.supervised = True
    record_step(
        case, actor=actor, move=Move.SUPERVISE, from_state=case.state, fields=("supervised",),
        text=instruction.strip(),
    )  # fmt: skip
    return case
