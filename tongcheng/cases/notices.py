"""Who hears of what happens to a case: the notifications (and urgent texts) of each step.

`announce(case, move)` runs inside the move's transaction (from `record_step`), so a step and
its notices are written together or not at all. Every notice's key names the case and the
step's version (or, for the sweep's notices, the deadline concerned), so each user hears of one
event once, however often the sweep runs. Texts are the case number, the service and the unit:
never the resident's name or words.

- a dispatch, re-dispatch or upheld dispatch: the liaisons of each unit now waiting to sign
  (and, for an urgent case, a text message to those who gave a mobile);
- a return to adjudicate: whoever dispatches in the case's area at the deciding office's level
  (the district office for a district unit, the city office for a city unit);
- a request for more time: the deciding office; its decision: the unit's liaisons;
- a reopening, a 催办, supervision: the lead unit's liaisons;
- a reply (a follow-up call is due): whoever opened the case, else the hotline operators of
  its area;
- the person the case serves, by text message, only with their consent (the file's
  CONTACT_BY_PHONE consent, or the caller's at intake): a receipt with the case number when the
  case is opened, a note when it is replied;
- from the sweep: due within one working day and overdue, to whoever the running deadline is
  for (the dispatching office while it waits for dispatch, the units while they sign and
  handle, the follow-up while it waits for the call).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongcheng.cases.identifiers import contact
from tongcheng.cases.models import Case, CaseUnit, State
from tongcheng.cases.workflow import Move
from tongcheng.lib.areacodes import ancestor_codes
from tongcheng.lib.roles import Role
from tongcheng.notify.kinds import Kind
from tongcheng.notify.services import (
    Notice,
    notify,
    notify_many,
    text_message_queue,
    urgent_text_to_users,
)
from tongcheng.org.models import Area, Department, Membership
from tongcheng.registry.models import Consent

KINDS = {
    "case.dispatched": Kind(
        _("A case was dispatched to my unit"),
        _("Case %(number)s (%(service)s) was dispatched to %(unit)s"),
        email_by_default=True,
    ),
    "case.returned": Kind(
        _("A returned case waits for adjudication"),
        _("Case %(number)s (%(service)s) was returned by %(unit)s: adjudicate it"),
        email_by_default=True,
    ),
    "case.extension": Kind(
        _("A unit asks for more time"),
        _("%(unit)s asks for more time on case %(number)s (%(service)s)"),
        email_by_default=True,
    ),
    "case.extension_decided": Kind(
        _("A request for more time was decided"),
        _("The request for more time on case %(number)s was decided"),
    ),
    "case.reopened": Kind(
        _("A case was reopened"),
        _("Case %(number)s (%(service)s) was reopened: the caller was not satisfied"),
        email_by_default=True,
    ),
    "case.urged": Kind(
        _("催办: a deadline was missed"),
        _("催办: case %(number)s (%(service)s) missed its deadline"),
        email_by_default=True,
    ),
    "case.supervised": Kind(
        _("A case was put under supervision"),
        _("Case %(number)s (%(service)s) is under supervision"),
    ),
    "case.follow_up_due": Kind(
        _("A follow-up call is due"),
        _("Case %(number)s (%(service)s) was replied: the follow-up call is due"),
    ),
    "case.due_soon": Kind(
        _("A deadline falls within one working day"),
        _("Case %(number)s (%(service)s) is due by %(due)s"),
    ),
    "case.overdue": Kind(
        _("A deadline passed"),
        _("Case %(number)s (%(service)s) is overdue since %(due)s"),
        email_by_default=True,
    ),
}


def liaisons_of(department_ids: Iterable[int]) -> list[int]:
    ids = set(department_ids)
    if not ids:
        return []
    return list(
        Membership.objects.filter(role=Role.DEPT_LIAISON, department_id__in=ids)
        .values_list("user_id", flat=True)
        .distinct()
    )


def members_over(case: Case, roles: Iterable[Role]) -> list[int]:
    """Users with one of `roles` in an area whose subtree holds the case."""
    return _members_over_each([case], roles)[case.pk]


def _members_over_each(cases: Sequence[Case], roles: Iterable[Role]) -> dict[int, list[int]]:
    """`members_over` of each case, in one query."""
    ancestors = {case.pk: ancestor_codes(case.area_code) for case in cases}
    codes = sorted({code for its in ancestors.values() for code in its})
    by_area: dict[str, set[int]] = defaultdict(set)
    for code, user_id in (
        Membership.objects.filter(role__in=list(roles), area__code__in=codes)
        .values_list("area__code", "user_id")
        .distinct()
    ):
        by_area[code].add(user_id)
    return {pk: sorted({u for code in its for u in by_area[code]}) for pk, its in ancestors.items()}


def deciders(case: Case) -> list[int]:
    """The office that decides for the case's lead unit (as access.may_decide)."""
    department = case.lead_department
    if department is not None and department.area.level == Area.Level.CITY:
        return members_over(case, {Role.CITY_ADMIN})
    return members_over(case, {Role.DISTRICT_OFFICE})


