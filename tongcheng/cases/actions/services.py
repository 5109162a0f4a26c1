"""The services beyond dispatch, recorded on a case by its lead unit: a hardship certification
granted (and revoked), a fee waiver, a relief payment, an employment outcome.

Each is its own step of the case, not part of the reply: the reply says what was done in words
and moves the state, while a grant or a payment has data of its own (dates, an amount) that
other pages read (the file page, a waiver case, the yearly sums). So the unit records it while
it handles the case (the case locked, the lead unit's liaison acting), and each step writes a
history row and its audit event (`steps.record_step`: ids, codes and counts, never an amount
or a name). The reply follows as usual.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.cases import access
from tongcheng.cases.actions.steps import lock, record_step
from tongcheng.cases.certcodes import verify_code_column
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.models import HANDLING_STATES, Case, CaseUnit, Service
from tongcheng.cases.servicemodels import Certification, EmploymentOutcome, FeeWaiver, ReliefPayment
from tongcheng.cases.serviceselectors import valid_certification
from tongcheng.org.models import User

# A certification is reviewed at least every three years.
LONGEST_VALIDITY = timedelta(days=3 * 366)
LARGEST_AMOUNT = Decimal("1000000")
# Letters and digits nobody misreads on paper (no 0/O, 1/I/L).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise CaseRefused(message)


def _service_case(actor: User, case_id: int, kind: str) -> tuple[Case, CaseUnit]:
    """The case, locked, when it is of this kind of service and the actor's unit leads it."""
    case = lock(case_id)
    _refuse_unless(
        case.service.kind == kind,
        _("This is not done on a case of the service “%(service)s”.")
        % {"service": case.service.name},
    )
    unit = access.lead_unit_of(actor, case)
    _refuse_unless(unit is not None, _("Only the lead unit records this, while it handles it."))
    assert unit is not None
    return case, unit


def _check_amount(amount: Decimal, field: str) -> None:
    if amount <= 0 or amount > LARGEST_AMOUNT:
        raise ValidationError({field: _("Enter an amount above 0 and at most 1,000,000 yuan.")})


def _check_period(start: date, end: date, fields: tuple[str, str]) -> None:
    if end < start:
        raise ValidationError({fields[1]: _("The end date cannot be before the start date.")})


def new_serial(today: date) -> str:
    return f"TK{today.year}" + "".join(secrets.choice(ALPHABET) for _ in range(8))


def new_verify_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(6))


@transaction.atomic
def certification_grant(
    *, actor: User, case_id: int, valid_from: date, valid_until: date
) -> Certification:
    """特困认定: the lead unit (民政局) grants the certification while it handles the case."""
    case, unit = _service_case(actor, case_id, Service.Kind.HARDSHIP_CERTIFICATION)
    _refuse_unless(case.state in HANDLING_STATES and unit.state == CaseUnit.State.SIGNED,
                   _("Sign for the case first."))  # fmt: skip
    _refuse_unless(
        case.person is not None,
        _("A certification is for a person with a file: link the case to the file first."),
    )
    _refuse_unless(
        not Certification.objects.filter(case=case).exists(),
        _("This case has granted its certification already."),
    )
    _check_period(valid_from, valid_until, ("valid_from", "valid_until"))
    if valid_until - valid_from > LONGEST_VALIDITY:
        raise ValidationError({"valid_until": _("A certification is valid for 3 years at most.")})
    assert case.person is not None
    certification = Certification.objects.create(
        case=case, person=case.person, area_code=case.person.area_code, department=unit.department,
        serial=new_serial(timezone.localdate()),
        verify_code_enc=verify_code_column(new_verify_code()),
        valid_from=valid_from, valid_until=valid_until, granted_by=actor,
    )  # fmt: skip
    record_step(
        case, actor=actor, move="grant", from_state=case.state, department=unit.department,
        detail={"certification": certification.pk},
    )  # fmt: skip
    return certification


