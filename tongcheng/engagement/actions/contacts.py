"""Talks with representatives (三必谈): recording one, with its follow-up opened as a 三必帮
case in the same step, and deleting one recorded by mistake. Each keeps the slots and tallies
in the same transaction (summaries.count_contact), under the representative's row lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.cases.actions.intake import CaseInput, case_open
from tongcheng.cases.models import Channel, Nature, Service
from tongcheng.engagement import cadence, summaries
from tongcheng.engagement.access import may_write_in
from tongcheng.engagement.errors import EngagementRefused
from tongcheng.engagement.identifiers import identity
from tongcheng.engagement.models import Contact, Kind, Representative, Topic
from tongcheng.org.models import Area, User


@dataclass(frozen=True)
class ContactInput:
    kind: str
    held_on: date
    summary: str
    topics: Sequence[str] = field(default_factory=list)
    follow_up: str = ""
    # Open the follow-up as a 三必帮 case of this service at once.
    case_service: Service | None = None


def case_community(rep: Representative) -> Area | None:
    """Where a follow-up case of the representative belongs: their file's community, else the
    appointment's area when it is a community (a street's or district's representative without
    a file has none: their cases are opened from the cases' pages)."""
    if rep.person is not None:
        return rep.person.community
    return rep.area if rep.area.level == Area.Level.COMMUNITY else None


def _problems(rep: Representative, data: ContactInput, fest: cadence.Festivals) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.kind not in Kind.values:
        problems["kind"] = _("Choose the kind of talk.")
    if data.held_on > timezone.localdate():
        problems["held_on"] = _("The talk cannot be in the future.")
    elif not rep.term_from <= data.held_on <= rep.last_day:
        problems["held_on"] = _("Choose a day of the representative's term.")
    elif data.kind == Kind.FORUM and fest.forum_year(data.held_on) is None:
        problems["held_on"] = _(
            "A 古尔邦节 forum counts when held from %(before)d days before to %(after)d days "
            "after the festival."
        ) % {"before": cadence.FORUM_BEFORE, "after": cadence.FORUM_AFTER}
    if not set(data.topics) <= set(Topic.values):
        problems["topics"] = _("Choose topics from the list.")
    if not data.summary.strip():
        problems["summary"] = _("Write a short summary of the talk.")
    if data.case_service is not None:
        if not data.follow_up.strip():
            problems["follow_up"] = _("Describe the follow-up the case is opened for.")
        elif case_community(rep) is None:
            problems["case_service"] = _(
                "This representative has no community: open their case from the cases' pages."
            )
    return problems


@transaction.atomic
def contact_create(*, actor: User, rep_id: int, data: ContactInput) -> Contact:
    """Record a talk (and open its follow-up as a case when asked)."""
    rep = (
        Representative.objects.select_for_update(of=("self",))
        .select_related("person", "area")
        .get(pk=rep_id)
    )
    if not may_write_in(actor, rep.area_code):
        raise EngagementRefused(_("You may not record talks in this area."))
    fest = summaries.festivals()
    problems = _problems(rep, data, fest)
    if problems:
        raise ValidationError(problems)
    case = None
    if data.case_service is not None:
        name, _ethnicity, phone = identity(rep)
        case = case_open(actor=actor, data=CaseInput(
            service=data.case_service, nature=Nature.HELP, description=data.follow_up.strip(),
            channel=Channel.COMMUNITY, community=case_community(rep), person=rep.person,
            caller_name="" if rep.person else name, caller_phone="" if rep.person else phone,
        ))  # fmt: skip
    contact = Contact.objects.create(
        representative=rep, area_code=rep.area_code, kind=data.kind, held_on=data.held_on,
        officer=actor, topics=[t for t in Topic.values if t in set(data.topics)],
        summary=data.summary.strip(), follow_up=data.follow_up.strip(), case=case,
    )  # fmt: skip
    summaries.count_contact(contact, +1, fest)
    audit_record(
        actor=actor, action="contact.create", object_type="contact", object_id=contact.pk,
        area_code=rep.area_code,
        detail={"representative": rep.pk, "kind": data.kind, "case": case.pk if case else None},
    )  # fmt: skip
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact_id: int) -> None:
    """Delete a talk recorded by mistake (its case, if one was opened, stays)."""
    rep_id = Contact.objects.filter(pk=contact_id).values_list("representative", flat=True).first()
    if rep_id is not None:
        Representative.objects.select_for_update().filter(pk=rep_id).first()
    # Read again under the lock: a second delete of the same talk finds nothing to undo.
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None:
        raise EngagementRefused(_("This talk was deleted already."))
    if not may_write_in(actor, contact.area_code):
        raise EngagementRefused(_("You may not delete talks in this area."))
    summaries.count_contact(contact, -1)
    audit_record(
        actor=actor, action="contact.delete", object_type="contact", object_id=contact.pk,
        area_code=contact.area_code, detail={"representative": contact.representative_id},
    )  # fmt: skip
    contact.delete()
