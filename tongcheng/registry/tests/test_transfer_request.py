"""Requesting (and cancelling) the transfer of a file to a community outside one's own area."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.models import Movement, PersonChange
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

COMMUNITY_A = "140403001001"
COMMUNITY_B = "140403002001"
OTHER_DISTRICT_COMMUNITY = "140404001001"


def url(pk: int) -> str:
    return f"/registry/{pk}/transfer/"


def data(to: str) -> dict[str, str]:
    return {"to_area": to, "moved_on": timezone.localdate().isoformat(), "reason": "搬家"}


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    person = make_person(COMMUNITY_A)
    assert Client().get(url(person.pk))["Location"].startswith("/login/")


def test_it_hides_a_file_of_another_community(cast) -> None:
    person = make_person(COMMUNITY_A)
    assert cast.client("community_b").get(url(person.pk)).status_code == 404


def test_it_refuses_the_read_only_inspector(cast) -> None:
    person = make_person(COMMUNITY_A)
    assert cast.client("inspector").get(url(person.pk)).status_code == 403


def test_it_finds_communities_city_wide_outside_the_own_area(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").get(url(person.pk) + "?q=1404")
    assert response.status_code == 200
    codes = [a.code for a in response.context["matches"]]
    assert codes and COMMUNITY_A not in codes
    response = cast.client("community_a").get(url(person.pk) + "?q=上党门")
    assert COMMUNITY_B in [a.code for a in response.context["matches"]]


def test_it_creates_one_pending_transfer(cast) -> None:
    person = make_person(COMMUNITY_A)
    client = cast.client("community_a")
    response = client.post(url(person.pk), data(COMMUNITY_B))
    assert response.status_code == 302
    movement = Movement.objects.get(person=person)
    assert (movement.kind, movement.state, movement.to_area.code) == (
        "transfer",
        "pending",
        COMMUNITY_B,
    )
    assert PersonChange.objects.get(person=person).action == "person.transfer_request"
    assert AuditEvent.objects.filter(
        action="person.transfer_request", object_id=str(person.pk)
    ).exists()
    # A second request is refused: one pending movement per person.
    response = client.post(url(person.pk), data(OTHER_DISTRICT_COMMUNITY))
    assert response.status_code == 200
    assert Movement.objects.filter(person=person).count() == 1
    person.refresh_from_db()
    assert person.area_code == COMMUNITY_A  # nothing moves before acceptance


def test_it_sends_moves_inside_the_own_scope_to_an_address_change(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("district").post(url(person.pk), data(COMMUNITY_B))
    assert response.status_code == 200
    assert response.context["form"].errors["to_area"]
    assert not Movement.objects.exists()


def test_it_refuses_a_code_that_is_no_community(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").post(url(person.pk), data("140403002000"))
    assert response.context["form"].errors["to_area"]


def test_it_cancels_the_pending_request(cast) -> None:
    person = make_person(COMMUNITY_A)
    client = cast.client("community_a")
    client.post(url(person.pk), data(COMMUNITY_B))
    response = client.post(url(person.pk), {"cancel": "1"})
    assert response.status_code == 302
    assert Movement.objects.get(person=person).state == "cancelled"
    assert AuditEvent.objects.filter(action="person.transfer_cancel").exists()
