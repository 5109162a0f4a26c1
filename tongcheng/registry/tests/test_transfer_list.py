"""The transfers page: incoming (waiting for me) and outgoing (asked by my area)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.models import Movement
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/registry/transfers/"
COMMUNITY_A = "140403001001"
COMMUNITY_B = "140403002001"


def request_transfer(cast, name: str) -> Movement:
    person = make_person(COMMUNITY_A, name=name)
    cast.client("community_a").post(
        f"/registry/{person.pk}/transfer/",
        {"to_area": COMMUNITY_B, "moved_on": timezone.localdate().isoformat()},
    )
    return Movement.objects.get(person=person)


def test_it_sends_anonymous_visitors_to_login() -> None:
    assert Client().get(URL)["Location"].startswith("/login/")


def test_it_refuses_the_read_only_inspector(cast) -> None:
    assert cast.client("inspector").get(URL).status_code == 403


def test_it_lists_incoming_and_outgoing(cast) -> None:
    movement = request_transfer(cast, "马甲")
    incoming = cast.client("community_b").get(URL)
    assert [m.pk for m in incoming.context["incoming"]] == [movement.pk]
    assert incoming.context["outgoing"] == []
    outgoing = cast.client("community_a").get(URL)
    assert outgoing.context["incoming"] == []
    assert [m.pk for m in outgoing.context["outgoing"]] == [movement.pk]
    event = AuditEvent.objects.filter(action="person.list", user_id=cast.community_b.pk).get()
    assert event.detail == {"page": "transfers", "ids": [movement.person_id]}


def test_it_hides_the_name_of_a_file_accepted_elsewhere(cast) -> None:
    movement = request_transfer(cast, "马乙")
    cast.client("community_b").post(f"/registry/transfers/{movement.pk}/", {"decision": "accept"})
    response = cast.client("community_a").get(URL)
    assert response.status_code == 200
    assert "马乙" not in response.content.decode()


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    for n in range(3):
        request_transfer(cast, f"马{n}")
    client = cast.client("community_b")
    client.get(URL)
    # 1 session, 2 user, 3 memberships (middleware), 4 savepoint, 5 incoming with file and
    # areas, 6 outgoing with file and areas, 7 audit event, 8 release savepoint.
    with django_assert_num_queries(8):
        assert client.get(URL).status_code == 200
