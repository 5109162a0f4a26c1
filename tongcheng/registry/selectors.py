"""Reads about duplicate files: likely matches before a create, look-alikes, the review queue.

The exact rule (one ID number, one file) is applied by actions.persons before a file is created
or its number changed. Look-alikes (rules.look_alike_keys: the same name and birth date, or the
same phone) are not refused: actions.duplicates records them for an officer to review. They are
looked for across the whole city; the queue shows a pair only to users who see both files.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q

from tongcheng.registry import rules
from tongcheng.registry.identifiers import id_number_hash, phone_hash
from tongcheng.registry.models import DuplicateCandidate, DuplicateCandidateQuerySet, Person

if TYPE_CHECKING:
    from tongcheng.org.models import User

LIKELY_MATCHES = 10


def likely_matches(user: User, *, name: str = "", id_number: str = "") -> list[Person]:
    """Files in the user's scope that the one being created may duplicate (search first)."""
    if not (name or id_number):
        return []
    condition = Q(pk__in=[])
    if id_number:
        condition |= Q(id_number_hash=id_number_hash(id_number))
    if name:
        condition |= Q(name=name)
    return list(
        Person.objects.visible_to(user)
        .filter(condition)
        .select_related("ethnicity", "community")[:LIKELY_MATCHES]
    )


def look_alikes_of(person: Person) -> list[tuple[int, str]]:
    """(other file's id, reason) for every file, city-wide, that looks like this stored file.

    A value held by more than rules.LOOK_ALIKE_LIMIT files (this one included) is skipped
    (rules.crowded): a workplace phone shared by fifty files makes no review pairs. One bounded
    query per look-alike key (at most LOOK_ALIKE_LIMIT + 1 ids are read).
    """
    found: list[tuple[int, str]] = []
    keys = rules.look_alike_keys(
        name=person.name, birth_date=person.birth_date, phone_hash=person.phone_hash
    )
    for reason, value in keys:
        # Unordered: ORDER BY id with a LIMIT can make PostgreSQL walk the primary key.
        holders = sorted(
            Person.objects.filter(rules.look_alike_q(reason, value))
            .order_by()
            .values_list("pk", flat=True)[: rules.LOOK_ALIKE_LIMIT + 1]
        )
        if rules.crowded(len({*holders, person.pk})):
            continue
        found.extend((pk, reason) for pk in holders if pk != person.pk)
    return found


def look_alikes_before_create(
    user: User, *, name: str, birth_date: date | None, phone: str, id_number: str = ""
) -> list[Person]:
    """The files in the user's scope that a file about to be created would look like.

    The same rule as the review queue (look_alikes_of on the unsaved file), asked before saving
    so the officer can open the existing file instead. Look-alikes outside the user's scope are
    not named: the page shows no more than the search box would. A typed ID number that a
    file already holds is the exact rule's case (one number, one file), not a look-alike.
    """
    if id_number and Person.objects.filter(id_number_hash=id_number_hash(id_number)).exists():
        return []
    probe = Person(name=name, birth_date=birth_date, phone_hash=phone_hash(phone) if phone else "")
    ids = [pk for pk, _reason in look_alikes_of(probe)]
    if not ids:
        return []
    return list(
        Person.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("ethnicity", "community")[:LIKELY_MATCHES]
    )


def open_duplicates(user: User) -> DuplicateCandidateQuerySet:
    """The review queue: open pairs whose two files the user both sees, with what lists show."""
    return (
        DuplicateCandidate.objects.visible_to(user)
        .open()
        .select_related(
            "person",
            "other",
            "person__community",
            "other__community",
            "person__ethnicity",
            "other__ethnicity",
        )
    )
