"""Access helpers of the ledger: the one way a view fetches a file, visit, movement or import."""

from __future__ import annotations

from tongcheng.lib.roles import AREA_ROLES
from tongcheng.org.access import NotInScope, ReadOnly, may_write
from tongcheng.org.models import User
from tongcheng.registry.models import DuplicateCandidate, ImportJob, Movement, Person


def _writable(user: User, area_code: str) -> bool:
    return may_write(user, area_code, AREA_ROLES)


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
    if write and not _writable(user, person.area_code):
        raise ReadOnly("person", pk)
    return person


def get_incoming_transfer_for_user(user: User, pk: int) -> Movement:
    """A pending transfer whose receiving community lies in the user's writable scope.

    The person's file is still outside that scope until the transfer is accepted: only the
    transfer itself (name, origin community, date) is shown to the receiving side.
    """
    movement = (
        Movement.objects.filter(pk=pk, kind=Movement.Kind.TRANSFER, state=Movement.State.PENDING)
        .select_related("person", "from_area", "to_area")
        .first()
    )
    if movement is None or movement.to_area is None or not _writable(user, movement.to_area.code):
        raise NotInScope("movement", pk)
    return movement


def get_duplicate_for_user(user: User, pk: int, write: bool = False) -> DuplicateCandidate:
    """A review-queue entry whose two files are both inside the user's scope."""
    visible = Person.objects.visible_to(user)
    candidate = (
        DuplicateCandidate.objects.filter(pk=pk, person__in=visible, other__in=visible)
        .select_related("person", "other")
        .first()
    )
    if candidate is None:
        raise NotInScope("duplicate", pk)
    if write and not (
        _writable(user, candidate.person.area_code) and _writable(user, candidate.other.area_code)
    ):
        raise ReadOnly("duplicate", pk)
    return candidate


def get_import_for_user(user: User, pk: int, write: bool = False) -> ImportJob:
    """An import into a community inside the user's writable scope."""
    job = ImportJob.objects.filter(pk=pk).select_related("community").first()
    if job is None or not _writable(user, job.area_code):
        raise NotInScope("import", pk)
    return job
