"""三必清 and door-to-door visits (入户调查): recording a visit, and the reads built on it.

A visit always adds a Visit row, a line in the file's history and one audit event. When the
officer met the person, the facts they checked get today's verification date; corrections of
the address, phone or occupation go through `person_save_changes` exactly like an edit, so the
version check (two officers on one file) and the encryption of identifiers are the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from tongcheng.registry.models import Person, PersonQuerySet, Visit
from tongcheng.registry.services import (
    Change,
    StaleVersion,
    audit_person,
    identifier_columns,
    person_save_changes,
    record_change,
)

if TYPE_CHECKING:
    from tongcheng.org.models import Area, User
    from tongcheng.registry.services import AuditActor

# The three facts of 三必清, in display order; each has a `<fact>_verified_on` date on Person.
FACTS = ("origin", "address", "occupation")


def due_cutoff(today: date | None = None, months: int | None = None) -> date:
    """Files verified before this date are due for a visit (settings.VISIT_DUE_MONTHS)."""
    months = settings.VISIT_DUE_MONTHS if months is None else months
    return months_before(today or timezone.localdate(), months)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class VisitUpdates:
    """Corrections made during the visit (already validated and normalised; "" = unchanged)."""

    address: str = ""
    phone: str = ""
    occupation: str = ""
    occupation_text: str = ""

    def columns(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if self.address:
            encrypted = identifier_columns(address=self.address)
            changes["address_enc"] = encrypted["address_enc"]
        if self.phone:
            encrypted = identifier_columns(phone=self.phone)
            changes |= {k: encrypted[k] for k in ("phone_enc", "phone_hash", "phone_last4")}
        if self.occupation:
            changes["occupation"] = self.occupation
        if self.occupation_text:
            changes["occupation_text"] = self.occupation_text
        return changes


@dataclass(frozen=True)
class VisitInput:
    visited_on: date
    outcome: str
    verified: frozenset[str] = field(default_factory=frozenset)
    updates: VisitUpdates = field(default_factory=VisitUpdates)
    notes: str = ""


@transaction.atomic
def visit_record(
    *,
    person: Person,
    expected_version: int,
    data: VisitInput,
    user: User,
    audit_as: AuditActor,
) -> Visit:
    """Record a visit; verify the checked facts (only when the person was met); apply updates.

    Raises StaleVersion (nothing written) when the file changed since the form was opened.
    """
    met = data.outcome == Visit.Outcome.MET
    known = person.three_clear()
    known["address"] = known["address"] or bool(data.updates.address)
    known["occupation"] = known["occupation"] or bool(data.updates.occupation)
    # Only a fact that is known (now or from this visit) can be verified.
    verified = frozenset(f for f in data.verified if met and known.get(f))
    changes = data.updates.columns()
    for fact in verified:
        current = getattr(person, f"{fact}_verified_on")
        # A visit entered late (an older date) never moves a newer verification back.
        if current is None or current < data.visited_on:
            changes[f"{fact}_verified_on"] = data.visited_on
    if changes:
        person_save_changes(
            person=person,
            expected_version=expected_version,
            changes=changes,
            user=user,
            audit_as=audit_as,
            action="person.visit",
            note=data.outcome,
        )
    else:
        # Nothing on the file changes, but the visit was entered on what the officer saw.
        current = Person.objects.filter(pk=person.pk).values_list("version", flat=True).first()
        if current != expected_version:
            raise StaleVersion(current or 0)
        # The visit is still part of the file's history.
        record_change(person=person, user=user, change=Change("person.visit", [], data.outcome))
        audit_person(audit_as=audit_as, action="person.visit", person=person, detail={"fields": []})
    return Visit.objects.create(
        person=person,
        area_code=person.area_code,
        visited_on=data.visited_on,
        officer=user,
        outcome=data.outcome,
        verified_origin="origin" in verified,
        verified_address="address" in verified,
        verified_occupation="occupation" in verified,
        notes=data.notes,
    )


# --- Reads ----------------------------------------------------------------------------------


def due_for_visit(persons: PersonQuerySet, cutoff: date) -> PersonQuerySet:
    """Active files with a 三必清 gap or a fact not verified since `cutoff`."""
    active = persons.active()
    return active.with_gaps() | active.unverified_since(cutoff)


def all_known_q() -> Q:
    """The three facts are all known (the opposite of PersonQuerySet.with_gaps)."""
    return (
        (Q(origin_region__isnull=False) | ~Q(origin_text=""))
        & ~Q(address_enc="")
        & ~Q(occupation="")
    )


def all_verified_q(cutoff: date) -> Q:
    """All three facts verified by a visit on or after `cutoff`."""
    return Q(
        origin_verified_on__gte=cutoff,
        address_verified_on__gte=cutoff,
        occupation_verified_on__gte=cutoff,
    )


@dataclass
class CompletenessRow:
    area: Area
    files: int
    known: int
    verified: int

    @property
    def known_percent(self) -> float | None:
        return round(100 * self.known / self.files, 1) if self.files else None

    @property
    def verified_percent(self) -> float | None:
        return round(100 * self.verified / self.files, 1) if self.files else None


def completeness_by_area(
    persons: PersonQuerySet, areas: list[Area], cutoff: date
) -> list[CompletenessRow]:
    """Active files, all-known and all-verified counts per area, in one GROUP BY per code length.

    `areas` are siblings (or any areas whose subtrees do not overlap); each row counts the
    files whose area code starts with the area's prefix.
    """
    by_length: dict[int, list[Area]] = {}
    for area in areas:
        by_length.setdefault(len(area.prefix), []).append(area)
    counts: dict[str, dict[str, int]] = {}
    for length, group in by_length.items():
        rows = (
            persons.active()
            .filter(Q(area_code__startswith=group[0].prefix) if len(group) == 1 else Q())
            .annotate(key=Substr("area_code", 1, length))
            .filter(key__in=[a.prefix for a in group])
            .values("key")
            .annotate(
                files=Count("id"),
                known=Count("id", filter=all_known_q()),
                verified=Count("id", filter=all_verified_q(cutoff)),
            )
            .order_by()
        )
        counts |= {
            row["key"]: {"files": row["files"], "known": row["known"], "verified": row["verified"]}
            for row in rows
        }
    empty = {"files": 0, "known": 0, "verified": 0}
    return [
        CompletenessRow(
            area=area,
            files=counts.get(area.prefix, empty)["files"],
            known=counts.get(area.prefix, empty)["known"],
            verified=counts.get(area.prefix, empty)["verified"],
        )
        for area in areas
    ]


_DIGITS = re.compile(r"(\d+)")


def address_sort_key(address: str) -> tuple[object, ...]:
    """Natural order for addresses: "英雄南路2号" before "英雄南路12号"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(address)
    )
