"""Movements (动态): where a person lives, and transfers of a file between communities.

- An address change inside the writer's own scope (optionally to another community there) is
  done at once: the writer already holds both ends.
- Moved out of the city / returned home / settled change the status; a person who comes back
  reactivates the same file (never a second one).
- A transfer to a community outside the writer's scope waits for the receiving community:
  accepted, the file (with its history, visits and movements) moves and the sending side loses
  access; declined or cancelled, nothing moves. One pending movement per person (constraint).

Every transition locks the file's row (select_for_update), writes a Movement, a line in the
file's history and one audit event. What a movement that fits the file's state needs is
checked here (MovementRefused); whether the writer may write both ends is the caller's check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongcheng.registry.actions.persons import person_save_changes
from tongcheng.registry.errors import MovementRefused, StaleVersion
from tongcheng.registry.history import Change, audit_person, record_change
from tongcheng.registry.identifiers import identifier_columns
from tongcheng.registry.models import Movement, Person, Visit

if TYPE_CHECKING:
    from tongcheng.org.models import Area, User

# The status each kind of movement leads to.
STATUS_KINDS = {
    Movement.Kind.MOVED_AWAY: Person.Status.MOVED_AWAY,
    Movement.Kind.RETURNED_HOME: Person.Status.RETURNED_HOME,
    Movement.Kind.SETTLED: Person.Status.SETTLED,
}
# Files in these states may come back (a settled person is no longer a migrant resident).
REACTIVATABLE = frozenset({Person.Status.MOVED_AWAY, Person.Status.RETURNED_HOME})


@dataclass(frozen=True)
class MoveInput:
    kind: str
    moved_on: date
    reason: str = ""
    # Address change and reactivation: the new address text ("" = unchanged) and community
    # (None = unchanged; must be inside the writer's writable scope, the view checks).
    address: str = ""
    community: Area | None = None


def _locked(person: Person, expected_version: int | None = None) -> Person:
    """The file's row, locked for this transaction; StaleVersion if it changed meanwhile."""
    # The file's row alone, no join: after waiting for the lock PostgreSQL re-checks a joined
    # row against the community row it read before, and a file that a concurrent move had just
    # put into another community dropped out of the answer (DoesNotExist, a 500).
    fresh = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleVersion(fresh.version)
    return fresh


def _move_to(community: Area) -> dict[str, object]:
    """Columns that put the file into another community (its visits follow: see below)."""
    return {"community": community, "area_code": community.code}


def _follow(person: Person) -> None:
    # Visits carry the community code for their own scoping: they move with the file.
    Visit.objects.filter(person=person).update(area_code=person.area_code)


