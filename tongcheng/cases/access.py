"""Access to cases: the one way a view fetches a case, and who may make which move on it.

`get_case_for_user` fetches through `Case.objects.visible_to` (out of scope → NotInScope, 404)
and refuses writes to read-only roles (ReadOnly, 403). The move checks below say who acts:

- dispatching (派单, re-dispatch, upholding a dispatch): the hotline operators and the district
  and city offices whose area holds the case;
- deciding for a unit (a return, an extension, supervision, naming the lead unit): the
  district office of the case's district for a district unit, the city office for a city unit;
- a unit's own moves (sign, return, reply, ask for more time): that unit's liaison;
- the follow-up call: the hotline operators, and the offices and centres of the case's area;
- attaching a file: whoever may act on the case; removing one: its uploader while they still
  may, or the district or city office of the case's area.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from tongcheng.cases.attachmentmodels import CaseAttachment
from tongcheng.cases.models import Case, CaseUnit, Extension
from tongcheng.cases.scope import CASE_AREA_ROLES, department_ids
from tongcheng.cases.servicemodels import Certification, LegalVolunteer
from tongcheng.lib.areacodes import in_subtree, subtree_q
from tongcheng.lib.roles import Role
from tongcheng.org.access import NotInScope, ReadOnly, may_write
from tongcheng.org.models import Area, Department, User

DISPATCHERS = frozenset({Role.HOTLINE_OPERATOR, Role.DISTRICT_OFFICE, Role.CITY_ADMIN})
# Who names the lead unit after two returns (首接负责制).
LEAD_NAMERS = frozenset({Role.DISTRICT_OFFICE, Role.CITY_ADMIN})
FOLLOW_UP_ROLES = frozenset(
    {
        Role.HOTLINE_OPERATOR,
        Role.CITY_ADMIN,
        Role.DISTRICT_OFFICE,
        Role.STREET_OFFICER,
        Role.COMMUNITY_OFFICER,
    }
)
OPENERS = FOLLOW_UP_ROLES


def get_case_for_user(user: User, pk: int, write: bool = False) -> Case:
    """A case the user sees; 404 outside it, 403 when a read-only role would change it."""
    case = (
        Case.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("service", "community", "lead_department", "person")
        .first()
    )
    if case is None:
        raise NotInScope("case", pk)
    if write and not may_act_on(user, case):
        raise ReadOnly("case", pk)
    return case


def may_act_on(user: User, case: Case) -> bool:
    """Whether the user may change the case (the write check of get_case_for_user)."""
    return may_write(user, case.area_code, CASE_AREA_ROLES) or bool(units_of(user, case))


def may_open_in(user: User, area_code: str) -> bool:
    """Whether the user may open a case in this community."""
    return may_write(user, area_code, OPENERS)


def may_dispatch(user: User, case: Case) -> bool:
    return may_write(user, case.area_code, DISPATCHERS)


def may_follow_up(user: User, case: Case) -> bool:
    return may_write(user, case.area_code, FOLLOW_UP_ROLES)


def may_decide(user: User, case: Case) -> bool:
    """The office that decides for the case's lead unit (returns, extensions, supervision)."""
    department = case.lead_department
    if department is not None and department.area.level == Area.Level.CITY:
        return may_write(user, case.area_code, {Role.CITY_ADMIN})
    return may_write(user, case.area_code, {Role.DISTRICT_OFFICE, Role.CITY_ADMIN})


def may_name_lead(user: User, case: Case) -> bool:
    """After two returns the district office (or the city office) names the lead unit."""
    return may_write(user, case.area_code, LEAD_NAMERS)


# The same three rules as filters of cases, for the lists of what waits for an office (the
# dispatch desk): each selects exactly the cases its function above answers True for.
def dispatch_q(user: User) -> Q:
    """The cases `may_dispatch` allows."""
    return subtree_q(user.scope_prefixes(DISPATCHERS, write=True))


def name_lead_q(user: User) -> Q:
    """The cases `may_name_lead` allows."""
    return subtree_q(user.scope_prefixes(LEAD_NAMERS, write=True))


def decide_q(user: User) -> Q:
    """The cases `may_decide` allows: the city office's, and the district office's whose lead
    unit is not a city unit."""
    city = subtree_q(user.scope_prefixes({Role.CITY_ADMIN}, write=True))
    district = subtree_q(user.scope_prefixes({Role.DISTRICT_OFFICE}, write=True))
    return city | (district & ~Q(lead_department__area__level=Area.Level.CITY))


