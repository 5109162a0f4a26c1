"""Appointments: making one (聘任), changing it, ending it; each keeps the slots and tallies
in the same transaction (summaries.sync_slots) and writes its audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.services import audit_record
from tongcheng.engagement import summaries
from tongcheng.engagement.access import may_write_in
from tongcheng.engagement.errors import EngagementRefused
from tongcheng.engagement.identifiers import resident_columns
from tongcheng.engagement.models import Duty, Representative
from tongcheng.engagement.scope import representative_prefixes
from tongcheng.lib.areacodes import in_subtree
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Ethnicity, User
from tongcheng.registry.models import Person

# A term is at most five years (a slot per week and month: about 330 rows at most).
MAX_TERM = timedelta(days=5 * 366)
# The years a term lies in: the cadence counts weeks and months past its end (none past 9999).
TERM_YEARS = (2000, 2099)


@dataclass(frozen=True)
class RepresentativeInput:
    area: Area
    term_from: date
    term_to: date
    office: str
    officer: User
    person: Person | None = None
    name: str = ""
    ethnicity: str = ""
    phone: str = ""
    duties: Sequence[str] = field(default_factory=lambda: list(Duty.values))
    account: User | None = None


def _term_problems(term_from: date, term_to: date) -> dict[str, str]:
    first, last = TERM_YEARS
    message = _("Choose a day in the years %(first)d to %(last)d.") % {"first": first, "last": last}
    problems = {
        name: message
        for name, day in (("term_from", term_from), ("term_to", term_to))
        if not first <= day.year <= last
    }
    if problems:
        return problems
    if term_to < term_from:
        return {"term_to": _("The term ends before it begins.")}
    if term_to - term_from > MAX_TERM:
        return {"term_to": _("A term lasts five years at most.")}
    return {}


def _problems(data: RepresentativeInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    if data.person is None:
        if not data.name.strip():
            problems["name"] = _("Enter the representative's name, or choose their file.")
        if not Ethnicity.objects.filter(code=data.ethnicity).exists():
            problems["ethnicity"] = _("Choose the representative's ethnic group.")
    if data.area.level == Area.Level.CITY:
        problems["area"] = _("Choose a community, a street or a district.")
    problems.update(_term_problems(data.term_from, data.term_to))
    if not data.office.strip():
        problems["office"] = _("Enter the appointing office.")
    if not data.officer.is_active or not may_write_in(data.officer, data.area.code):
        problems["officer"] = _("Choose an officer who works in the representative's area.")
    if not data.duties or not set(data.duties) <= set(Duty.values):
        problems["duties"] = _("Choose at least one of the three social duties.")
    if data.account is not None and Role.REPRESENTATIVE not in data.account.held_roles():
        problems["account"] = _("Choose an account that holds the representative role.")
    return problems


def _account_in_area(actor: User, account: User) -> bool:
    """Whether the account holds the representative role in the actor's area (the accounts the
    page offers): another area's representative may not be given sight of the appointment."""
    prefixes = representative_prefixes(actor, write=True)
    return any(
        m.role == Role.REPRESENTATIVE and in_subtree(m.area.code, prefixes)
        for m in account.all_memberships()
    )


def _check(actor: User, data: RepresentativeInput) -> None:
    problems = _problems(data)
    if "account" not in problems and data.account and not _account_in_area(actor, data.account):
        problems["account"] = _("Choose a representative's account of your area.")
    if problems:
        raise ValidationError(problems)
    if not may_write_in(actor, data.area.code):
        raise EngagementRefused(_("You may not appoint representatives in this area."))


def _apply(rep: Representative, data: RepresentativeInput) -> None:
    rep.person = data.person
    columns = (
        resident_columns(data.name, data.ethnicity, data.phone)
        if data.person is None
        else resident_columns("", "", "")
    )
    for name, value in columns.items():
        setattr(rep, name, value)
    rep.area = data.area
    rep.area_code = data.area.code
    rep.term_from, rep.term_to = data.term_from, data.term_to
    rep.office = data.office.strip()
    rep.officer = data.officer
    rep.duties = [duty for duty in Duty.values if duty in set(data.duties)]
    rep.account = data.account


