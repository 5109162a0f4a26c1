"""Writes of the ledger. Every write keeps the file's history and writes one audit event.

The column helpers (`identifier_columns`, `name_columns`, `name_keys`) are shared with the
bulk import, which writes rows with executemany for speed but must store exactly what a single
create stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongcheng.audit.services import Actor, audit_record
from tongcheng.lib import crypto
from tongcheng.lib.phone import last4 as phone_last4
from tongcheng.lib.pinyin import name_initials, name_pinyin
from tongcheng.registry.actions.summary import summary_refresh_communities, summary_refresh_person
from tongcheng.registry.models import Consent, HouseholdMember, NameKey, Person, PersonChange

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tongcheng.org.models import Area, User
    from tongcheng.registry.validation import PersonInput

    AuditActor = Actor | HttpRequest

# Associated data for each encrypted column: a value cannot be moved to another column.
CONTEXT = {
    "id_number": "person.id_number",
    "phone": "person.phone",
    "address": "person.address",
    "permit_number": "person.permit_number",
}
# Name pieces of this length and shorter are indexed (NameKey); longer queries use the first.
NAME_KEY_LENGTH = 3
# Columns computed from another column: history names the source column only.
DERIVED_COLUMNS = frozenset({"name_pinyin", "name_initials", "origin_province"})


class StaleVersion(Exception):
    """The file changed since the form was opened: nothing was written."""

    def __init__(self, current: int) -> None:
        super().__init__(f"file is at version {current}")
        self.current = current


def identifier_columns(
    *,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    permit_number: str = "",
    id_hash: str = "",
    phone_hash: str = "",
) -> dict[str, str]:
    """Encrypted values, keyed hashes and last-4 suffixes for already-normalised identifiers.

    `id_hash`, `phone_hash`: the keyed hashes when the caller has them already (the import).
    """
    if id_number and not id_hash:
        id_hash = crypto.keyed_hash(id_number, context=CONTEXT["id_number"])
    columns: dict[str, str] = {
        "id_number_enc": crypto.encrypt(id_number, context=CONTEXT["id_number"])
        if id_number
        else "",
        "id_number_hash": id_hash if id_number else "",
        "id_number_last4": id_number[-4:],
        "phone_enc": crypto.encrypt(phone, context=CONTEXT["phone"]) if phone else "",
        "phone_hash": (phone_hash or crypto.keyed_hash(phone, context=CONTEXT["phone"]))
        if phone
        else "",
        "phone_last4": phone_last4(phone) if phone else "",
        "address_enc": crypto.encrypt(address, context=CONTEXT["address"]) if address else "",
        "permit_number_enc": crypto.encrypt(permit_number, context=CONTEXT["permit_number"])
        if permit_number
        else "",
    }
    return columns


def id_number_hash(id_number: str) -> str:
    return crypto.keyed_hash(id_number, context=CONTEXT["id_number"])


def phone_hash(phone: str) -> str:
    return crypto.keyed_hash(phone, context=CONTEXT["phone"])


def decrypt_field(person: Person, field: str) -> str:
    """The clear value of an encrypted field. Callers show it masked unless revealed."""
    token = getattr(person, f"{field}_enc")
    return crypto.decrypt(token, context=CONTEXT[field]) if token else ""


def name_columns(name: str) -> dict[str, str]:
    return {"name_pinyin": name_pinyin(name), "name_initials": name_initials(name)}


def name_keys(name: str) -> set[str]:
    """Every 1- to 3-character piece of the name (the `·` of transliterated names excluded)."""
    keys: set[str] = set()
    for part in name.replace("·", " ").split():
        for size in range(1, NAME_KEY_LENGTH + 1):
            for start in range(len(part) - size + 1):
                keys.add(part[start : start + size])
    return keys


def refresh_name_keys(person: Person) -> None:
    NameKey.objects.filter(person=person).delete()
    NameKey.objects.bulk_create(
        NameKey(person=person, key=k) for k in sorted(name_keys(person.name))
    )


@dataclass(frozen=True)
class Change:
    action: str
    fields: list[str]
    note: str = ""


def record_change(*, person: Person, user: User | None, change: Change) -> None:
    PersonChange.objects.create(
        person=person, user=user, action=change.action, fields=change.fields, note=change.note
    )


def audit_person(
    *,
    audit_as: AuditActor,
    action: str,
    person: Person,
    detail: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    audit_record(
        actor=audit_as,
        action=action,
        object_type="person",
        object_id=person.pk,
        area_code=person.area_code,
        reason=reason,
        detail=detail,
    )


@transaction.atomic
def person_save_changes(
    *,
    person: Person,
    expected_version: int,
    changes: dict[str, Any],
    user: User,
    audit_as: AuditActor,
    action: str = "person.update",
    note: str = "",
) -> Person:
    """Apply `changes` (model field → value) if the file is still at `expected_version`.

    The version check and the bump are one UPDATE … WHERE version = expected: of two concurrent
    edits exactly one succeeds; the other gets StaleVersion and nothing is written.
    """
    now = timezone.now()
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated == 0:
        current = Person.objects.filter(pk=person.pk).values_list("version", flat=True).first()
        raise StaleVersion(current or 0)
    before = person.area_code
    for field, value in changes.items():
        setattr(person, field, value)
    # Dashboard summary (registry.summary): the old and new community, if a counted field changed.
    summary_refresh_person(before, person.area_code, changes)
    person.version = expected_version + 1
    person.updated_at = now
    if "name" in changes:
        refresh_name_keys(person)
    # History and audit name the fields, never their values.
    public = sorted(
        {
            f.removesuffix("_enc").removesuffix("_id")
            for f in changes
            if not f.endswith(("_hash", "_last4")) and f not in DERIVED_COLUMNS
        }
    )
    record_change(person=person, user=user, change=Change(action, public, note))
    audit_person(audit_as=audit_as, action=action, person=person, detail={"fields": public})
    return person


# --- Files: create, update, reveal, notice (R1) ----------------------------------------------

# The file's fields a person input sets, besides the identifiers (encrypted) and the name keys.
INPUT_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "origin_text",
    "occupation",
    "occupation_text",
    "employer",
    "credit_code",
    "arrived_on",
    "permit_kind",
    "permit_issued_on",
    "permit_expires_on",
    "notes",
)
ENCRYPTED_FIELDS = ("id_number", "phone", "address", "permit_number")


class DuplicateIdNumber(Exception):
    """A file with this ID number exists inside the user's scope: go to it."""

    def __init__(self, person: Person) -> None:
        super().__init__("duplicate id number")
        self.person = person