@transaction.atomic
def certification_revoke(*, actor: User, certification_id: int, reason: str) -> Certification:
    """The issuing office (or the city office) revokes a certification, with the reason."""
    certification = Certification.objects.select_for_update().filter(pk=certification_id).first()
    _refuse_unless(certification is not None, _("This certification does not exist."))
    assert certification is not None
    _refuse_unless(access.may_revoke(actor, certification),
                   _("You may not revoke this certification."))  # fmt: skip
    _refuse_unless(certification.revoked_on is None, _("This certification is revoked already."))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the certification is revoked.")})
    certification.revoked_on = timezone.localdate()
    certification.revoked_by = actor
    certification.revoke_reason = reason.strip()
    certification.save(update_fields=["revoked_on", "revoked_by", "revoke_reason"])
    case = lock(certification.case_id)
    record_step(
        case, actor=actor, move="revoke", from_state=case.state, text=reason.strip(),
        detail={"certification": certification.pk},
    )  # fmt: skip
    return certification


@dataclass(frozen=True)
class WaiverInput:
    amount: Decimal
    period_from: date
    period_until: date


@transaction.atomic
def waiver_record(*, actor: User, case_id: int, data: WaiverInput) -> FeeWaiver:
    """The lead unit (教育局, 卫生局) records the waiver; it keeps the certification it found."""
    case, unit = _service_case(actor, case_id, Service.Kind.FEE_WAIVER)
    _refuse_unless(not FeeWaiver.objects.filter(case=case).exists(),
                   _("This case has recorded its waiver already."))  # fmt: skip
    _check_amount(data.amount, "amount")
    _check_period(data.period_from, data.period_until, ("period_from", "period_until"))
    found = valid_certification(case.person_id)
    kind = FeeWaiver.Kind.MEDICAL if case.service.unit == "health" else FeeWaiver.Kind.SCHOOL
    waiver = FeeWaiver.objects.create(
        case=case, kind=kind, amount=data.amount, period_from=data.period_from,
        period_until=data.period_until, certification=found, recorded_by=actor,
    )  # fmt: skip
    record_step(
        case, actor=actor, move="waiver", from_state=case.state, department=unit.department,
        detail={"waiver": waiver.pk, "certified": found is not None},
    )  # fmt: skip
    return waiver


@transaction.atomic
def relief_record(
    *, actor: User, case_id: int, kind: str, amount: Decimal, paid_on: date
) -> ReliefPayment:
    """The lead unit (民政局) records a relief payment made on the case."""
    case, unit = _service_case(actor, case_id, Service.Kind.RELIEF)
    if kind not in ReliefPayment.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of relief.")})
    _check_amount(amount, "amount")
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be recorded before it is made.")})
    payment = ReliefPayment.objects.create(
        case=case, area_code=case.area_code, kind=kind, amount=amount, paid_on=paid_on,
        recorded_by=actor,
    )  # fmt: skip
    record_step(
        case, actor=actor, move="relief", from_state=case.state, department=unit.department,
        detail={"payment": payment.pk, "kind": kind},
    )  # fmt: skip
    return payment


@dataclass(frozen=True)
class OutcomeInput:
    kind: str
    partner: str
    result: str
    on: date
    note: str = ""


@transaction.atomic
def employment_record(*, actor: User, case_id: int, data: OutcomeInput) -> EmploymentOutcome:
    """The lead unit (人社局) records a referral or a training course and how it went."""
    case, unit = _service_case(actor, case_id, Service.Kind.EMPLOYMENT)
    problems = {}
    if data.kind not in EmploymentOutcome.Kind.values:
        problems["kind"] = _("Choose referral or training.")
    if data.result not in EmploymentOutcome.Result.values:
        problems["result"] = _("Choose the outcome.")
    if not data.partner.strip():
        problems["partner"] = _("Name the employer or the course.")
    if data.on > timezone.localdate() + timedelta(days=366):
        problems["on"] = _("The date is too far ahead.")
    if problems:
        raise ValidationError(problems)
    outcome = EmploymentOutcome.objects.create(
        case=case, kind=data.kind, partner=data.partner.strip(), result=data.result, on=data.on,
        note=data.note.strip(), recorded_by=actor,
    )  # fmt: skip
    record_step(
        case, actor=actor, move="employment", from_state=case.state, department=unit.department,
        reason=data.result, detail={"outcome": outcome.pk, "kind": data.kind},
    )  # fmt: skip
    return outcome