@transaction.atomic
def movement_record(
    *, actor: User, person: Person, expected_version: int, data: MoveInput
) -> Movement:
    """An address change, a status change or a reactivation, done at once."""
    person = _locked(person, expected_version)
    old_community = person.community
    changes: dict[str, object] = {}
    if data.kind == Movement.Kind.REACTIVATED:
        if person.status not in REACTIVATABLE:
            raise MovementRefused(
                str(
                    _("Only a file of a person who moved away or returned home can be reactivated.")
                )
            )
        changes |= {"status": Person.Status.ACTIVE, "status_since": data.moved_on}
    elif person.status != Person.Status.ACTIVE:
        raise MovementRefused(str(_("This file is not active: reactivate it first.")))
    if data.kind in STATUS_KINDS:
        changes |= {"status": STATUS_KINDS[Movement.Kind(data.kind)], "status_since": data.moved_on}
    if data.kind in (Movement.Kind.ADDRESS_CHANGE, Movement.Kind.REACTIVATED):
        if data.address:
            changes["address_enc"] = identifier_columns(address=data.address)["address_enc"]
        if data.community is not None and data.community.pk != person.community_id:
            changes |= _move_to(data.community)
        if data.kind == Movement.Kind.ADDRESS_CHANGE and not changes:
            raise MovementRefused(str(_("Enter the new address or choose another community.")))
    if Movement.objects.filter(person=person, state=Movement.State.PENDING).exists():
        raise MovementRefused(str(_("A transfer of this file is pending: cancel it first.")))
    movement = Movement.objects.create(
        person=person,
        kind=data.kind,
        state=Movement.State.DONE,
        from_area=old_community,
        to_area=data.community if "community" in changes else None,
        moved_on=data.moved_on,
        reason=data.reason,
        requested_by=actor,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    person_save_changes(
        actor=actor,
        person=person,
        expected_version=person.version,
        changes=changes,
        action=f"person.{data.kind}",
    )
    if "community" in changes:
        _follow(person)
    return movement


@transaction.atomic
def transfer_request(
    *, actor: User, person: Person, to_area: Area, moved_on: date, reason: str
) -> Movement:
    """Ask another community to take the file over (it stays here until they accept)."""
    person = _locked(person)
    if person.status != Person.Status.ACTIVE:
        raise MovementRefused(str(_("Only an active file can be transferred.")))
    if to_area.pk == person.community_id:
        raise MovementRefused(str(_("The file is already in this community.")))
    if Movement.objects.filter(person=person, state=Movement.State.PENDING).exists():
        raise MovementRefused(str(_("A transfer of this file is already pending.")))
    movement = Movement.objects.create(
        person=person,
        kind=Movement.Kind.TRANSFER,
        state=Movement.State.PENDING,
        from_area=person.community,
        to_area=to_area,
        moved_on=moved_on,
        reason=reason,
        requested_by=actor,
    )
    _history(actor, person, "person.transfer_request", movement)
    return movement


def _history(actor: User, person: Person, action: str, movement: Movement) -> None:
    record_change(person=person, actor=actor, change=Change(action, [], note=movement.state))
    audit_person(
        actor=actor,
        action=action,
        person=person,
        detail={
            "movement": movement.pk,
            "to_area": movement.to_area.code if movement.to_area else "",
        },
    )


def _locked_pending(movement: Movement) -> Movement:
    locked = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the join to to_area.
        Movement.objects.select_for_update(of=("self",))
        .select_related("to_area", "from_area")
        .get(pk=movement.pk)
    )
    if locked.state != Movement.State.PENDING:
        raise MovementRefused(str(_("This transfer has already been decided.")))
    return locked


@transaction.atomic
def transfer_accept(*, actor: User, movement: Movement) -> Movement:
    """The receiving community takes the file: it moves there with all its history."""
    movement = _locked_pending(movement)
    person = _locked(movement.person)
    assert movement.to_area is not None  # a transfer always names its receiver
    movement.state = Movement.State.DONE
    movement.decided_by = actor
    movement.decided_at = timezone.now()
    movement.save(update_fields=["state", "decided_by", "decided_at"])
    person_save_changes(
        actor=actor,
        person=person,
        expected_version=person.version,
        changes=_move_to(movement.to_area),
        action="person.transfer_accept",
        note=movement.from_area.code,
    )
    _follow(person)
    return movement


@transaction.atomic
def transfer_decline(*, actor: User, movement: Movement) -> Movement:
    """The receiving community declines: the file stays where it is."""
    movement = _locked_pending(movement)
    person = _locked(movement.person)
    movement.state = Movement.State.DECLINED
    movement.decided_by = actor
    movement.decided_at = timezone.now()
    movement.save(update_fields=["state", "decided_by", "decided_at"])
    _history(actor, person, "person.transfer_decline", movement)
    return movement


@transaction.atomic
def transfer_cancel(*, actor: User, person: Person) -> Movement:
    """The sending side withdraws its pending transfer request."""
    person = _locked(person)
    pending = Movement.objects.filter(
        person=person, kind=Movement.Kind.TRANSFER, state=Movement.State.PENDING
    ).first()
    if pending is None:
        raise MovementRefused(str(_("No transfer of this file is pending.")))
    movement = _locked_pending(pending)
    movement.state = Movement.State.CANCELLED
    movement.decided_by = actor
    movement.decided_at = timezone.now()
    movement.save(update_fields=["state", "decided_by", "decided_at"])
    _history(actor, person, "person.transfer_cancel", movement)
    return movement
