"""Legal aid (司法局): the district's volunteer team and the assignment of a case to one of them.

A case is assigned only while the person's legal-aid sharing consent is on file and not
withdrawn (`servicemodels.consent_on_file` through
`serviceselectors.why_not_assignable`, the rule `Case.objects.visible_to` applies at every
read too): withdrawing the consent ends the volunteer's access at once, without any step here.
A volunteer is on the team of one district, with an account holding the volunteer role there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases import access
from tongcheng.cases.actions.steps import lock, record_step
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.servicemodels import LegalAidAssignment, LegalVolunteer
from tongcheng.cases.serviceselectors import why_not_assignable
from tongcheng.lib.areacodes import in_subtree, prefix_of
from tongcheng.lib.roles import Role
from tongcheng.org.access import may_write
from tongcheng.org.models import Area, User
from tongcheng.registry.models import Consent


@dataclass(frozen=True)
class VolunteerInput:
    name: str
    contact: str
    skills: str = ""
    active: bool = True


def volunteer_holds_role(account: User, district: Area) -> bool:
    """Whether the account holds the volunteer role in that district (or the whole city)."""
    return any(
        m.role == Role.LEGAL_VOLUNTEER and in_subtree(district.code, [m.area.prefix])
        for m in account.all_memberships()
    )


def _check(data: VolunteerInput) -> None:
    problems = {}
    if not data.name.strip():
        problems["name"] = _("Enter the volunteer's name.")
    if not data.contact.strip():
        problems["contact"] = _("Enter how to reach the volunteer.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def volunteer_create(
    *, actor: User, account: User, district: Area, data: VolunteerInput
) -> LegalVolunteer:
    """Put an account holding the volunteer role on the district's team."""
    if district.level != Area.Level.DISTRICT or not may_write(
        actor, district.code, access.ROSTER_KEEPERS
    ):
        raise ValidationError({"district": _("Choose a district you keep the team of.")})
    if not volunteer_holds_role(account, district):
        raise ValidationError({"account": _("This account holds no volunteer role here.")})
    if LegalVolunteer.objects.filter(user=account).exists():
        raise ValidationError({"account": _("This account is on a team already.")})
    _check(data)
    volunteer = LegalVolunteer.objects.create(
        user=account, district=district, area_code=district.code, name=data.name.strip(),
        contact=data.contact.strip(), skills=data.skills.strip(), active=data.active,
    )  # fmt: skip
    audit_record(
        actor=actor, action="volunteer.create", object_type="legal_volunteer",
        object_id=volunteer.pk, area_code=volunteer.area_code,
    )  # fmt: skip
    return volunteer


@transaction.atomic
def volunteer_update(
    *, actor: User, volunteer: LegalVolunteer, data: VolunteerInput
) -> LegalVolunteer:
    """Change a team member's details, or take them off the team (`active=False`)."""
    if not may_write(actor, volunteer.area_code, access.ROSTER_KEEPERS):
        raise CaseRefused(_("You may not change this team."))
    _check(data)
    changed = [
        name
        for name, value in (
            ("name", data.name.strip()),
            ("contact", data.contact.strip()),
            ("skills", data.skills.strip()),
            ("active", data.active),
        )
        if getattr(volunteer, name) != value
    ]
    for name in changed:
        setattr(volunteer, name, getattr(data, name).strip() if name != "active" else data.active)
    if changed:
        volunteer.save(update_fields=changed)
    audit_record(
        actor=actor, action="volunteer.update", object_type="legal_volunteer",
        object_id=volunteer.pk, area_code=volunteer.area_code, detail={"fields": changed},
    )  # fmt: skip
    return volunteer


@transaction.atomic
def legal_aid_assign(*, actor: User, case_id: int, volunteer: LegalVolunteer) -> LegalAidAssignment:
    """Give a legal-aid case to a volunteer of its district's team (one at a time)."""
    case = lock(case_id)
    if not access.may_assign_legal_aid(actor, case):
        raise CaseRefused(_("You may not give this case to a volunteer."))
    reason = why_not_assignable(case)
    if reason:
        raise CaseRefused(reason)
    if not volunteer.active or not in_subtree(case.area_code, [prefix_of(volunteer.area_code)]):
        raise ValidationError({"volunteer": _("Choose a volunteer of this district's team.")})
    now = timezone.now()
    LegalAidAssignment.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    consent = Consent.objects.filter(
        person=case.person, kind=Consent.Kind.LEGAL_AID_SHARING, withdrawn_on__isnull=True
    ).first()
    assignment = LegalAidAssignment.objects.create(
        case=case, volunteer=volunteer, assigned_at=now, assigned_by=actor, consent=consent
    )
    record_step(
        case, actor=actor, move="assign", from_state=case.state,
        detail={"volunteer": volunteer.pk},
    )  # fmt: skip
    return assignment