class IdNumberElsewhere(Exception):
    """A file with this ID number exists outside the user's scope (nothing else is said)."""


class RevealRefused(Exception):
    """No reason given, or the daily limit of reveals is reached (message for the user)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def person_columns(
    data: PersonInput, *, id_hash: str = "", phone_hash: str = "", pinyin: bool = True
) -> dict[str, Any]:
    """Model column values of a validated input (the same for create, update and import).

    `pinyin=False` leaves name_pinyin and name_initials to the caller (the import's helper
    processes, which do not load the pinyin dictionaries)."""
    columns: dict[str, Any] = {name: getattr(data, name) for name in INPUT_FIELDS}
    columns["ethnicity_id"] = data.ethnicity_code
    columns["origin_region_id"] = data.origin_region_code or None
    columns["origin_province"] = data.origin_region_code[:2]
    columns.update(
        identifier_columns(
            id_number=data.id_number,
            phone=data.phone,
            address=data.address,
            permit_number=data.permit_number,
            id_hash=id_hash,
            phone_hash=phone_hash,
        )
    )
    if pinyin:
        columns.update(name_columns(data.name))
    return columns


def check_id_number(
    *, actor: User, audit_as: AuditActor, id_number: str, exclude_pk: int | None = None
) -> None:
    """Refuse a second file for one ID number (call before creating or changing the number).

    Inside the user's scope → DuplicateIdNumber(person), to send the user to that file.
    Outside it → IdNumberElsewhere, after a denied audit event naming no file: the user learns
    only that a file exists somewhere and that a transfer can be requested.
    Not atomic on purpose: the audit event stays when the caller handles the exception.
    """
    if not id_number:
        return
    others = Person.objects.filter(id_number_hash=id_number_hash(id_number))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    pk = others.values_list("pk", flat=True).first()
    if pk is None:
        return
    visible = Person.objects.visible_to(actor).filter(pk=pk).first()
    if visible is not None:
        raise DuplicateIdNumber(visible)
    from tongcheng.audit.models import AuditEvent

    audit_record(
        actor=audit_as,
        action="person.lookup_elsewhere",
        object_type="person",
        outcome=AuditEvent.Outcome.DENIED,
        reason="id number exists outside scope",
    )
    raise IdNumberElsewhere()


def person_create(
    *,
    actor: User,
    audit_as: AuditActor,
    community: Area,
    data: PersonInput,
    notice_given: bool = False,
    action: str = "person.create",
) -> Person:
    """Create a file (after the ID number check); fuzzy duplicates go to the review queue."""
    check_id_number(actor=actor, audit_as=audit_as, id_number=data.id_number)
    return _person_insert(
        actor=actor,
        audit_as=audit_as,
        community=community,
        data=data,
        notice_given=notice_given,
        action=action,
    )


@transaction.atomic
def _person_insert(
    *,
    actor: User,
    audit_as: AuditActor,
    community: Area,
    data: PersonInput,
    notice_given: bool,
    action: str,
) -> Person:
    from tongcheng.registry.duplicates import record_candidates

    today = timezone.localdate()
    person = Person.objects.create(
        community=community,
        area_code=community.code,
        created_by=actor,
        status_since=today,
        notice_given_on=today if notice_given else None,
        **person_columns(data),
    )
    refresh_name_keys(person)
    summary_refresh_communities([person.area_code])  # dashboard summary (registry.summary)
    filled = filled_fields(data)
    record_change(person=person, user=actor, change=Change(action, filled))
    audit_person(audit_as=audit_as, action=action, person=person, detail={"fields": filled})
    record_candidates(person)
    return person


def filled_fields(data: PersonInput) -> list[str]:
    """Names of the fields that hold a value (history and audit name fields, never values)."""
    names = [name for name in (*INPUT_FIELDS, *ENCRYPTED_FIELDS) if getattr(data, name)]
    if data.ethnicity_code:
        names.append("ethnicity")
    if data.origin_region_code:
        names.append("origin_region")
    return sorted(names)


def person_changes(person: Person, data: PersonInput) -> dict[str, Any]:
    """The columns whose value `data` changes (encrypted ones compared in clear)."""
    new = person_columns(data)
    changes: dict[str, Any] = {}
    for name in (*INPUT_FIELDS, "ethnicity_id", "origin_region_id"):
        if getattr(person, name) != new[name]:
            changes[name] = new[name]
    if "name" in changes:
        changes.update(name_columns(data.name))
    if "origin_region_id" in changes:
        changes["origin_province"] = new["origin_province"]
    for name in ENCRYPTED_FIELDS:
        if decrypt_field(person, name) != getattr(data, name):
            for column in (f"{name}_enc", f"{name}_hash", f"{name}_last4"):
                if column in new:
                    changes[column] = new[column]
    return changes


def person_update(
    *,
    actor: User,
    audit_as: AuditActor,
    person: Person,
    expected_version: int,
    data: PersonInput,
) -> Person:
    """Save an edit made on version `expected_version`; StaleVersion if the file moved on."""
    if expected_version != person.version:
        raise StaleVersion(person.version)
    changes = person_changes(person, data)
    if "id_number_hash" in changes:
        check_id_number(
            actor=actor, audit_as=audit_as, id_number=data.id_number, exclude_pk=person.pk
        )
    if not changes:
        return person
    return person_save_changes(
        person=person,
        expected_version=expected_version,
        changes=changes,
        user=actor,
        audit_as=audit_as,
    )


def reveals_today(user: User) -> int:
    from tongcheng.audit.models import AuditEvent

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return AuditEvent.objects.filter(
        user_id=user.pk, action="person.reveal", outcome="allowed", at__gte=start
    ).count()


def person_reveal(
    *, actor: User, audit_as: AuditActor, person: Person, reason: str
) -> dict[str, str]:
    """The clear ID number and phone, once, for a stated reason; audited and limited per day."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    reason = " ".join(reason.split())
    if len(reason) < 4:
        raise RevealRefused(
            _("Give the reason for showing the full numbers (at least 4 characters).")
        )
    limit = int(getattr(settings, "REVEAL_LIMIT_PER_DAY", 50))
    if reveals_today(actor) >= limit:
        raise RevealRefused(
            _("You have reached today's limit of %(limit)d full-number views.") % {"limit": limit}
        )
    audit_person(
        audit_as=audit_as,
        action="person.reveal",
        person=person,
        reason=reason,
        detail={"fields": ["id_number", "phone"]},
    )
    return {
        "id_number": decrypt_field(person, "id_number"),
        "phone": decrypt_field(person, "phone"),
    }


