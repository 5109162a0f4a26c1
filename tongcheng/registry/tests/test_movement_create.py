"""Movements done at once: address change, moved away / returned / settled, reactivation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import Movement, Person, PersonChange, Visit
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

COMMUNITY_A = "140403001001"
COMMUNITY_A2 = "140403001002"
COMMUNITY_B = "140403002001"


def url(pk: int) -> str:
    return f"/registry/{pk}/move/"


def data(person: Person, **fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "moved_on": timezone.localdate().isoformat(),
        "version": person.version,
        "address": "",
        "community": "",
        "reason": "",
    }
    values.update(fields)
    return values


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    person = make_person(COMMUNITY_A)
    assert Client().get(url(person.pk))["Location"].startswith("/login/")


def test_it_hides_a_file_of_another_community(cast) -> None:
    person = make_person(COMMUNITY_A)
    assert cast.client("community_b").get(url(person.pk)).status_code == 404


def test_it_refuses_the_read_only_inspector(cast) -> None:
    person = make_person(COMMUNITY_A)
    assert cast.client("inspector").get(url(person.pk)).status_code == 403


def test_it_offers_the_movements_that_fit_the_status(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").get(url(person.pk) + "?kind=moved_away")
    assert response.status_code == 200
    kinds = [k for k, _label in response.context["form"].fields["kind"].choices]
    assert kinds == ["address_change", "moved_away", "returned_home", "settled"]
    assert response.context["form"]["kind"].value() == "moved_away"


def test_it_changes_the_address_inside_the_community(cast) -> None:
    person = make_person(COMMUNITY_A, address="旧地址1号")
    response = cast.client("community_a").post(
        url(person.pk), data(person, kind="address_change", address="英雄中路9号")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert decrypt(person, "address") == "英雄中路9号"
    movement = Movement.objects.get(person=person)
    assert (movement.kind, movement.state, movement.to_area) == ("address_change", "done", None)
    assert PersonChange.objects.get(person=person).fields == ["address"]
    assert AuditEvent.objects.filter(
        action="person.address_change", object_id=str(person.pk)
    ).exists()


def test_it_moves_a_file_directly_inside_the_writers_own_scope(cast) -> None:
    person = make_person(COMMUNITY_A)
    Visit.objects.create(
        person=person, area_code=COMMUNITY_A, visited_on=timezone.localdate(),
        officer=cast.street, outcome="met",
    )  # fmt: skip
    response = cast.client("district").post(
        url(person.pk), data(person, kind="address_change", community=COMMUNITY_B)
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.area_code, person.community.code) == (COMMUNITY_B, COMMUNITY_B)
    assert Visit.objects.get(person=person).area_code == COMMUNITY_B
    assert Movement.objects.get(person=person).to_area.code == COMMUNITY_B


def test_it_offers_no_community_outside_the_writers_scope(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").post(
        url(person.pk), data(person, kind="address_change", community=COMMUNITY_A2)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["community"]
    person.refresh_from_db()
    assert person.area_code == COMMUNITY_A


def test_it_refuses_an_address_change_that_changes_nothing(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").post(url(person.pk), data(person, kind="address_change"))
    assert response.context["form"].non_field_errors()
    assert not Movement.objects.exists()


def test_it_records_a_person_who_moved_away(cast) -> None:
    person = make_person(COMMUNITY_A)
    day = timezone.localdate() - timedelta(days=5)
    cast.client("community_a").post(
        url(person.pk), data(person, kind="moved_away", moved_on=day.isoformat())
    )
    person.refresh_from_db()
    assert (person.status, person.status_since) == ("moved_away", day)
    assert PersonChange.objects.get(person=person).fields == ["status", "status_since"]


def test_it_reactivates_the_same_file_when_the_person_comes_back(cast) -> None:
    person = make_person(COMMUNITY_A, status="returned_home", address="旧地址1号")
    response = cast.client("community_a").get(url(person.pk))
    kinds = [k for k, _label in response.context["form"].fields["kind"].choices]
    assert kinds == ["reactivated"]
    response = cast.client("community_a").post(
        url(person.pk), data(person, kind="reactivated", address="新地址2号")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "active"
    assert decrypt(person, "address") == "新地址2号"
    # Never a second file.
    assert Person.objects.count() == 1
    assert Movement.objects.get(person=person).kind == "reactivated"


def test_it_refuses_to_reactivate_an_active_file(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").post(url(person.pk), data(person, kind="reactivated"))
    assert response.context["form"].errors["kind"]
    assert not Movement.objects.exists()


def test_it_refuses_a_stale_form(cast) -> None:
    person = make_person(COMMUNITY_A)
    values = data(person, kind="moved_away")
    Person.objects.filter(pk=person.pk).update(version=9)
    response = cast.client("community_a").post(url(person.pk), values)
    assert response.context["form"].non_field_errors()
    person.refresh_from_db()
    assert person.status == "active"
    assert not Movement.objects.exists()
