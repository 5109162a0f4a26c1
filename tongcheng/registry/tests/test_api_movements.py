"""The movements API: list, record, transfer request and decision; ladder, scope, 412, audit."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.org.models import Area
from tongcheng.registry.identifiers import decrypt
from tongcheng.registry.models import Movement, Person, PersonChange
from tongcheng.registry.tests.factories import make_person

A = "140403001001"
A2 = "140403001002"  # another community of community_a's street
B = "140403002001"


def url(pk: int) -> str:
    return f"/api/v1/persons/{pk}/movements"


def decision_url(pk: int) -> str:
    return f"/api/v1/transfers/{pk}/decision"


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def today() -> str:
    return timezone.localdate().isoformat()


def request_transfer(cast: Cast, person: Person) -> Movement:
    body = {"kind": "transfer", "to_community": B, "moved_on": today(), "reason": "搬家"}
    response = post(cast.client("community_a"), url(person.pk), body)
    assert response.status_code == 201, response.content
    return Movement.objects.get(pk=response.json()["id"])


def test_it_needs_authentication(client: Client, cast: Cast) -> None:
    person = make_person(A)
    assert client.get(url(person.pk)).status_code == 401
    assert post(client, url(person.pk), {"kind": "moved_away"}).status_code == 401


def test_it_hides_a_file_of_another_community(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("community_b")
    assert client.get(url(person.pk)).status_code == 404
    body = {"kind": "moved_away", "moved_on": today()}
    assert post(client, url(person.pk), body).status_code == 404
    person.refresh_from_db()
    assert person.status == "active"


def test_it_lets_the_inspector_read_but_not_write(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("inspector")
    assert client.get(url(person.pk)).status_code == 200
    body = {"kind": "moved_away", "moved_on": today()}
    assert post(client, url(person.pk), body).status_code == 403
    assert AuditEvent.objects.filter(action="deny:api:person_movement_create").exists()
    assert cast.client("leader").get(url(person.pk)).status_code == 403


def test_it_lists_the_movements_newest_first_and_audits_the_view(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    person = make_person(A)
    a, b = Area.objects.get(code=A), Area.objects.get(code=B)
    old = Movement.objects.create(
        person=person, kind="moved_away", state="done", from_area=a,
        moved_on=date(2025, 1, 2), requested_by=cast.community_a,
    )  # fmt: skip
    new = Movement.objects.create(
        person=person, kind="transfer", state="declined", from_area=a, to_area=b,
        moved_on=date(2025, 6, 1), reason="工作", requested_by=cast.community_a,
    )  # fmt: skip
    client = cast.client("community_a")
    client.get("/api/v1/me")  # the first request of a session also writes its timestamps
    # session, user, memberships; the request's savepoint; the file; one page of movements
    # with both communities (joins); the audit insert; the savepoint's release.
    with django_assert_num_queries(8):
        response = client.get(url(person.pk))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [new.pk, old.pk]
    assert items[0] == {
        "id": new.pk,
        "kind": "transfer",
        "state": "declined",
        "from_community": {"code": A, "name": a.name},
        "to_community": {"code": B, "name": b.name},
        "moved_on": "2025-06-01",
        "reason": "工作",
    }
    assert items[1]["to_community"] is None
    event = AuditEvent.objects.get(action="person.view", object_id=str(person.pk))
    assert event.detail == {"movements": 2}


def test_it_changes_the_address_and_community_inside_the_writers_scope(cast: Cast) -> None:
    person = make_person(A, address="旧地址1号")
    body = {
        "kind": "address_change",
        "moved_on": today(),
        "address": "英雄中路9号",
        "community": A2,
    }
    response = post(cast.client("street"), url(person.pk), body, **{"If-Match": '"1"'})
    assert response.status_code == 201, response.content
    assert response.json()["to_community"]["code"] == A2
    assert response["ETag"] == '"2"'
    person.refresh_from_db()
    assert (person.area_code, decrypt(person, "address")) == (A2, "英雄中路9号")
    assert AuditEvent.objects.filter(
        action="person.address_change", object_id=str(person.pk)
    ).exists()
    assert "英雄中路9号" not in json.dumps(
        list(AuditEvent.objects.values_list("detail", flat=True))
    )


def test_it_records_status_changes_and_reactivation(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("community_a")
    away = post(client, url(person.pk), {"kind": "moved_away", "moved_on": today()})
    assert away.status_code == 201, away.content
    person.refresh_from_db()
    assert person.status == "moved_away"
    again = post(client, url(person.pk), {"kind": "settled", "moved_on": today()})
    assert again.status_code == 400  # not a choice for a file that moved away
    assert again.json()["errors"][0]["field"] == "kind"
    back = post(client, url(person.pk), {"kind": "reactivated", "moved_on": today()})
    assert back.status_code == 201
    person.refresh_from_db()
    assert person.status == "active"
    assert [c.action for c in PersonChange.objects.filter(person=person).order_by("id")] == [
        "person.moved_away",
        "person.reactivated",
    ]


def test_it_refuses_a_stale_if_match(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("community_a")
    body = {"kind": "moved_away", "moved_on": today()}
    assert post(client, url(person.pk), body, **{"If-Match": '"9"'}).status_code == 412
    transfer = {"kind": "transfer", "to_community": B, "moved_on": today()}
    assert post(client, url(person.pk), transfer, **{"If-Match": '"9"'}).status_code == 412
    assert not Movement.objects.exists()


def test_it_names_the_field_of_bad_input_in_chinese(cast: Cast) -> None:
    person = make_person(A)
    client = cast.client("community_a")
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    bad = post(client, url(person.pk), {"kind": "moved_away", "moved_on": future})
    assert bad.status_code == 400
    error = bad.json()["errors"][0]
    assert error["field"] == "moved_on" and error["message"].startswith("日期：")
    inside = post(
        client, url(person.pk), {"kind": "transfer", "to_community": A, "moved_on": today()}
    )
    assert inside.status_code == 400
    assert inside.json()["errors"][0]["field"] == "to_community"
    unused = post(
        client, url(person.pk), {"kind": "moved_away", "to_community": B, "moved_on": today()}
    )
    assert unused.status_code == 400 and unused.json()["errors"][0]["field"] == "to_community"
    assert "to_community" in unused.json()["errors"][0]["message"]
    unknown = post(client, url(person.pk), {"kind": "moved_away", "moved_on": today(), "x": 1})
    assert unknown.status_code == 400
    assert not Movement.objects.exists()


def test_it_requests_a_transfer_and_the_receiver_accepts_it(cast: Cast) -> None:
    person = make_person(A)
    movement = request_transfer(cast, person)
    assert (movement.state, movement.to_area.code) == ("pending", B)
    assert AuditEvent.objects.filter(action="person.transfer_request").exists()
    # A second request while one is pending is a conflict, not bad input.
    body = {"kind": "transfer", "to_community": B, "moved_on": today()}
    conflict = post(cast.client("community_a"), url(person.pk), body)
    assert conflict.status_code == 409 and conflict.json()["detail"]
    # Only the receiving side decides; the sender and the read-only inspector cannot.
    assert (
        post(
            cast.client("community_a"), decision_url(movement.pk), {"decision": "accept"}
        ).status_code
        == 404
    )
    assert (
        post(
            cast.client("inspector"), decision_url(movement.pk), {"decision": "accept"}
        ).status_code
        == 403
    )
    receiver = cast.client("community_b")
    bad = post(receiver, decision_url(movement.pk), {"decision": "maybe"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "decision"
    ok = post(receiver, decision_url(movement.pk), {"decision": "accept"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == "done"
    person.refresh_from_db()
    assert person.area_code == B
    assert AuditEvent.objects.filter(
        action="person.transfer_accept", object_id=str(person.pk)
    ).exists()
    # The sender has lost the file; a decided transfer is gone for the receiver too.
    assert cast.client("community_a").get(url(person.pk)).status_code == 404
    assert post(receiver, decision_url(movement.pk), {"decision": "decline"}).status_code == 404


def test_it_keeps_the_file_where_it_is_on_decline(cast: Cast) -> None:
    person = make_person(A)
    movement = request_transfer(cast, person)
    response = post(cast.client("community_b"), decision_url(movement.pk), {"decision": "decline"})
    assert response.status_code == 200 and response.json()["state"] == "declined"
    person.refresh_from_db()
    assert person.area_code == A
    assert AuditEvent.objects.filter(action="person.transfer_decline").exists()


def test_it_is_in_the_openapi_document(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/persons/{pk}/movements"])
    assert "post" in paths["/api/v1/transfers/{pk}/decision"]
