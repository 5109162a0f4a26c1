"""Two moves of one file at once (real threads; CI runs this on PostgreSQL, where it races):
one moves the file, the other waits for it and then moves it on, or is told it changed."""

from __future__ import annotations

from datetime import date

import pytest

from tongcheng.conftest import Cast, run_concurrently
from tongcheng.org.models import Area, User
from tongcheng.registry.actions.movements import MoveInput, movement_record
from tongcheng.registry.errors import StaleVersion
from tongcheng.registry.models import Movement, NameKey, Person
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_moves_a_file_twice_at_once_without_an_error(committed_cast: Cast) -> None:
    person = make_person("140403001001", name="马晓梅")
    targets = ["140403001002", "140403002001"]

    def move(index: int) -> str:
        movement_record(
            actor=User.objects.get(username="district"),
            person=Person.objects.get(pk=person.pk),
            expected_version=None,
            data=MoveInput(
                kind=Movement.Kind.ADDRESS_CHANGE,
                moved_on=date.today(),
                community=Area.objects.get(code=targets[index]),
            ),
        )
        return targets[index]

    results = run_concurrently(move, 2)
    assert all(isinstance(r, str | StaleVersion) for r in results), results
    final = Person.objects.get(pk=person.pk)
    assert final.area_code in targets
    keys = set(NameKey.objects.filter(person=final).values_list("area_code", flat=True))
    assert keys == {final.area_code}
