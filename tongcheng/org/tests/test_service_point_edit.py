"""Recording the service point of a street (民族科) or a community (便民服务中心)."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import ServicePoint

pytestmark = pytest.mark.django_db

COMMUNITY_A = "/org/areas/140403001001/service-point/community_centre/"
COMMUNITY_B = "/org/areas/140403002001/service-point/community_centre/"
DATA = {
    "name": "新的便民服务中心",
    "address": "东街1号",
    "phone": "0355-1234567",
    "hours": "9:00-17:00",
}


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(COMMUNITY_A)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_hides_communities_of_another_street(cast) -> None:
    assert cast.client("street").get(COMMUNITY_B).status_code == 404
    assert cast.client("other_district").post(COMMUNITY_A, DATA).status_code == 404


def test_it_refuses_read_only_and_community_roles(cast) -> None:
    assert cast.client("inspector").get(COMMUNITY_A).status_code == 403
    assert cast.client("community_a").post(COMMUNITY_A, DATA).status_code == 403


def test_it_shows_the_form_to_the_street_officer(cast) -> None:
    response = cast.client("street").get(COMMUNITY_A)
    assert response.status_code == 200
    body = response.content.decode()
    assert "和平社区少数民族便民服务中心" in body
    assert 'inputmode="tel"' in body  # the public phone, on the phone keypad


def test_it_updates_the_centre_and_audits_field_names_only(cast) -> None:
    response = cast.client("street").post(COMMUNITY_A, DATA)
    assert response.status_code == 302
    point = ServicePoint.objects.get(area__code="140403001001", kind="community_centre")
    assert point.name == "新的便民服务中心"
    event = AuditEvent.objects.get(action="service_point.update", object_id=str(point.pk))
    assert event.area_code == "140403001001"
    assert "东街1号" not in str(event.detail)
    assert "address" in event.detail["fields"]


def test_it_creates_a_missing_centre(cast) -> None:
    ServicePoint.objects.filter(area__code="140403002001").delete()
    response = cast.client("district").post(COMMUNITY_B, DATA)
    assert response.status_code == 302
    assert ServicePoint.objects.filter(area__code="140403002001").count() == 1
    assert AuditEvent.objects.filter(action="service_point.create").exists()


def test_it_refuses_the_wrong_kind_for_the_level_with_a_clear_message(cast) -> None:
    client = cast.client("district")
    response = client.post("/org/areas/140403001001/service-point/street_section/", DATA)
    assert response.status_code == 400
    assert not ServicePoint.objects.filter(
        area__code="140403001001", kind="street_section"
    ).exists()
    assert (
        "便民服务中心" in response.content.decode() or "Service centre" in response.content.decode()
    )
    district_page = client.get("/org/areas/140403000000/service-point/street_section/")
    assert district_page.status_code == 400
