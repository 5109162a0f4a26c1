"""Access helpers of the ledger: the one way a view fetches a file, visit, movement or import.

Each fetches through the model's `visible_to` (out of scope → NotInScope, 404, the same answer
as "does not exist") and, for a write, asks org.access.may_write for the object's community
(a read-only role → ReadOnly, 403). Both are audited by the policy middleware.
"""

from __future__ import annotations

from tongcheng.lib.roles import AREA_ROLES
from tongcheng.org.access import NotInScope, ReadOnly, may_write
from tongcheng.org.models import User
from tongcheng.registry.models import DuplicateCandidate, ImportJob, Movement, Person


def may_change_file(user: User, person: Person) -> bool:
    """Whether the user may change this file (offer the edit, visit and movement buttons)."""
    return may_write(user, person.area_code, AREA_ROLES)


def get_person_for_user(user: User, pk: int, write: bool = False) -> Person:
    """A file inside the user's record scope; 404 outside it, 403 for a read-only write."""
    person = (
        Person.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("ethnicity", "origin_region", "community")
        .first()
    )
    if person is None:
        raise NotInScope("person", pk)
    if write and not may_change_file(user, person):
        raise ReadOnly("person", pk)
    return person


def get_incoming_transfer_for_user(user: User, pk: int) -> Movement:
    """A pending transfer whose receiving community lies in the user's writable scope.

    The person's file is still outside that scope until the transfer is accepted: only the
    transfer itself (name, origin community, date) is shown to the receiving side.
    """
    movement = (
        Movement.objects.incoming_for(user)
        .filter(pk=pk)
        .select_related("person", "from_area", "to_area")
        .first()
    )
    if movement is None:
        raise NotInScope("movement", pk)
    return movement


def get_duplicate_for_user(user: User, pk: int, write: bool = False) -> DuplicateCandidate:
    """A review-queue entry whose two files are both inside the user's scope."""
    candidate = (
        DuplicateCandidate.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("person", "other")
        .first()
    )
    if candidate is None:
        raise NotInScope("duplicate", pk)
    if write and not (
        may_change_file(user, candidate.person) and may_change_file(user, candidate.other)
    ):
        raise ReadOnly("duplicate", pk)
    return candidate


def get_import_for_user(user: User, pk: int, write: bool = False) -> ImportJob:
    """An import into a community inside the user's writable scope (no one else sees it).

    `write` adds nothing (only those who may write see an upload at all); it is taken so that
    every helper is called the same way."""
    job = ImportJob.objects.visible_to(user).filter(pk=pk).select_related("community").first()
    if job is None:
        raise NotInScope("import", pk)
    return job
