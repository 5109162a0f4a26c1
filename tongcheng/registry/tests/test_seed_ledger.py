"""`manage.py seed_ledger`: the synthetic demo ledger of the pilot district."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.idnumber import parse_id_number
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import (
    DuplicateCandidate,
    Movement,
    NameKey,
    Person,
    PersonChange,
    Visit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_settings(settings: Any) -> None:
    # pytest-django runs with DEBUG off; the command refuses that (demo data is for development).
    settings.DEBUG = True


def seed(count: int = 300) -> str:
    out = StringIO()
    call_command("seed_ledger", "--count", str(count), stdout=out)
    return out.getvalue()


def test_it_creates_files_in_the_pilot_district(cast: Any) -> None:
    seed()
    persons = list(Person.objects.all())
    assert len(persons) >= 300
    assert all(p.area_code.startswith("140403") for p in persons)
    pilot = sum(p.area_code.startswith(("140403001", "140403002")) for p in persons)
    assert pilot > len(persons) / 2
    # Mostly Hui, and several other groups.
    ethnicities = {p.ethnicity_id for p in persons}
    assert {"03", "05"} <= ethnicities and len(ethnicities) >= 5
    assert any("·" in p.name for p in persons)


def test_it_gives_valid_synthetic_id_numbers_born_in_the_origin_county(cast: Any) -> None:
    seed(120)
    for person in Person.objects.exclude(id_number_enc="")[:120]:
        number = parse_id_number(decrypt(person, "id_number"))
        assert number.area_code == person.origin_region_id
        assert number.birth_date == person.birth_date
        assert person.id_number_last4 == number.number[-4:]


def test_it_adds_visits_movements_name_keys_and_duplicates(cast: Any) -> None:
    seed()
    assert Visit.objects.count() > 100
    assert Movement.objects.filter(state="done").exists()
    assert NameKey.objects.exists()
    # Every key carries its file's community (a community's name search walks them).
    from django.db.models import F

    assert not NameKey.objects.exclude(area_code=F("person__area_code")).exists()
    assert DuplicateCandidate.objects.count() > 0
    # Verified dates follow the visits that were met.
    visit = Visit.objects.filter(outcome="met").select_related("person").first()
    assert visit is not None and visit.person.origin_verified_on is not None
    assert AuditEvent.objects.filter(action="ledger.seed", username="seed_ledger").count() == 1


def test_it_is_idempotent(cast: Any) -> None:
    seed(50)
    files = Person.objects.count()
    assert "nothing to do" in seed(50)
    assert Person.objects.count() == files
    assert PersonChange.objects.filter(action="person.seed").count() == files


def test_it_refuses_to_run_with_debug_off(settings: Any, cast: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        seed(10)
