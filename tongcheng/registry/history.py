"""A file's history (PersonChange) and its audit events: both name fields, never values.

Every action on a file writes one history line and one audit event through these functions,
so the two always say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tongcheng.audit.services import Account, audit_record
from tongcheng.registry.models import Person, PersonChange

# Columns computed from another column: history names the source column only.
DERIVED_COLUMNS = frozenset({"name_pinyin", "name_initials", "origin_province"})


@dataclass(frozen=True)
class Change:
    action: str
    fields: list[str]
    note: str = ""


def public_fields(columns: Iterable[str]) -> list[str]:
    """The field names a change of these model columns shows in history and audit events.

    An encrypted column is named by its field (address_enc → address), a foreign key by its
    field (ethnicity_id → ethnicity); keyed hashes, suffixes and derived columns are not named.
    """
    return sorted(
        {
            column.removesuffix("_enc").removesuffix("_id")
            for column in columns
            if not column.endswith(("_hash", "_last4")) and column not in DERIVED_COLUMNS
        }
    )


def record_change(*, person: Person, actor: Any, change: Change) -> PersonChange:
    """One line of the file's history (`actor`: the acting account, or None for the system)."""
    return PersonChange.objects.create(
        person=person, user=actor, action=change.action, fields=change.fields, note=change.note
    )


def audit_person(
    *,
    actor: Account | None,
    action: str,
    person: Person,
    detail: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """The audit event of an action on one file (its id and community, never its values)."""
    audit_record(
        actor=actor,
        action=action,
        object_type="person",
        object_id=person.pk,
        area_code=person.area_code,
        reason=reason,
        detail=detail,
    )