def serial_for(rep: Representative) -> str:
    """The letter's serial number: 聘 year and the appointment's number (TCR2026000123)."""
    return f"TCR{rep.term_from.year}{rep.pk:06d}"


@transaction.atomic
def representative_create(*, actor: User, data: RepresentativeInput) -> Representative:
    """聘任: appoint a representative for a term, with the slots of its periods."""
    _check(actor, data)
    rep = Representative(created_by=actor, serial=f"new-{uuid.uuid4().hex[:16]}")
    _apply(rep, data)
    rep.save()
    rep.serial = serial_for(rep)
    Representative.objects.filter(pk=rep.pk).update(serial=rep.serial)
    summaries.sync_slots(rep)
    audit_record(
        actor=actor, action="representative.create", object_type="representative",
        object_id=rep.pk, area_code=rep.area_code, detail={"file": rep.person_id is not None},
    )  # fmt: skip
    return rep


def _lock(pk: int) -> Representative:
    return (
        Representative.objects.select_for_update(of=("self",)).select_related("person").get(pk=pk)
    )


def _contacts_span(rep: Representative) -> tuple[date | None, date | None]:
    span = rep.contacts.aggregate(first=Min("held_on"), last=Max("held_on"))
    return span["first"], span["last"]


@transaction.atomic
def representative_update(
    *, actor: User, rep_id: int, data: RepresentativeInput, expected_version: int | None = None
) -> Representative:
    """Change an active appointment (its term, area, officer, duties, account …).

    `expected_version` is the version the page was read at: a change made since is not written
    over (None: a change not made from a page, as the tests' and the demo's)."""
    rep = _lock(rep_id)
    if rep.state != Representative.State.ACTIVE:
        raise EngagementRefused(_("This appointment has ended; it can no longer be changed."))
    if not may_write_in(actor, rep.area_code):
        raise EngagementRefused(_("You may not change appointments in this area."))
    if expected_version is not None and expected_version != rep.version:
        raise EngagementRefused(
            _("The appointment was changed by someone else since you opened the page: open it "
              "again to see the change.")
        )  # fmt: skip
    _check(actor, data)
    first, last = _contacts_span(rep)
    if first is not None and first < data.term_from:
        raise ValidationError({"term_from": _("A talk was recorded before this day.")})
    if last is not None and last > data.term_to:
        raise ValidationError({"term_to": _("A talk was recorded after this day.")})
    before = {name: getattr(rep, name) for name in ("area_code", "officer_id", "term_from",
                                                    "term_to", "duties", "account_id")}  # fmt: skip
    _apply(rep, data)
    rep.version += 1
    rep.save()
    summaries.sync_slots(rep)
    changed = sorted(name for name, value in before.items() if getattr(rep, name) != value)
    audit_record(
        actor=actor, action="representative.update", object_type="representative",
        object_id=rep.pk, area_code=rep.area_code, detail={"fields": changed},
    )  # fmt: skip
    return rep


@transaction.atomic
def representative_end(*, actor: User, rep_id: int, ended_on: date, reason: str) -> Representative:
    """End an appointment early (解聘, a move, death …): periods after the day are not due."""
    rep = _lock(rep_id)
    if rep.state != Representative.State.ACTIVE:
        raise EngagementRefused(_("This appointment has already ended."))
    if not may_write_in(actor, rep.area_code):
        raise EngagementRefused(_("You may not change appointments in this area."))
    problems: dict[str, str] = {}
    if not reason.strip():
        problems["reason"] = _("Say why the appointment ends.")
    if ended_on < rep.term_from or ended_on > min(rep.term_to, timezone.localdate()):
        problems["ended_on"] = _("Choose a day of the term, no later than today.")
    last = _contacts_span(rep)[1]
    if last is not None and ended_on < last:
        problems["ended_on"] = _("A talk was recorded after this day.")
    if problems:
        raise ValidationError(problems)
    rep.state = Representative.State.ENDED
    rep.ended_on = ended_on
    rep.end_reason = reason.strip()
    rep.save(update_fields=["state", "ended_on", "end_reason"])
    summaries.sync_slots(rep)
    audit_record(
        actor=actor, action="representative.end", object_type="representative",
        object_id=rep.pk, area_code=rep.area_code,
    )  # fmt: skip
    return rep