def person_record_notice(*, actor: User, audit_as: AuditActor, person: Person) -> Person:
    """Record that the registration notice was given (today)."""
    return person_save_changes(
        person=person,
        expected_version=person.version,
        changes={"notice_given_on": timezone.localdate()},
        user=actor,
        audit_as=audit_as,
        action="person.notice",
    )


# --- Consents and household (R1) ------------------------------------------------------------


@transaction.atomic
def consent_give(
    *, actor: User, audit_as: AuditActor, person: Person, kind: str, given_on: date
) -> Consent:
    """Record a consent; a kind already given and not withdrawn is refused (ValueError)."""
    if Consent.objects.filter(person=person, kind=kind, withdrawn_on__isnull=True).exists():
        raise ValueError("consent already given")
    consent = Consent.objects.create(person=person, kind=kind, given_on=given_on, recorded_by=actor)
    record_change(person=person, user=actor, change=Change("consent.give", ["consents"], kind))
    audit_person(audit_as=audit_as, action="consent.give", person=person, detail={"kind": kind})
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, audit_as: AuditActor, consent: Consent, withdrawn_on: date | None = None
) -> Consent:
    if consent.withdrawn_on is None:
        consent.withdrawn_on = withdrawn_on or timezone.localdate()
        consent.save(update_fields=["withdrawn_on"])
        record_change(
            person=consent.person,
            user=actor,
            change=Change("consent.withdraw", ["consents"], consent.kind),
        )
        audit_person(
            audit_as=audit_as,
            action="consent.withdraw",
            person=consent.person,
            detail={"kind": consent.kind},
        )
    return consent


@transaction.atomic
def household_save(
    *,
    actor: User,
    audit_as: AuditActor,
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
    record_change(person=person, user=actor, change=Change("household.update", ["household"]))
    audit_person(audit_as=audit_as, action="household.update", person=person, detail=counts)
