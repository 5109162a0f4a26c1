"""The case page's panel for the services beyond dispatch: what the case recorded (the
certification, the waiver and the certification it found, payments, outcomes, the volunteer)
and the forms its user may use now (each step's action checks again under the row lock).

Bounded: one or two queries for the service's own records, none for a general service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms

from tongcheng.cases import access
from tongcheng.cases import serviceforms as sf
from tongcheng.cases.models import HANDLING_STATES, Case, CaseUnit, Service
from tongcheng.cases.servicemodels import (
    Certification,
    EmploymentOutcome,
    FeeWaiver,
    LegalAidAssignment,
    LegalVolunteer,
    ReliefPayment,
)
from tongcheng.cases.serviceselectors import team_for, valid_certification, why_not_assignable
from tongcheng.org.models import User

Kind = Service.Kind
STEP_FORMS: dict[str, type[sf.StepForm]] = {
    "grant": sf.GrantForm,
    "revoke": sf.RevokeForm,
    "waiver": sf.WaiverForm,
    "relief": sf.ReliefForm,
    "employment": sf.OutcomeForm,
    "assign": sf.AssignForm,
}


@dataclass
class ServicePanel:
    kind: str
    certification: Certification | None = None
    found: Certification | None = None
    waiver: FeeWaiver | None = None
    payments: list[ReliefPayment] = field(default_factory=list)
    outcomes: list[EmploymentOutcome] = field(default_factory=list)
    assignment: LegalAidAssignment | None = None
    blocked: str = ""
    forms: dict[str, forms.Form] = field(default_factory=dict)


def step_form(step: str, case: Case, data: Any = None) -> sf.StepForm:
    """The form of one step (KeyError for an unknown step)."""
    form_class = STEP_FORMS[step]
    if form_class is sf.AssignForm:
        ids = [volunteer.pk for volunteer in team_for(case)]
        return sf.AssignForm(data, team=LegalVolunteer.objects.filter(pk__in=ids))
    return form_class(data)


def _records(panel: ServicePanel, case: Case) -> None:
    if panel.kind == Kind.HARDSHIP_CERTIFICATION:
        panel.certification = Certification.objects.filter(case=case).first()
    elif panel.kind == Kind.FEE_WAIVER:
        panel.waiver = FeeWaiver.objects.filter(case=case).first()
        panel.found = valid_certification(case.person_id)
    elif panel.kind == Kind.RELIEF:
        panel.payments = list(ReliefPayment.objects.filter(case=case).order_by("paid_on", "pk"))
    elif panel.kind == Kind.EMPLOYMENT:
        panel.outcomes = list(EmploymentOutcome.objects.filter(case=case).order_by("on", "pk"))
    elif panel.kind == Kind.LEGAL_AID:
        panel.assignment = (
            LegalAidAssignment.objects.filter(case=case, ended_at__isnull=True)
            .select_related("volunteer", "consent")
            .first()
        )
        panel.blocked = why_not_assignable(case)


def _offered(user: User, case: Case, panel: ServicePanel) -> list[str]:
    unit = access.lead_unit_of(user, case) if case.is_open else None
    steps = []
    if panel.kind == Kind.HARDSHIP_CERTIFICATION:
        signed = unit is not None and unit.state == CaseUnit.State.SIGNED
        if panel.certification is None and signed and case.state in HANDLING_STATES:
            steps.append("grant" if case.person_id else "")
        elif panel.certification is not None and panel.certification.revoked_on is None:
            steps.append("revoke" if access.may_revoke(user, panel.certification) else "")
    elif panel.kind == Kind.FEE_WAIVER and panel.waiver is None and unit is not None:
        steps.append("waiver")
    elif panel.kind == Kind.RELIEF and unit is not None:
        steps.append("relief")
    elif panel.kind == Kind.EMPLOYMENT and unit is not None:
        steps.append("employment")
    elif panel.kind == Kind.LEGAL_AID and not panel.blocked:
        steps.append("assign" if access.may_assign_legal_aid(user, case) else "")
    return [step for step in steps if step]


def service_panel(
    user: User, case: Case, failed: tuple[str, forms.Form] | None = None
) -> ServicePanel | None:
    """The panel of the case's service for this user (None for a service of plain dispatch);
    `failed`: a step's form refused, shown again with its errors."""
    kind = case.service.kind
    if kind == Kind.GENERAL:
        return None
    panel = ServicePanel(kind=kind)
    _records(panel, case)
    for step in _offered(user, case, panel):
        panel.forms[step] = step_form(step, case)
    if failed is not None and failed[0] in panel.forms:
        panel.forms[failed[0]] = failed[1]
    return panel
