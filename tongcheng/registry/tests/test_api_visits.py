"""The visits API: ladder, scope, If-Match (412/428), the form's validation, audit, OpenAPI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import Person, PersonChange, Visit
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
B = "140403002001"


def url(pk: int) -> str:
    return f"/api/v1/persons/{pk}/visits"


def post(client: Client, pk: int, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url(pk), json.dumps(body), content_type="application/json", headers=headers)


def today() -> str:
    return timezone.localdate().isoformat()


def visit(person: Person, officer: Any, visited_on: date, **fields: Any) -> Visit:
    return Visit.objects.create(
        person=person,
        area_code=person.area_code,
        visited_on=visited_on,
        officer=officer,
        outcome=fields.pop("outcome", "met"),
        **fields,
    )


def test_it_needs_authentication(client: Client, cast: Cast) -> None:
    person = make_person(A)
    assert client.get(url(person.pk)).status_code == 401
    assert post(client, person.pk, {"visited_on": today(), "outcome": "met"}).status_code == 401


def test_it_hides_a_file_of_another_community(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("community_b")
    assert client.get(url(person.pk)).status_code == 404
    assert post(client, person.pk, {"visited_on": today(), "outcome": "met"}).status_code == 404
    assert not Visit.objects.exists()
    assert AuditEvent.objects.filter(
        action="deny:api:person_visit_list", object_id=str(person.pk)
    ).exists()


def test_it_lets_the_inspector_read_but_not_record(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("inspector")
    assert client.get(url(person.pk)).status_code == 200
    response = post(client, person.pk, {"visited_on": today(), "outcome": "met"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="deny:api:person_visit_create").exists()
    assert cast.client("leader").get(url(person.pk)).status_code == 403


def test_it_lists_the_visits_newest_first_and_audits_the_view(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    person = make_person(A)
    old = visit(person, cast.community_a, date(2025, 3, 1), outcome="not_home")
    new = visit(person, cast.street, date(2025, 9, 1), verified_origin=True, notes="在家")
    make_person(A)  # another file's visits are not listed
    client = cast.client("community_a")
    client.get("/api/v1/me")  # the first request of a session also writes its timestamps
    # session, user, memberships; the request's savepoint; the file; one page of visits with
    # their officers (one join); the audit insert; the savepoint's release.
    with django_assert_num_queries(8):
        response = client.get(url(person.pk))
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [new.pk, old.pk]
    assert body["items"][0] == {
        "id": new.pk,
        "visited_on": "2025-09-01",
        "officer": str(cast.street),
        "outcome": "met",
        "verified_origin": True,
        "verified_address": False,
        "verified_occupation": False,
        "notes": "在家",
    }
    assert (body["page"], body["has_next"]) == (1, False)
    event = AuditEvent.objects.get(action="person.view", object_id=str(person.pk))
    assert event.detail == {"visits": 2}


def test_it_pages_the_list(cast: Cast) -> None:
    person = make_person(A)
    for n in range(51):
        visit(person, cast.community_a, date(2024, 1, 1) + timedelta(days=n))
    client = cast.client("community_a")
    first = client.get(url(person.pk)).json()
    assert (len(first["items"]), first["has_next"]) == (50, True)
    second = client.get(url(person.pk), {"page": 2}).json()
    assert (len(second["items"]), second["has_next"]) == (1, False)
    assert second["items"][0]["visited_on"] == "2024-01-01"
    assert client.get(url(person.pk), {"bogus": 1}).status_code == 400


def test_it_records_a_visit_and_verifies_the_checked_facts(cast: Cast) -> None:
    person = make_person(A, origin_region="622924", address="英雄中路1号", occupation="vendor")
    body = {
        "visited_on": today(),
        "outcome": "met",
        "verified_origin": True,
        "verified_address": True,
        "notes": "正常",
    }
    # Verifying facts is not a correction: no If-Match needed.
    response = post(cast.client("community_a"), person.pk, body)
    assert response.status_code == 201, response.content
    created = Visit.objects.get(person=person)
    assert response.json()["id"] == created.pk
    assert (created.officer, created.verified_origin, created.verified_occupation) == (
        cast.community_a,
        True,
        False,
    )
    person.refresh_from_db()
    assert person.origin_verified_on == timezone.localdate()
    assert person.occupation_verified_on is None
    assert response["ETag"] == f'"{person.version}"' == '"2"'
    event = AuditEvent.objects.get(action="person.visit", object_id=str(person.pk))
    assert set(event.detail["fields"]) == {"origin_verified_on", "address_verified_on"}


def test_it_needs_if_match_to_correct_the_file(cast: Cast) -> None:
    person = make_person(A, address="旧地址1号", phone="13812345678")
    client = cast.client("community_a")
    body = {
        "visited_on": today(),
        "outcome": "met",
        "address": "英雄中路 8号",
        "phone": "13800138000",
    }
    assert post(client, person.pk, body).status_code == 428
    assert post(client, person.pk, body, **{"If-Match": '"abc"'}).status_code == 412
    person.version = 3
    person.save(update_fields=["version"])
    stale = post(client, person.pk, body, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    assert not Visit.objects.exists()
    ok = post(client, person.pk, body, **{"If-Match": '"3"'})
    assert ok.status_code == 201, ok.content
    assert ok["ETag"] == '"4"'
    person.refresh_from_db()
    assert decrypt(person, "address") == "英雄中路 8号"
    assert decrypt(person, "phone") == "13800138000"
    assert set(PersonChange.objects.get(person=person).fields) >= {"address", "phone"}
    assert "13800138000" not in json.dumps(
        list(AuditEvent.objects.values_list("detail", flat=True))
    )


def test_it_checks_a_sent_if_match_without_corrections_too(cast: Cast) -> None:
    person = make_person(A)
    body = {"visited_on": today(), "outcome": "not_home"}
    response = post(cast.client("community_a"), person.pk, body, **{"If-Match": '"7"'})
    assert response.status_code == 412
    assert not Visit.objects.exists()


def test_it_names_the_field_of_bad_input_in_chinese(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("community_a")
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post(client, person.pk, {"visited_on": future, "outcome": "gone"})
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(errors) == {"visited_on", "outcome"}
    # The form's label names the field, then the form's own message.
    assert errors["visited_on"] == "走访日期：走访日期不能晚于今天。"
    assert errors["outcome"].startswith("结果：")
    phone = post(
        client,
        person.pk,
        {"visited_on": today(), "outcome": "met", "phone": "12345"},
        **{"If-Match": '"1"'},
    )
    assert phone.status_code == 400
    assert phone.json()["errors"][0]["field"] == "phone"
    not_met = post(
        client, person.pk, {"visited_on": today(), "outcome": "not_home", "verified_address": True}
    )
    assert not_met.status_code == 400
    assert not_met.json()["errors"][0]["field"] == "verified_address"
    unknown = post(client, person.pk, {"visited_on": today(), "outcome": "met", "salary": 1})
    assert unknown.status_code == 400
    assert not Visit.objects.exists()


def test_it_is_in_the_openapi_document(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/persons/{pk}/visits"])