def follow_up_callers(case: Case) -> list[int]:
    if case.created_by_id is not None:
        return [case.created_by_id]
    return members_over(case, {Role.HOTLINE_OPERATOR})


def _params(case: Case, **more: object) -> dict[str, object]:
    unit = case.lead_department.name if case.lead_department is not None else ""
    return {"number": case.number, "service": case.service.name, "unit": unit, **more}


def _tell(case: Case, kind: str, users: Iterable[int], key: str, **more: object) -> None:
    notify(
        users=users,
        kind=kind,
        key=f"case:{case.pk}:{key}",
        params=_params(case, **more),
        url=reverse("cases:case_detail", args=[case.pk]),
    )


def announce(case: Case, move: Move | str, *, department: Department | None = None) -> None:
    """The notices of the step just written (`case.version` is the step's)."""
    version = f"v{case.version}"
    if move in {Move.DISPATCH, Move.REDISPATCH, Move.UPHOLD}:
        _dispatched(case, version)
    elif move == Move.RETURN:
        _tell(case, "case.returned", deciders(case), version, unit=_name(department))
    elif move == Move.REQUEST_EXTENSION:
        _tell(case, "case.extension", deciders(case), version, unit=_name(department))
    elif move == Move.DECIDE_EXTENSION:
        _tell(case, "case.extension_decided", liaisons_of(_active_units(case)), version)
    elif move == Move.URGE:
        _tell(case, "case.urged", liaisons_of(_lead_unit(case)), version)
    elif move == Move.SUPERVISE:
        _tell(case, "case.supervised", liaisons_of(_active_units(case)), version)
    elif move == Move.FOLLOW_UP and case.state == State.REOPENED:
        _tell(case, "case.reopened", liaisons_of(_lead_unit(case)), version)
    elif move == Move.REPLY and case.state == State.REPLIED:
        _tell(case, "case.follow_up_due", follow_up_callers(case), version)
        caller_text(case, f"reply:{version}")


def _dispatched(case: Case, version: str) -> None:
    waiting = CaseUnit.objects.filter(case=case, state=CaseUnit.State.WAITING).values_list(
        "department_id", "department__name"
    )
    for department_id, name in waiting:
        users = liaisons_of([department_id])
        _tell(case, "case.dispatched", users, f"{version}:d{department_id}", unit=name)
        if case.urgency == "urgent":
            with translation.override(settings.LANGUAGE_CODE):
                words = gettext("Tongcheng: urgent case %(number)s (%(service)s) sent to %(unit)s.")
                text = words % {"number": case.number, "service": case.service.name, "unit": name}
            urgent_text_to_users(
                users=users, key=f"case:{case.pk}:{version}:d{department_id}", text=text
            )


