"""Recording a door-to-door visit: 三必清 verification dates, updates through the actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import PersonChange, Visit
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

COMMUNITY_A = "140403001001"


def url(pk: int) -> str:
    return f"/registry/{pk}/visit/"


def post_data(person, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "visited_on": timezone.localdate().isoformat(),
        "outcome": "met",
        "version": person.version,
        "notes": "",
    }
    data.update(fields)
    return data


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = Client().get(url(person.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_hides_a_file_of_another_community(cast) -> None:
    person = make_person(COMMUNITY_A)
    assert cast.client("community_b").get(url(person.pk)).status_code == 404
    assert cast.client("other_district").get(url(person.pk)).status_code == 404


def test_it_refuses_the_read_only_inspector(cast) -> None:
    person = make_person(COMMUNITY_A)
    assert cast.client("inspector").get(url(person.pk)).status_code == 403
    assert cast.client("leader").get(url(person.pk)).status_code == 403


def test_it_shows_the_form_and_audits_the_view(cast) -> None:
    person = make_person(COMMUNITY_A, address="英雄南路12号")
    response = cast.client("community_a").get(url(person.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "英雄南路12号" in body
    assert 'class="btn-check"' in body
    assert 'inputmode="tel"' in body  # the new phone number, on the phone keypad
    assert AuditEvent.objects.filter(
        action="person.view", object_id=str(person.pk), detail={"page": "visit"}
    ).exists()


def test_it_sets_the_verified_dates_of_the_checked_facts(cast) -> None:
    person = make_person(
        COMMUNITY_A, address="英雄南路12号", occupation="vendor", origin_region="640324"
    )
    visited = timezone.localdate() - timedelta(days=3)
    response = cast.client("street").post(
        url(person.pk),
        post_data(person, visited_on=visited.isoformat(), verified=["origin", "address"]),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.origin_verified_on == visited
    assert person.address_verified_on == visited
    assert person.occupation_verified_on is None
    assert person.version == 2
    visit = Visit.objects.get(person=person)
    assert (visit.officer, visit.outcome, visit.area_code) == (cast.street, "met", COMMUNITY_A)
    assert visit.verified_origin and visit.verified_address and not visit.verified_occupation
    change = PersonChange.objects.get(person=person)
    assert change.action == "person.visit"
    assert change.fields == ["address_verified_on", "origin_verified_on"]
    event = AuditEvent.objects.get(action="person.visit", object_id=str(person.pk))
    assert event.detail == {"fields": ["address_verified_on", "origin_verified_on"]}


def test_it_never_moves_a_newer_verification_back(cast) -> None:
    recent = timezone.localdate() - timedelta(days=1)
    person = make_person(COMMUNITY_A, origin_verified_on=recent)
    old = recent - timedelta(days=60)
    cast.client("community_a").post(
        url(person.pk), post_data(person, visited_on=old.isoformat(), verified=["origin"])
    )
    person.refresh_from_db()
    assert person.origin_verified_on == recent
    assert Visit.objects.filter(person=person).count() == 1


def test_it_verifies_nothing_when_the_person_was_not_met(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").post(
        url(person.pk), post_data(person, outcome="not_home", verified=["origin"])
    )
    assert response.status_code == 200
    assert (
        "Facts can only be verified" in response.content.decode()
        or response.context["form"].errors["verified"]
    )
    assert not Visit.objects.filter(person=person).exists()


def test_it_records_a_visit_that_found_nobody(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").post(
        url(person.pk), post_data(person, outcome="not_home")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.version == 1  # the file itself did not change
    assert PersonChange.objects.get(person=person).action == "person.visit"
    assert AuditEvent.objects.filter(action="person.visit", object_id=str(person.pk)).count() == 1


def test_it_updates_address_phone_and_occupation_through_the_actions(cast) -> None:
    person = make_person(COMMUNITY_A, address="旧地址1号", occupation="vendor")
    response = cast.client("community_a").post(
        url(person.pk),
        post_data(
            person,
            address="  英雄中路 8号 ",
            phone="138 0013 8000",
            occupation="noodle_restaurant",
            verified=["address", "occupation"],
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert decrypt(person, "address") == "英雄中路 8号"
    assert decrypt(person, "phone") == "13800138000"
    assert person.phone_last4 == "8000"
    assert person.occupation == "noodle_restaurant"
    assert person.address_verified_on == timezone.localdate()
    fields = PersonChange.objects.get(person=person).fields
    assert {"address", "phone", "occupation"} <= set(fields)
    # History and audit name fields, never values.
    event = AuditEvent.objects.get(action="person.visit", object_id=str(person.pk))
    assert "13800138000" not in str(event.detail)


def test_it_names_a_bad_phone_number(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").post(url(person.pk), post_data(person, phone="12345"))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Visit.objects.exists()


def test_it_refuses_a_stale_form(cast) -> None:
    person = make_person(COMMUNITY_A)
    data = post_data(person, verified=["origin"])
    person.version = 5
    person.save(update_fields=["version"])
    response = cast.client("community_a").post(url(person.pk), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    person.refresh_from_db()
    assert person.origin_verified_on is None
    assert not Visit.objects.exists()


def test_it_offers_a_movement_when_the_person_moved_away(cast) -> None:
    person = make_person(COMMUNITY_A)
    response = cast.client("community_a").post(
        url(person.pk), post_data(person, outcome="moved_away")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/registry/{person.pk}/move/?kind=moved_away"


def test_it_refuses_a_future_date(cast) -> None:
    person = make_person(COMMUNITY_A)
    tomorrow = date.today() + timedelta(days=2)
    response = cast.client("community_a").post(
        url(person.pk), post_data(person, visited_on=tomorrow.isoformat())
    )
    assert response.context["form"].errors["visited_on"]


def test_it_shows_the_visit_and_movement_sections_on_the_file(cast) -> None:
    person = make_person(COMMUNITY_A)
    cast.client("community_a").post(url(person.pk), post_data(person, verified=["origin"]))
    body = cast.client("community_a").get(f"/registry/{person.pk}/").content.decode()
    assert 'id="visits-heading"' in body and 'id="movements-heading"' in body
    assert f"/registry/{person.pk}/visit/" in body
    assert f"/registry/{person.pk}/move/" in body


def test_it_verifies_only_facts_that_are_known(cast) -> None:
    person = make_person(COMMUNITY_A, address="", occupation="")
    cast.client("community_a").post(
        url(person.pk), post_data(person, verified=["address", "occupation"], occupation="vendor")
    )
    person.refresh_from_db()
    assert person.address_verified_on is None
    assert person.occupation_verified_on == timezone.localdate()
