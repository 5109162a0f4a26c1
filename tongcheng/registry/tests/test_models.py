"""Storage rules of the ledger's tables that the code relies on (both engines)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from tongcheng.registry.actions.names import name_keys_refresh
from tongcheng.registry.models import NameKey, Person
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code", ["14040300100", "1404030010011", "14040300100a", "１４０４０３００１００１"]
)
def test_a_file_area_code_is_twelve_ascii_digits(code: str) -> None:
    person = make_person("140403001001")
    # A CHECK violation; PostgreSQL's varchar(12) refuses 13 characters before the CHECK.
    with pytest.raises(DatabaseError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(area_code=code)
    person.refresh_from_db()
    assert person.area_code == "140403001001"


def test_name_keys_are_keyed_by_key_and_person() -> None:
    person = make_person("140403001001", name="马晓梅")
    assert set(NameKey.objects.filter(person=person).values_list("key", flat=True)) == {
        "马", "晓", "梅", "马晓", "晓梅", "马晓梅",
    }  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        NameKey.objects.create(person=person, key="晓梅")
    person.name = "白玉兰"
    person.save(update_fields=["name"])
    name_keys_refresh(person)
    assert NameKey.objects.filter(person=person, key="玉兰").exists()
    assert not NameKey.objects.filter(person=person, key="晓梅").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite storage only")
def test_name_keys_live_in_their_primary_key_on_sqlite() -> None:
    """WITHOUT ROWID (migration 0004): a migration that rebuilds the table must keep it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s",
            [NameKey._meta.db_table],
        )
        (sql,) = cursor.fetchone()
    assert sql.rstrip().endswith("WITHOUT ROWID")