def units_of(user: User, case: Case) -> list[CaseUnit]:
    """The case's active units the user is a liaison of (lead first)."""
    ids = department_ids(user)
    if not ids:
        return []
    return list(CaseUnit.objects.filter(case=case, department_id__in=ids).active())


def department_serves_area(department: Department, area_code: str) -> bool:
    """A unit may be sent a case of its own area: a city unit any case, a district unit its
    district's."""
    return in_subtree(area_code, [department.area.prefix])


# The services beyond dispatch (servicemodels): the lead unit records what it granted or paid.
ROSTER_KEEPERS = frozenset({Role.DISTRICT_OFFICE, Role.CITY_ADMIN})


def lead_unit_of(user: User, case: Case) -> CaseUnit | None:
    """The case's active lead unit when the user is its liaison (it records the service)."""
    return next((unit for unit in units_of(user, case) if unit.is_lead), None)


def may_assign_legal_aid(user: User, case: Case) -> bool:
    """The lead unit (司法局) or the district office (which keeps the team) assigns a volunteer."""
    return lead_unit_of(user, case) is not None or may_write(user, case.area_code, ROSTER_KEEPERS)


def may_revoke(user: User, certification: Certification) -> bool:
    """The issuing office's liaisons, or the city office, revoke a certification."""
    return certification.department_id in department_ids(user) or may_write(
        user, certification.area_code, {Role.CITY_ADMIN}
    )


def get_certification_for_user(user: User, pk: int, write: bool = False) -> Certification:
    """A certification seen with its case; 404 outside it, 403 when the user may not revoke."""
    certification = (
        Certification.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("person", "department", "case")
        .first()
    )
    if certification is None:
        raise NotInScope("certification", pk)
    if write and not may_revoke(user, certification):
        raise ReadOnly("certification", pk)
    return certification


def get_volunteer_for_user(user: User, pk: int, write: bool = False) -> LegalVolunteer:
    """A roster row of the user's districts; writes by the district office or the city office."""
    volunteer = LegalVolunteer.objects.visible_to(user).filter(pk=pk).select_related("user").first()
    if volunteer is None:
        raise NotInScope("legal_volunteer", pk)
    if write and not may_write(user, volunteer.area_code, ROSTER_KEEPERS):
        raise ReadOnly("legal_volunteer", pk)
    return volunteer


def get_extension_for_user(user: User, pk: int, write: bool = False) -> Extension:
    """A request for more time on a case the user sees; 404 outside it, 403 when a read-only
    role would record something on it (as get_case_for_user)."""
    extension = (
        Extension.objects.filter(pk=pk, case__in=Case.objects.visible_to(user))
        .select_related("case", "department")
        .first()
    )
    if extension is None:
        raise NotInScope("extension", pk)
    if write and not may_act_on(user, extension.case):
        raise ReadOnly("extension", pk)
    return extension


# Who removes any attachment of a case of their area (its uploader removes their own).
ATTACHMENT_OFFICES = frozenset({Role.DISTRICT_OFFICE, Role.CITY_ADMIN})


def attachment_remover(user: User, case: Case) -> Callable[[CaseAttachment], bool]:
    """Whether the user may remove an attachment of `case`: the district or city office of the
    case's area, or the attachment's uploader while they may act on the case. Decided once per
    case, so a list of attachments asks nothing more per row."""
    office = may_write(user, case.area_code, ATTACHMENT_OFFICES)
    acting = office or may_act_on(user, case)
    return lambda attachment: office or (acting and attachment.uploaded_by_id == user.pk)


def get_attachment_for_user(
    user: User, case_pk: int, pk: int, write: bool = False
) -> CaseAttachment:
    """An attachment of a case the user sees; 404 outside it (or of another case), 403 when the
    user may not act on the case (whether they may remove this one is the action's check,
    `attachment_remover`, as a move's is)."""
    attachment = (
        CaseAttachment.objects.visible_to(user)
        .filter(pk=pk, case__pk=case_pk)
        .select_related("case", "uploaded_by")
        .first()
    )
    if attachment is None:
        raise NotInScope("case_attachment", pk)
    if write and not may_act_on(user, attachment.case):
        raise ReadOnly("case_attachment", pk)
    return attachment