# The texts to a caller who agreed to be told by text message: the case number, what happens
# next and where to look, never the request's words.
CALLER_TEXTS = {
    "receipt": _(
        "Tongcheng service line: your request was received, case number %(number)s. Check its "
        "progress at %(site)s/hotline/track/ with this number and the last 4 digits of your phone."
    ),
    "reply": _(
        "Tongcheng service line: case %(number)s was answered. We will call you to ask whether "
        "you are satisfied."
    ),
}


def agrees_to_texts(case: Case) -> bool:
    """A file's open CONTACT_BY_PHONE consent, or a caller's consent at intake."""
    if case.person_id is None:
        return case.text_consent
    return Consent.objects.filter(
        person_id=case.person_id, kind=Consent.Kind.CONTACT_BY_PHONE, withdrawn_on__isnull=True
    ).exists()


def caller_text(case: Case, event: str) -> None:
    """Text the person the case serves (receipt, reply), once per event, if they agreed."""
    if not agrees_to_texts(case):
        return
    phone = contact(case)[1]
    if not phone:
        return
    with translation.override(settings.LANGUAGE_CODE):
        words = str(CALLER_TEXTS[event.split(":")[0]])
        text = words % {"number": case.number, "site": settings.SITE_URL.rstrip("/")}
    text_message_queue(key=f"case:{case.pk}:caller:{event}", to=phone, text=text)


def deadline_notices(cases: Sequence[Case], kind: str) -> None:
    """A sweep's notices (due soon, overdue) of each case's running deadline, once per deadline
    (the key names it), for a batch of cases in a fixed number of queries: whom each deadline
    is for (four at most), then the notifications (three)."""
    owners = _deadline_owners_each(cases)
    notify_many(
        Notice(
            users=tuple(owners[case.pk]),
            kind=kind,
            key=f"case:{case.pk}:{kind}:{int(case.due_at.timestamp())}",
            params=_params(case, due=timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")),
            url=reverse("cases:case_detail", args=[case.pk]),
        )
        for case in cases
        if case.due_at is not None
    )


def _deadline_owners_each(cases: Sequence[Case]) -> dict[int, list[int]]:
    """Whom each case's running deadline is for: the dispatching office while it waits for
    dispatch, the follow-up while it waits for the call, else the units signing and handling."""
    waiting = [case for case in cases if case.state == State.RECEIVED]
    replied = [case for case in cases if case.state == State.REPLIED]
    called = [case for case in replied if case.created_by_id is None]
    handled = [case for case in cases if case.state not in (State.RECEIVED, State.REPLIED)]
    owners = {case.pk: [case.created_by_id] for case in replied if case.created_by_id is not None}
    if waiting:
        owners |= _members_over_each(waiting, {Role.DISTRICT_OFFICE})
    if called:
        owners |= _members_over_each(called, {Role.HOTLINE_OPERATOR})
    if handled:
        owners |= _liaisons_each(handled)
    return owners


def _liaisons_each(cases: Sequence[Case]) -> dict[int, list[int]]:
    """`liaisons_of(_active_units(case))` of each case, in two queries."""
    units: dict[int, set[int]] = defaultdict(set)
    rows = CaseUnit.objects.filter(case_id__in=[case.pk for case in cases]).active()
    for case_id, department_id in rows.values_list("case_id", "department_id"):
        units[case_id].add(department_id)
    by_unit: dict[int, set[int]] = defaultdict(set)
    departments = {d for its in units.values() for d in its}
    if departments:
        for department_id, user_id in (
            Membership.objects.filter(role=Role.DEPT_LIAISON, department_id__in=departments)
            .values_list("department_id", "user_id")
            .distinct()
        ):
            by_unit[department_id].add(user_id)
    return {case.pk: sorted({u for d in units[case.pk] for u in by_unit[d]}) for case in cases}


def _active_units(case: Case) -> list[int]:
    return list(CaseUnit.objects.filter(case=case).active().values_list("department_id", flat=True))


def _lead_unit(case: Case) -> list[int]:
    return [case.lead_department_id] if case.lead_department_id is not None else []


def _name(department: Department | None) -> str:
    return department.name if department is not None else ""
