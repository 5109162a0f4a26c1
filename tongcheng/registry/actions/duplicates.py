"""Possible duplicates: recording look-alike pairs, dismissing one, merging two files into one.

Which files look alike is selectors.look_alikes_of (rules.look_alike_keys, with the crowded
limit); the queue a user sees is selectors.open_duplicates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongcheng.registry.actions.names import name_keys_refresh
from tongcheng.registry.actions.summary import summary_refresh_communities
from tongcheng.registry.history import Change, audit_person, record_change
from tongcheng.registry.models import (
    Consent,
    DuplicateCandidate,
    HouseholdMember,
    Movement,
    Person,
    PersonChange,
    PersonMerge,
    Visit,
)
from tongcheng.registry.selectors import look_alikes_of

if TYPE_CHECKING:
    from tongcheng.org.models import User

# Fields a merge may fill on the kept file from the merged one (only when empty on the kept).
# Each entry: the field name history shows → the model columns that move together.
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "sex": ("sex",),
    "birth_date": ("birth_date",),
    "id_number": ("id_number_enc", "id_number_hash", "id_number_last4"),
    "phone": ("phone_enc", "phone_hash", "phone_last4"),
    "origin_region": ("origin_region_id", "origin_province"),
    "origin_text": ("origin_text",),
    "address": ("address_enc",),
    "occupation": ("occupation",),
    "occupation_text": ("occupation_text",),
    "employer": ("employer",),
    "credit_code": ("credit_code",),
    "arrived_on": ("arrived_on",),
    "permit_kind": ("permit_kind",),
    "permit_number": ("permit_number_enc",),
    "permit_issued_on": ("permit_issued_on",),
    "permit_expires_on": ("permit_expires_on",),
    "notice_given_on": ("notice_given_on",),
    "origin_verified_on": ("origin_verified_on",),
    "address_verified_on": ("address_verified_on",),
    "occupation_verified_on": ("occupation_verified_on",),
    "notes": ("notes",),
}


@transaction.atomic
def duplicates_record(*, person: Person) -> list[DuplicateCandidate]:
    """Queue the look-alikes of a new or changed file for review (idempotent).

    Written by the system as part of the action that stored the file: no history line or audit
    event of its own (the pair names two files, and the create's event names this one).
    """
    found: list[DuplicateCandidate] = []
    for other_id, reason in look_alikes_of(person):
        candidate, _created = DuplicateCandidate.objects.get_or_create(
            person=person,
            other_id=other_id,
            reason=reason,
            defaults={"area_code": person.area_code},
        )
        found.append(candidate)
    return found


@transaction.atomic
def duplicate_dismiss(*, actor: User, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """The two files are two people: the pair leaves the queue."""
    candidate.state = DuplicateCandidate.State.DISMISSED
    candidate.resolved_by = actor
    candidate.resolved_at = timezone.now()
    candidate.save(update_fields=["state", "resolved_by", "resolved_at"])
    audit_person(
        actor=actor,
        action="duplicate.dismiss",
        person=candidate.person,
        detail={"candidate": candidate.pk, "other": candidate.other_id},
    )
    return candidate


@transaction.atomic
def person_merge(*, actor: User, kept: Person, merged: Person) -> PersonMerge:
    """Fold `merged` into `kept`: its visits, movements, household, consents and history move,
    its values fill the kept file's empty fields, and its file is deleted.
    """
    # Re-read both under lock so that the fill-in is based on current values.
    kept = Person.objects.select_for_update().get(pk=kept.pk)
    merged = Person.objects.select_for_update().get(pk=merged.pk)
    taken: dict[str, Any] = {}
    names: list[str] = []
    for name, columns in MERGE_FIELDS.items():
        if not getattr(kept, columns[0]) and getattr(merged, columns[0]):
            names.append(name)
            taken.update({column: getattr(merged, column) for column in columns})
    moved = _move_related(kept, merged)
    merged_pk = merged.pk
    # Delete first: the ID number's keyed hash moves to the kept file afterwards.
    merged.delete()
    Person.objects.filter(pk=kept.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), **taken
    )
    kept.refresh_from_db()
    name_keys_refresh(kept)
    # Dashboard summary (actions.summary): one file fewer, the kept one filled in.
    summary_refresh_communities([kept.area_code, merged.area_code])
    merge = PersonMerge.objects.create(
        kept=kept, merged_person_id=merged_pk, fields_taken=names, merged_by=actor
    )
    record_change(person=kept, actor=actor, change=Change("person.merge", names, f"#{merged_pk}"))
    audit_person(
        actor=actor,
        action="person.merge",
        person=kept,
        detail={"fields": names, "merged_person_id": merged_pk, "moved": moved},
    )
    return merge


def _move_related(kept: Person, merged: Person) -> dict[str, int]:
    """Re-point the merged file's dependent rows to the kept file; counts for the audit."""
    # One pending movement per person: the kept file's pending one wins.
    if Movement.objects.filter(person=kept, state=Movement.State.PENDING).exists():
        Movement.objects.filter(person=merged, state=Movement.State.PENDING).update(
            state=Movement.State.CANCELLED
        )
    # One open consent per kind: an open one the kept file already has is not doubled.
    open_kinds = Consent.objects.filter(person=kept, withdrawn_on__isnull=True).values("kind")
    Consent.objects.filter(person=merged, withdrawn_on__isnull=True, kind__in=open_kinds).update(
        withdrawn_on=timezone.localdate()
    )
    return {
        # Visits carry their file's community for their own scoping: they follow the kept file.
        "visits": Visit.objects.filter(person=merged).update(person=kept, area_code=kept.area_code),
        "movements": Movement.objects.filter(person=merged).update(person=kept),
        "household": HouseholdMember.objects.filter(person=merged).update(person=kept),
        "consents": Consent.objects.filter(person=merged).update(person=kept),
        "changes": PersonChange.objects.filter(person=merged).update(person=kept),
    }
