"""Which ledger rows a user sees: the rule behind every `visible_to` of the registry's models.

One function per kind of row, each built on the one subtree filter (lib.areacodes.subtree_q,
the index-range form) and on the memberships that see records by area (AREA_ROLES: the city
and district offices, street sections, community centres, the inspector read-only). Leaders
and administrators see no file; liaisons, operators and volunteers will reach files through
the cases dispatched to them. This module imports no model, so models.py can use it; decisions
about one object (get_<thing>_for_user, may this user write here) are in access.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from tongcheng.lib.areacodes import subtree_q
from tongcheng.lib.roles import AREA_ROLES

if TYPE_CHECKING:
    from tongcheng.org.models import User


def record_prefixes(user: User, *, write: bool = False) -> list[str]:
    """The subtrees whose files the user reads (or, `write=True`, may change)."""
    return user.scope_prefixes(AREA_ROLES, write=write)


def persons_q(user: User, field: str = "area_code") -> Q:
    """Files of the user's record scope (`field`: the path to a file's area code)."""
    return subtree_q(record_prefixes(user), field)


def of_visible_person_q(user: User) -> Q:
    """Rows that belong to one file (household, consents, history, name keys): its scope."""
    return persons_q(user, "person__area_code")


def movements_q(user: User) -> Q:
    """A movement is seen with its file; the receiving side also sees a transfer waiting for
    its decision (before the file is theirs). The sending side's record of what it sent is
    `outgoing_transfers_q`, a separate list that names no file it no longer keeps."""
    return persons_q(user, "person__area_code") | (
        Q(kind="transfer", state="pending") & incoming_transfers_q(user)
    )


def incoming_transfers_q(user: User) -> Q:
    """Transfers into a community where the user may write (they decide on them)."""
    return subtree_q(record_prefixes(user, write=True), "to_area__code")


def outgoing_transfers_q(user: User) -> Q:
    """Transfers out of a community where the user may write (they asked for them)."""
    return subtree_q(record_prefixes(user, write=True), "from_area__code")


def duplicates_q(user: User) -> Q:
    """A review-queue pair is seen only by users who see both files."""
    prefixes = record_prefixes(user)
    return subtree_q(prefixes, "person__area_code") & subtree_q(prefixes, "other__area_code")


def imports_q(user: User) -> Q:
    """An upload is seen by those who may write in its community (it holds whole ledgers)."""
    return subtree_q(record_prefixes(user, write=True))


def summaries_q(user: User) -> Q:
    """Dashboard counts: every acting membership's area, leaders included (aggregates only)."""
    return subtree_q(user.scope_prefixes())
