"""Reads about duplicate files: who holds an ID number, look-alikes, the review queue.

The exact rule (one ID number, one file) is applied by actions.persons before a file is created
or its number changed. Look-alikes (rules.look_alike_keys: the same name and birth date, or the
same phone) are not refused: actions.duplicates records them for an officer to review. They are
looked for across the whole city; the queue shows a pair only to users who see both files.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q

from tongcheng.registry import rules
from tongcheng.registry.identifiers import id_number_hash, phone_hash
from tongcheng.registry.models import DuplicateCandidate, DuplicateCandidateQuerySet, Person

if TYPE_CHECKING:
    from tongcheng.org.models import User

LOOK_ALIKES_SHOWN = 10


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


def id_number_holder(
    user: User, id_number: str, *, exclude_pk: int | None = None
) -> tuple[Person | None, bool]:
    """Who holds this ID number: (the file, if the user sees it; whether another file holds it).

    (file, True) inside the user's scope, (None, True) outside it (the file is not named: the
    user learns only that one exists), (None, False) when no file holds it."""
    if not id_number:
        return None, False
    others = Person.objects.filter(id_number_hash=id_number_hash(id_number))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    pk = others.values_list("pk", flat=True).first()
    if pk is None:
        return None, False
    return Person.objects.visible_to(user).filter(pk=pk).first(), True


def look_alikes_before_create(
    user: User, *, name: str, birth_date: date | None, phone: str
) -> list[Person]:
    """The files in the user's scope that a file about to be created would look like.

    The review queue's rule (the same name and birth date, or the same phone; a value held by
    more than rules.LOOK_ALIKE_LIMIT files is skipped), asked before saving so the officer can
    open the existing file instead, with one difference: the birth date is compared by year and
    month. Files show their birth date by month only (the mask), and an answer by day would
    confirm a guessed day of an existing file's birth. Look-alikes outside the user's scope are
    not named: the page shows no more than the search box would. A typed ID number that a file
    already holds is the exact rule's case (id_number_holder), asked first.
    """
    conditions: list[Q] = []
    if birth_date is not None:
        first = birth_date.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        conditions.append(Q(name=name, birth_date__gte=first, birth_date__lt=following))
    if phone:
        conditions.append(Q(phone_hash=phone_hash(phone)))
    ids: set[int] = set()
    for condition in conditions:
        holders = list(
            Person.objects.filter(condition)
            .order_by()
            .values_list("pk", flat=True)[: rules.LOOK_ALIKE_LIMIT + 1]
        )
        # The file about to be created would be one more holder of the value.
        if not rules.crowded(len(holders) + 1):
            ids.update(holders)
    if not ids:
        return []
    return list(
        Person.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("ethnicity", "community")[:LOOK_ALIKES_SHOWN]
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
