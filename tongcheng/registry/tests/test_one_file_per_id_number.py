"""The database holds one file per ID number (person_one_file_per_id_number, migration 0005).

What it refuses and lets through, on both engines, and the migration's refusal to add it to a
ledger that already has two files with one number.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person, synthetic_id_number

pytestmark = pytest.mark.django_db

A = "140403001001"
B = "140403002001"
MIGRATION = importlib.import_module(
    "tongcheng.registry.migrations.0005_one_active_file_per_id_number"
)


def test_it_refuses_a_second_file_with_the_number_in_any_community() -> None:
    number = synthetic_id_number()
    make_person(A, id_number=number)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(B, id_number=number)
    assert Person.objects.count() == 1


@pytest.mark.parametrize("status", [s for s in Person.Status if s != Person.Status.ACTIVE])
def test_it_counts_a_file_in_every_status(status: str) -> None:
    """A person who moved away, went home or settled keeps the one file (reactivated later)."""
    number = synthetic_id_number()
    make_person(A, id_number=number, status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(A, id_number=number)


def test_it_lets_files_without_a_number_be_many() -> None:
    make_person(A, id_number="")
    make_person(A, id_number="")
    assert Person.objects.filter(id_number_hash="").count() == 2


def test_it_refuses_an_edit_that_gives_a_file_another_files_number() -> None:
    number = synthetic_id_number()
    holder = make_person(A, id_number=number)
    other = make_person(A, id_number="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=other.pk).update(id_number_hash=holder.id_number_hash)


def test_the_migration_stops_with_a_clear_message_when_numbers_are_shared() -> None:
    # The ledger as it was before 0005: without the constraint (dropped inside this test's
    # transaction, which rolls back), two files share one number.
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX person_one_file_per_id_number")
    number = synthetic_id_number()
    make_person(A, id_number=number)
    make_person(B, id_number=number)
    make_person(A, id_number="")
    make_person(A, id_number="")
    with pytest.raises(MIGRATION.DuplicateIdNumbers) as refused:
        MIGRATION.refuse_duplicates(apps, None)
    message = str(refused.value)
    assert message.startswith("1 ID number(s) are on more than one person file")
    assert "Nothing was changed" in message and "docs/deploy.md" in message
    assert number not in message


def test_the_migration_lets_a_ledger_without_shared_numbers_through() -> None:
    make_person(A)
    make_person(A, id_number="")
    make_person(A, id_number="")
    MIGRATION.refuse_duplicates(apps, None)
