"""A file's consents and household members: each change one history line and one audit event."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from tongcheng.registry.errors import ConsentAlreadyGiven
from tongcheng.registry.history import Change, audit_person, record_change
from tongcheng.registry.models import Consent, HouseholdMember, Person

if TYPE_CHECKING:
    from tongcheng.org.models import User


@transaction.atomic
def consent_give(*, actor: User, person: Person, kind: str, given_on: date) -> Consent:
    """Record a consent; ConsentAlreadyGiven when one of this kind is given and not withdrawn."""
    if Consent.objects.filter(person=person, kind=kind, withdrawn_on__isnull=True).exists():
        raise ConsentAlreadyGiven()
    consent = Consent.objects.create(person=person, kind=kind, given_on=given_on, recorded_by=actor)
    record_change(person=person, actor=actor, change=Change("consent.give", ["consents"], kind))
    audit_person(actor=actor, action="consent.give", person=person, detail={"kind": kind})
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: date | None = None) -> Consent:
    """Withdraw a consent (today unless `withdrawn_on`); an already withdrawn one is left as is."""
    if consent.withdrawn_on is None:
        consent.withdrawn_on = withdrawn_on or timezone.localdate()
        consent.save(update_fields=["withdrawn_on"])
        record_change(
            person=consent.person,
            actor=actor,
            change=Change("consent.withdraw", ["consents"], consent.kind),
        )
        audit_person(
            actor=actor,
            action="consent.withdraw",
            person=consent.person,
            detail={"kind": consent.kind},
        )
    return consent


@transaction.atomic
def household_save(
    *,
    actor: User,
    person: Person,
    members: list[HouseholdMember],
    removed: list[HouseholdMember],
) -> None:
    """Save added or edited members and delete removed ones, as one change of the file."""
    for member in members:
        member.person = person
        member.save()
    removed_ids = [m.pk for m in removed if m.pk and m.person_id == person.pk]
    HouseholdMember.objects.filter(person=person, pk__in=removed_ids).delete()
    if not members and not removed_ids:
        return
    counts = {"saved": len(members), "removed": len(removed_ids)}
    record_change(person=person, actor=actor, change=Change("household.update", ["household"]))
    audit_person(actor=actor, action="household.update", person=person, detail=counts)
