"""A file's history (PersonChange) and its audit events: both name fields, never values.

Every action on a file writes one history line and one audit event through these functions,
so the two always say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from tongcheng.audit.labels import action_label
from tongcheng.audit.services import Account, audit_record
from tongcheng.registry.models import Person, PersonChange

# Columns computed from another column: history names the source column only.
DERIVED_COLUMNS = frozenset({"name_pinyin", "name_initials", "origin_province"})


# Names in history lines that are not a model field's own (an encrypted column is named by its
# field, and a few lines name a part of the file rather than a column).
FIELD_LABELS: dict[str, str | Promise] = {
    "id_number": _("ID number"),
    "phone": _("phone"),
    "address": _("current address"),
    "permit_number": _("permit number"),
    "household": _("household"),
    "consents": _("consents"),
}


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


def field_words(name: str) -> str:
    """A field named in a history line, as people call it (the model field's own name)."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    try:
        field = Person._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def change_words(change: PersonChange) -> str:
    """A history line in words: what was done (the audit label of its code) and to which fields."""
    words = action_label(change.action)
    if not change.fields:
        return words
    fields = pgettext("list separator", ", ").join(field_words(name) for name in change.fields)
    return gettext("%(action)s: %(fields)s") % {"action": words, "fields": fields}
