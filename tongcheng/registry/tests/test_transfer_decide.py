"""Accepting or declining a transfer; after acceptance the sender loses access."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.models import Movement, PersonChange, Visit
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

COMMUNITY_A = "140403001001"
COMMUNITY_B = "140403002001"


def requested(cast) -> Movement:
    person = make_person(COMMUNITY_A)
    Visit.objects.create(
        person=person, area_code=COMMUNITY_A, visited_on=timezone.localdate(),
        officer=cast.community_a, outcome="met",
    )  # fmt: skip
    cast.client("community_a").post(
        f"/registry/{person.pk}/transfer/",
        {"to_area": COMMUNITY_B, "moved_on": timezone.localdate().isoformat()},
    )
    return Movement.objects.get(person=person, state="pending")


def url(movement: Movement) -> str:
    return f"/registry/transfers/{movement.pk}/"


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    movement = requested(cast)
    assert Client().get(url(movement))["Location"].startswith("/login/")


def test_it_hides_the_transfer_from_everyone_but_the_receiver(cast) -> None:
    movement = requested(cast)
    # The sender and other areas cannot decide it.
    assert cast.client("community_a").get(url(movement)).status_code == 404
    assert cast.client("street").get(url(movement)).status_code == 404
    assert cast.client("other_district").get(url(movement)).status_code == 404


def test_it_refuses_the_read_only_inspector(cast) -> None:
    movement = requested(cast)
    assert cast.client("inspector").get(url(movement)).status_code == 403


def test_it_shows_the_receiver_the_request(cast) -> None:
    movement = requested(cast)
    response = cast.client("community_b").get(url(movement))
    assert response.status_code == 200
    assert movement.person.name in response.content.decode()


def test_it_moves_the_file_and_its_history_on_acceptance(cast) -> None:
    movement = requested(cast)
    person = movement.person
    response = cast.client("community_b").post(url(movement), {"decision": "accept"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.area_code, person.community.code) == (COMMUNITY_B, COMMUNITY_B)
    movement.refresh_from_db()
    assert (movement.state, movement.decided_by) == ("done", cast.community_b)
    assert Visit.objects.get(person=person).area_code == COMMUNITY_B
    actions = list(PersonChange.objects.filter(person=person).values_list("action", flat=True))
    assert actions == ["person.transfer_accept", "person.transfer_request"]
    event = AuditEvent.objects.get(action="person.transfer_accept")
    assert event.area_code == COMMUNITY_B
    # The sending side has lost access; the receiving side has it.
    assert cast.client("community_a").get(f"/registry/{person.pk}/visit/").status_code == 404
    assert cast.client("community_a").get(f"/registry/{person.pk}/move/").status_code == 404
    assert cast.client("community_b").get(f"/registry/{person.pk}/visit/").status_code == 200
    # A decided transfer cannot be decided again.
    assert (
        cast.client("community_b").post(url(movement), {"decision": "decline"}).status_code == 404
    )


def test_it_keeps_the_file_where_it_is_on_decline(cast) -> None:
    movement = requested(cast)
    person = movement.person
    response = cast.client("community_b").post(url(movement), {"decision": "decline"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.area_code == COMMUNITY_A
    movement.refresh_from_db()
    assert movement.state == "declined"
    assert AuditEvent.objects.filter(action="person.transfer_decline").exists()
    assert cast.client("community_a").get(f"/registry/{person.pk}/visit/").status_code == 200
    assert cast.client("community_b").get(f"/registry/{person.pk}/visit/").status_code == 404
