"""A file's name index (NameKey rows), rewritten whenever its name is written, and moved with
the file when its community changes (the keys carry the community code for the search).

Kept apart from the person actions so that the merge (actions.duplicates) and the create and
edit (actions.persons) share it without importing each other.
"""

from __future__ import annotations

from tongcheng.registry.columns import name_keys
from tongcheng.registry.models import NameKey, Person


def name_keys_refresh(person: Person) -> None:
    """Replace the file's NameKey rows by the 1- to 3-character pieces of its current name.

    A part of the action that writes the name, inside its transaction (no savepoint of its own).
    """
    NameKey.objects.filter(person=person).delete()
    NameKey.objects.bulk_create(
        NameKey(person=person, key=key, area_code=person.area_code)
        for key in sorted(name_keys(person.name))
    )


def name_keys_move(person: Person) -> None:
    """The file moved to another community: its keys follow (same transaction)."""
    NameKey.objects.filter(person=person).update(area_code=person.area_code)
