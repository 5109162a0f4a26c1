"""Opening a case: from a file, from a call, from a platform ticket or from a proactive list.

A caller without a file is allowed: their name and phone are kept as the ledger keeps
identifiers (encrypted with the column's own context, the phone also as the ledger's keyed
hash and its last 4 digits), so the console finds the earlier cases of a number and the public
progress page can check the last 4 digits; the case can be linked to a file later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases import access
from tongcheng.cases.actions.steps import now, refresh_deadlines
from tongcheng.cases.actions.workflow import case_dispatch
from tongcheng.cases.errors import CaseRefused
from tongcheng.cases.identifiers import caller_columns
from tongcheng.cases.kpi.counting import kpi_count_open
from tongcheng.cases.models import (
    Case,
    CaseEvent,
    CaseSubmission,
    Channel,
    Nature,
    Service,
    State,
    Urgency,
)
from tongcheng.cases.notices import caller_text
from tongcheng.org.models import Area, Department, User
from tongcheng.org.workcalendar import current_calendar
from tongcheng.registry.models import Person


@dataclass(frozen=True)
class CaseInput:
    service: Service
    nature: str
    description: str
    channel: str
    community: Area | None = None
    person: Person | None = None
    caller_name: str = ""
    caller_phone: str = ""
    urgency: str = Urgency.NORMAL
    interpreter: str = ""
    # A caller without a file agrees to be told by text message (receipt, reply).
    text_consent: bool = False
    # Dispatch at once (a dispatcher's intake): the lead unit and co-handling units.
    lead: Department | None = None
    co: Sequence[Department] = field(default_factory=tuple)


def _problems(data: CaseInput, community: Area | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.person is None and not data.caller_name.strip():
        problems["caller_name"] = _("Enter the caller's name, or open the case from a file.")
    if community is None or community.level != Area.Level.COMMUNITY:
        problems["community"] = _("Choose the community where the person lives.")
    if not data.service.active:
        problems["service"] = _("This service is no longer offered.")
    if data.nature not in Nature.values:
        problems["nature"] = _("Choose the nature of the request.")
    if data.urgency not in Urgency.values:
        problems["urgency"] = _("Choose the urgency.")
    if data.channel not in Channel.values:
        problems["channel"] = _("Choose the channel.")
    if not data.description.strip():
        problems["description"] = _("Describe what the person needs.")
    return problems


@transaction.atomic
def case_open(*, actor: User | None, data: CaseInput) -> Case:
    """受理: open a case (and dispatch it at once when `data.lead` is given)."""
    community = data.community or (data.person.community if data.person else None)
    problems = _problems(data, community)
    if problems:
        raise ValidationError(problems)
    assert community is not None
    if actor is not None and not access.may_open_in(actor, community.code):
        raise CaseRefused(_("You may not open a case in this community."))
    case = Case(
        person=data.person,
        community=community,
        area_code=community.code,
        service=data.service,
        group=data.service.group,
        nature=data.nature,
        urgency=data.urgency,
        interpreter=data.interpreter,
        description=data.description.strip(),
        channel=data.channel,
        state=State.RECEIVED,
        received_at=now(),
        created_by=actor,
        text_consent=data.text_consent and data.person is None,
        **caller_columns(data.caller_name, data.caller_phone),
    )
    refresh_deadlines(case, current_calendar())
    case.save()
    CaseEvent.objects.create(case=case, actor=actor, action="open", to_state=case.state)
    kpi_count_open(case)
    audit_record(
        actor=actor,
        action="case.create",
        object_type="case",
        object_id=case.pk,
        area_code=case.area_code,
        detail={"service": data.service.code, "channel": data.channel, "file": bool(data.person)},
    )
    caller_text(case, "receipt")
    if data.lead is not None and actor is not None:
        return case_dispatch(
            actor=actor, case_id=case.pk, expected_version=case.version, lead=data.lead,
            co=data.co,
        )  # fmt: skip
    return case


# How long a submission key is honoured: the same key again opens nothing new.
SUBMISSION_KEPT = timedelta(hours=24)


@dataclass(frozen=True)
class Opened:
    case: Case
    repeated: bool  # the key was used before: this is the case it opened, nothing new

    def message(self) -> str:
        """What the officer is told (a case opened, or one the same form opened before)."""
        if self.repeated:
            text = _("This case was opened already (the form was sent twice): %(number)s.")
        else:
            text = _("The case is opened: %(number)s.")
        return text % {"number": self.case.number}


def case_submitted(user: User, key: str) -> Case | None:
    """The case `user` opened with `key` within SUBMISSION_KEPT, if any."""
    if not key:
        return None
    found = (
        CaseSubmission.objects.filter(
            user=user, key=key, case__isnull=False, created_at__gte=now() - SUBMISSION_KEPT
        )
        .select_related("case")
        .first()
    )
    return found.case if found is not None else None


@transaction.atomic
def case_open_once(*, actor: User, data: CaseInput, key: str) -> Opened:
    """`case_open`, once per account and submission key (SUBMISSION_KEPT; an empty key: every
    call opens). The key is claimed before the case is opened, in the same transaction: a
    second submission at the same moment waits for the first (the key's unique row) and then
    answers with its case; a first that failed (its fields, its scope) leaves the key free."""
    if not key:
        return Opened(case_open(actor=actor, data=data), repeated=False)
    CaseSubmission.objects.filter(
        user=actor, key=key, created_at__lt=now() - SUBMISSION_KEPT
    ).delete()
    try:
        with transaction.atomic():
            claim = CaseSubmission.objects.create(user=actor, key=key)
    except IntegrityError:
        earlier = case_submitted(actor, key)
        if earlier is None:  # claimed and still being opened (SQLite never gets here)
            raise CaseRefused(_("This case is being opened; look for it in a moment.")) from None
        return Opened(earlier, repeated=True)
    case = case_open(actor=actor, data=data)
    CaseSubmission.objects.filter(pk=claim.pk).update(case=case)
    return Opened(case, repeated=False)
