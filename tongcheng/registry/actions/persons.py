"""A file's own writes: create, edit, reveal of the full numbers, the registration notice.

Every write is one transaction that stores the file's columns (columns.person_columns, the same
as the import), its name index, the dashboard summary (actions.summary), one history line and
one audit event (history). One ID number, one file: a number already on a file is refused
before anything is written (DuplicateIdNumber inside the user's scope, IdNumberElsewhere
outside it, after a denied audit event that names no file). A concurrent request's file, which
that look-up cannot see, is kept out by the database (person_one_file_per_id_number) and gets
the same answer (_person_insert).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import audit_record
from tongcheng.registry import allowance
from tongcheng.registry.actions.duplicates import duplicates_record
from tongcheng.registry.actions.names import name_keys_move, name_keys_refresh
from tongcheng.registry.actions.searches import number_change_check
from tongcheng.registry.actions.summary import summary_refresh_communities, summary_refresh_person
from tongcheng.registry.columns import filled_fields, person_changes, person_columns
from tongcheng.registry.errors import (
    DuplicateIdNumber,
    IdNumberElsewhere,
    LimitReached,
    RevealRefused,
    StaleVersion,
)
from tongcheng.registry.history import Change, audit_person, public_fields, record_change
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import Person
from tongcheng.registry.selectors import id_number_holder

if TYPE_CHECKING:
    from tongcheng.org.models import Area, User
    from tongcheng.registry.validation import PersonInput

# The reason a full-number view needs, in characters (after collapsing spaces).
REVEAL_REASON_MIN = 4


@transaction.atomic
def person_save_changes(
    *,
    actor: User,
    person: Person,
    expected_version: int,
    changes: dict[str, Any],
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
    # Dashboard summary: the old and new community, if a counted field changed.
    summary_refresh_person(before, person.area_code, changes)
    person.version = expected_version + 1
    person.updated_at = now
    if "name" in changes:
        name_keys_refresh(person)
    elif person.area_code != before:
        name_keys_move(person)
    public = public_fields(changes)
    record_change(person=person, actor=actor, change=Change(action, public, note))
    audit_person(actor=actor, action=action, person=person, detail={"fields": public})
    return person


def _id_number_held(*, actor: User, id_number: str, exclude_pk: int | None = None) -> bool:
    """Whether another file outside the actor's scope holds this ID number.

    Inside the scope → DuplicateIdNumber(that file), to send the user to it. Outside → True,
    after a denied audit event naming no file: the user learns only that a file exists somewhere
    and that a transfer can be requested. The caller keeps that event: it leaves its transaction
    normally and raises IdNumberElsewhere afterwards.
    """
    visible, held = id_number_holder(actor, id_number, exclude_pk=exclude_pk)
    if not held:
        return False
    if visible is not None:
        raise DuplicateIdNumber(visible)
    audit_record(
        actor=actor,
        action="person.lookup_elsewhere",
        object_type="person",
        outcome=AuditEvent.Outcome.DENIED,
        reason="id number exists outside scope",
    )
    return True


def person_create(
    *, actor: User, community: Area, data: PersonInput, notice_given: bool = False
) -> Person:
    """Create a file (after the ID number check); its look-alikes go to the review queue.

    One transaction (a `with` block rather than the decorator: the block is left normally when
    the ID number is held elsewhere, so its denied look-up event is kept, and IdNumberElsewhere
    is raised after it).
    """
    with transaction.atomic():
        person = (
            None
            if _id_number_held(actor=actor, id_number=data.id_number)
            else _person_insert(
                actor=actor, community=community, data=data, notice_given=notice_given
            )
        )
    if person is None:
        raise IdNumberElsewhere()
    return person


def _person_insert(
    *, actor: User, community: Area, data: PersonInput, notice_given: bool
) -> Person | None:
    """The new file, or None when a file outside the actor's scope took its number meanwhile.

    The look-up before (_id_number_held) cannot see a concurrent request's file that is not
    committed yet; the database's constraint (person_one_file_per_id_number) then refuses this
    insert once that file is committed, and the same look-up, run again, finds it (PostgreSQL
    reads committed rows per statement) and answers as for a number known before. A refusal
    with no such file is something else and is raised again.
    """
    today = timezone.localdate()
    try:
        # A savepoint: the refused insert leaves the caller's transaction usable.
        with transaction.atomic():
            person = Person.objects.create(
                community=community,
                area_code=community.code,
                created_by=actor,
                status_since=today,
                notice_given_on=today if notice_given else None,
                **person_columns(data),
            )
    except IntegrityError:
        if _id_number_held(actor=actor, id_number=data.id_number):
            return None
        raise
    name_keys_refresh(person)
    summary_refresh_communities([person.area_code])
    filled = filled_fields(data)
    record_change(person=person, actor=actor, change=Change("person.create", filled))
    audit_person(actor=actor, action="person.create", person=person, detail={"fields": filled})
    duplicates_record(person=person)
    return person


def person_update(
    *, actor: User, person: Person, expected_version: int, data: PersonInput
) -> Person:
    """Save an edit made on version `expected_version`; StaleVersion if the file moved on.

    One transaction, like person_create (the denied look-up of a number held elsewhere stays).
    """
    if expected_version != person.version:
        raise StaleVersion(person.version)
    changes = person_changes(person, data)
    if "id_number_hash" in changes and data.id_number:
        # A look-up of the new number: counted and audited, kept if the change is refused.
        number_change_check(actor=actor, person=person, id_number=data.id_number)
    with transaction.atomic():
        elsewhere = "id_number_hash" in changes and _id_number_held(
            actor=actor, id_number=data.id_number, exclude_pk=person.pk
        )
        if changes and not elsewhere:
            try:
                # A savepoint of its own (atomic): a refused UPDATE leaves this one usable.
                person_save_changes(
                    actor=actor, person=person, expected_version=expected_version, changes=changes
                )
            except IntegrityError:
                # A concurrent request gave the number to another file (see _person_insert).
                if "id_number_hash" not in changes or not _id_number_held(
                    actor=actor, id_number=data.id_number, exclude_pk=person.pk
                ):
                    raise
                elsewhere = True
    if elsewhere:
        raise IdNumberElsewhere()
    return person


@transaction.atomic
def person_reveal(*, actor: User, person: Person, reason: str) -> dict[str, str]:
    """The clear ID number and phone, once, for a stated reason; audited and limited per day.

    The daily limit is registry.allowance's REVEALS: counted and written under the lock of the
    actor's row, so parallel reveals never pass it."""
    reason = " ".join(reason.split())
    if len(reason) < REVEAL_REASON_MIN:
        raise RevealRefused(
            _("Give the reason for showing the full numbers (at least 4 characters).")
        )
    try:
        allowance.spend(actor=actor, budget=allowance.REVEALS)
    except LimitReached as exc:
        raise RevealRefused(
            _("You have reached today's limit of %(limit)d full-number views.")
            % {"limit": exc.limit}
        ) from exc
    audit_person(
        actor=actor,
        action="person.reveal",
        person=person,
        reason=reason,
        detail={"fields": ["id_number", "phone"]},
    )
    return {"id_number": decrypt(person, "id_number"), "phone": decrypt(person, "phone")}


@transaction.atomic
def person_record_notice(*, actor: User, person: Person) -> Person:
    """Record that the registration notice was given (today)."""
    return person_save_changes(
        actor=actor,
        person=person,
        expected_version=person.version,
        changes={"notice_given_on": timezone.localdate()},
        action="person.notice",
    )
