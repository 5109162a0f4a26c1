"""Door-to-door visits (入户调查): recording one, and what it verifies or corrects on the file.

A visit always adds a Visit row, a line in the file's history and one audit event. When the
officer met the person, the facts they checked get the visit's date as their verification date;
corrections of the address, phone or occupation go through `person_save_changes` exactly like
an edit, so the version check (two officers on one file) and the encryption of identifiers are
the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tongcheng.registry import rules
from tongcheng.registry.actions.persons import person_save_changes
from tongcheng.registry.errors import StaleVersion
from tongcheng.registry.history import Change, audit_person, record_change
from tongcheng.registry.identifiers import identifier_columns
from tongcheng.registry.models import Person, Visit

if TYPE_CHECKING:
    from tongcheng.org.models import User


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
            changes["address_enc"] = identifier_columns(address=self.address)["address_enc"]
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


def _known_after(person: Person, changes: dict[str, Any]) -> dict[str, bool]:
    """三必清 of the file as this visit leaves it (its corrections applied)."""
    values = {
        column: changes.get(column, getattr(person, column))
        for columns in rules.FACT_COLUMNS.values()
        for column in columns
    }
    return rules.known_facts(values)


@transaction.atomic
def visit_record(*, actor: User, person: Person, expected_version: int, data: VisitInput) -> Visit:
    """Record a visit; verify the checked facts (only when the person was met); apply updates.

    Raises StaleVersion (nothing written) when the file changed since the form was opened.
    """
    met = data.outcome == Visit.Outcome.MET
    changes = data.updates.columns()
    known = _known_after(person, changes)
    # Only a fact that is known (now or from this visit) can be verified.
    verified = frozenset(f for f in data.verified if met and known.get(f))
    for fact in verified:
        current = getattr(person, f"{fact}_verified_on")
        # A visit entered late (an older date) never moves a newer verification back.
        if current is None or current < data.visited_on:
            changes[f"{fact}_verified_on"] = data.visited_on
    if changes:
        person_save_changes(
            actor=actor,
            person=person,
            expected_version=expected_version,
            changes=changes,
            action="person.visit",
            note=data.outcome,
        )
    else:
        # Nothing on the file changes, but the visit was entered on what the officer saw.
        current = Person.objects.filter(pk=person.pk).values_list("version", flat=True).first()
        if current != expected_version:
            raise StaleVersion(current or 0)
        # The visit is still part of the file's history.
        record_change(person=person, actor=actor, change=Change("person.visit", [], data.outcome))
        audit_person(actor=actor, action="person.visit", person=person, detail={"fields": []})
    return Visit.objects.create(
        person=person,
        area_code=person.area_code,
        visited_on=data.visited_on,
        officer=actor,
        outcome=data.outcome,
        verified_origin="origin" in verified,
        verified_address="address" in verified,
        verified_occupation="occupation" in verified,
        notes=data.notes,
    )
