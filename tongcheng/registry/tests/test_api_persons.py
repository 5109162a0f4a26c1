"""The persons API: scope, masking, ETag/If-Match, unknown keys, policy, audit, OpenAPI."""

from __future__ import annotations

import json
from datetime import date

from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.lib.idnumber import make_id_number
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import Person
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
B = "140403002001"
LIST = "/api/v1/persons"


def detail(pk: int) -> str:
    return f"/api/v1/persons/{pk}"


def send(client: Client, method: str, url: str, body: dict, **headers: str):  # type: ignore[no-untyped-def]
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def test_it_needs_authentication(client: Client, cast: Cast) -> None:
    assert client.get(LIST).status_code == 401


def test_it_refuses_roles_without_record_access(cast: Cast) -> None:
    assert cast.client("leader").get(LIST).status_code == 403


def test_it_lists_and_searches_in_scope_masked(cast: Cast) -> None:
    own = make_person(A, name="马晓梅", phone="13812345678")
    make_person(B, name="马秀兰")
    body = cast.client("community_a").get(LIST).json()
    assert [item["id"] for item in body["items"]] == [own.pk]
    assert body["items"][0]["phone_masked"] == "138****5678"
    assert "13812345678" not in json.dumps(body)
    # Year and month of the birth date, the ID number's region code: never the day.
    number = decrypt(own, "id_number")
    assert body["items"][0]["id_number_masked"] == number[:6] + "*" * 12
    assert body["items"][0]["birth_month"] == f"{number[6:10]}-{number[10:12]}"
    assert "birth_date" not in body["items"][0] and number[6:14] not in json.dumps(body)
    found = cast.client("district").get(LIST, {"q": "马"}).json()
    assert len(found["items"]) == 2
    assert AuditEvent.objects.filter(action="person.search", detail__kind="name").exists()
    assert cast.client("district").get(LIST, {"bogus": "1"}).status_code == 400


def test_it_shows_one_file_with_its_version_as_etag(cast: Cast) -> None:
    person = make_person(A)
    response = cast.client("community_a").get(detail(person.pk))
    assert response.status_code == 200 and response["ETag"] == '"1"'
    assert decrypt(person, "id_number") not in response.content.decode()
    assert AuditEvent.objects.filter(action="person.view", object_id=str(person.pk)).exists()
    assert cast.client("community_b").get(detail(person.pk)).status_code == 404


def test_it_creates_a_file(cast: Cast) -> None:
    number = make_id_number("622924", date(1990, 5, 6), 3, "female")
    body = {
        "community": A,
        "name": "马晓梅",
        "ethnicity": "回族",
        "id_number": number,
        "origin": "甘肃临夏",
    }
    response = send(cast.client("community_a"), "post", LIST, body)
    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert response.json()["id"] == person.pk and person.origin_region_id == "622900"
    again = send(cast.client("community_a"), "post", LIST, body)
    assert again.status_code == 409 and again.json()["person_id"] == person.pk
    elsewhere = send(cast.client("community_b"), "post", LIST, {**body, "community": B})
    assert elsewhere.status_code == 409 and elsewhere.json().get("person_id") is None


def test_it_refuses_bad_input_and_unknown_keys(cast: Cast) -> None:
    client = cast.client("community_a")
    bad = send(client, "post", LIST, {"community": A, "name": "", "ethnicity": "回族"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "name"
    unknown = send(
        client, "post", LIST, {"community": A, "name": "马", "ethnicity": "03", "salary": "1"}
    )
    assert unknown.status_code == 400
    outside = send(client, "post", LIST, {"community": B, "name": "马", "ethnicity": "03"})
    assert outside.status_code == 400
    assert not Person.objects.exists()


def test_it_refuses_writes_to_read_only_roles(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("inspector")
    assert (
        send(client, "post", LIST, {"community": A, "name": "马", "ethnicity": "03"}).status_code
        == 403
    )
    assert (
        send(client, "patch", detail(person.pk), {"name": "乙"}, **{"If-Match": '"1"'}).status_code
        == 403
    )


def test_it_updates_with_if_match(cast: Cast) -> None:
    person = make_person(A, phone="13812345678")
    client = cast.client("community_a")
    missing = send(client, "patch", detail(person.pk), {"name": "乙"})
    assert missing.status_code == 428
    ok = send(client, "patch", detail(person.pk), {"name": "乙"}, **{"If-Match": '"1"'})
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == '"2"' and ok.json()["name"] == "乙"
    person.refresh_from_db()
    assert decrypt(person, "phone") == "13812345678"  # PATCH keeps what was not sent
    stale = send(client, "patch", detail(person.pk), {"name": "丙"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    person.refresh_from_db()
    assert person.name == "乙"
    put = send(
        client, "put", detail(person.pk), {"name": "丁", "ethnicity": "03"}, **{"If-Match": '"2"'}
    )
    assert put.status_code == 200
    person.refresh_from_db()
    assert person.name == "丁" and person.phone_enc == ""  # PUT replaces
    assert AuditEvent.objects.filter(action="person.update").count() == 2
    other = make_person(B)
    assert (
        send(client, "patch", detail(other.pk), {"name": "x"}, **{"If-Match": '"1"'}).status_code
        == 404
    )


def test_it_is_in_the_openapi_document(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/persons"])
    assert {"get", "put", "patch"} <= set(paths["/api/v1/persons/{pk}"])


def test_it_checks_the_writes_policy_before_reading_the_body(cast: Cast) -> None:
    # POST /persons resolves to the list's URL name; the create entry still applies first.
    client = cast.client("inspector")
    assert client.post(LIST, "{}", content_type="application/json").status_code == 403
    assert AuditEvent.objects.filter(action="deny:api:person_create").exists()
