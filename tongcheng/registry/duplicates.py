"""Duplicate files: likely matches before creating, the review queue, and merging two files.

The exact rule (one ID number, one file) is `services.check_id_number`, applied before a file
is created or its number changed. Fuzzy matches (same name and birth date, or same phone) are
not refused: they are recorded as DuplicateCandidate rows for an officer to review. Candidates
are looked for across the whole city; the queue shows a pair only to users who see both files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tongcheng.registry.actions.summary import summary_refresh_communities
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
from tongcheng.registry.services import (
    Change,
    audit_person,
    id_number_hash,
    record_change,
    refresh_name_keys,
)

if TYPE_CHECKING:
    from tongcheng.org.models import User
    from tongcheng.registry.services import AuditActor

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
LIKELY_MATCHES = 10


def likely_matches(user: User, *, name: str = "", id_number: str = "") -> list[Person]:
    """Files in the user's scope that the one being created may duplicate (search first)."""
    condition = Q(pk__in=[])
    if id_number:
        condition |= Q(id_number_hash=id_number_hash(id_number))
    if name:
        condition |= Q(name=name)
    if not (name or id_number):
        return []
    return list(
        Person.objects.visible_to(user)
        .filter(condition)
        .select_related("ethnicity", "community")[:LIKELY_MATCHES]
    )


def fuzzy_matches(person: Person) -> QuerySet[Person]:
    """Other files with the same name and birth date, or the same phone (anywhere)."""
    condition = Q(pk__in=[])
    if person.birth_date:
        condition |= Q(name=person.name, birth_date=person.birth_date)
    if person.phone_hash:
        condition |= Q(phone_hash=person.phone_hash)
    return Person.objects.filter(condition).exclude(pk=person.pk)


def record_candidates(person: Person) -> list[DuplicateCandidate]:
    """Queue the fuzzy matches of a new or changed file for review (idempotent)."""
    found: list[DuplicateCandidate] = []
    for other in fuzzy_matches(person).only("pk", "name", "birth_date", "phone_hash"):
        reasons = []
        if (
            person.birth_date
            and other.name == person.name
            and other.birth_date == person.birth_date
        ):
            reasons.append(DuplicateCandidate.Reason.SAME_NAME_AND_BIRTH)
        if person.phone_hash and other.phone_hash == person.phone_hash:
            reasons.append(DuplicateCandidate.Reason.SAME_PHONE)
        for reason in reasons:
            candidate, _ = DuplicateCandidate.objects.get_or_create(
                person=person, other=other, reason=reason, defaults={"area_code": person.area_code}
            )
            found.append(candidate)
    return found


def candidates_visible_to(user: User) -> QuerySet[DuplicateCandidate]:
    """Open review-queue entries whose two files the user both sees."""
    visible = Person.objects.visible_to(user)
    return DuplicateCandidate.objects.filter(
        state=DuplicateCandidate.State.OPEN,
        person__in=visible.values("pk"),
        other__in=visible.values("pk"),
    ).select_related(
        "person",
        "other",
        "person__community",
        "other__community",
        "person__ethnicity",
        "other__ethnicity",
    )


@transaction.atomic
def duplicate_dismiss(
    *, actor: User, audit_as: AuditActor, candidate: DuplicateCandidate
) -> DuplicateCandidate:
    candidate.state = DuplicateCandidate.State.DISMISSED
    candidate.resolved_by = actor
    candidate.resolved_at = timezone.now()
    candidate.save(update_fields=["state", "resolved_by", "resolved_at"])
    audit_person(
        audit_as=audit_as,
        action="duplicate.dismiss",
        person=candidate.person,
        detail={"candidate": candidate.pk, "other": candidate.other_id},
    )
    return candidate


@transaction.atomic
def person_merge(*, actor: User, audit_as: AuditActor, kept: Person, merged: Person) -> PersonMerge:
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
    refresh_name_keys(kept)
    # Dashboard summary (registry.summary): one file fewer, the kept one filled in.
    summary_refresh_communities([kept.area_code, merged.area_code])
    merge = PersonMerge.objects.create(
        kept=kept, merged_person_id=merged_pk, fields_taken=names, merged_by=actor
    )
    record_change(person=kept, user=actor, change=Change("person.merge", names, f"#{merged_pk}"))
    audit_person(
        audit_as=audit_as,
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
        "visits": Visit.objects.filter(person=merged).update(person=kept),
        "movements": Movement.objects.filter(person=merged).update(person=kept),
        "household": HouseholdMember.objects.filter(person=merged).update(person=kept),
        "consents": Consent.objects.filter(person=merged).update(person=kept),
        "changes": PersonChange.objects.filter(person=merged).update(person=kept),
    }
