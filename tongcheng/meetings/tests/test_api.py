"""The meetings' API: same scope, steps and audit as the pages; in the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.meetings.models import ActionItem, Meeting
from tongcheng.meetings.tests.factories import action_item, meeting

pytestmark = pytest.mark.django_db


def test_the_operations_are_in_the_openapi_document(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/meetings",
        "/api/v1/meetings/{pk}",
        "/api/v1/action-items",
        "/api/v1/action-items/{pk}",
        "/api/v1/action-items/{pk}/report",
    } <= set(paths)


def test_lists_and_details_keep_to_the_scope(cast: Any, django_assert_num_queries: Any) -> None:
    held = meeting()
    item = action_item(held.pk, "city-hrss")
    district = cast.client("district")
    district.get("/api/v1/meetings")
    # Session, account, memberships; savepoint; the page of meetings; release.
    with django_assert_num_queries(6):
        listed = district.get("/api/v1/meetings").json()
    assert [m["id"] for m in listed["items"]] == [held.pk]
    assert cast.client("other_district").get("/api/v1/meetings").json()["items"] == []
    assert cast.client("other_district").get(f"/api/v1/meetings/{held.pk}").status_code == 404
    detail = cast.client("liaison").get(f"/api/v1/meetings/{held.pk}").json()
    assert detail["agenda"] == ["各成员单位通报工作情况"]
    assert [i["id"] for i in detail["items"]] == [item.pk]
    # Session, account, memberships; savepoint; the page of items with units and meetings;
    # release.
    with django_assert_num_queries(6):
        items = district.get("/api/v1/action-items?state=open").json()["items"]
    assert [i["id"] for i in items] == [item.pk]
    assert district.get("/api/v1/action-items?state=bogus").status_code == 422
    assert cast.client("leader").get("/api/v1/action-items").status_code == 403


def test_convening_and_reporting_through_the_api(cast: Any) -> None:
    start = (timezone.now() + timedelta(days=5)).isoformat()
    body = {
        "office": "140403000000",
        "title": "专题联席会议",
        "starts_at": start,
        "place": "区政府会议室",
        "agenda": ["研究就业帮扶"],
        "units": ["city-hrss", "nope"],
    }
    district = cast.client("district")
    refused = district.post("/api/v1/meetings", body, content_type="application/json")
    assert refused.status_code == 400
    assert any(e["field"] == "units" for e in refused.json()["errors"])
    body["units"] = ["city-hrss", "140403-hrss"]
    created = district.post("/api/v1/meetings", body, content_type="application/json")
    assert created.status_code == 201, created.content
    held = Meeting.objects.get(pk=created.json()["id"])
    assert held.invitations.count() == 2
    assert (
        cast.client("inspector")
        .post("/api/v1/meetings", body, content_type="application/json")
        .status_code
        == 403
    )
    item = action_item(held.pk, "city-hrss")
    url = f"/api/v1/action-items/{item.pk}/report"
    officer = cast.client("liaison")
    assert officer.post(url, {}, content_type="application/json").status_code == 400
    done = officer.post(url, {"text": "已完成", "done": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == ActionItem.State.DONE
    again = officer.post(url, {"text": "再次", "done": False}, content_type="application/json")
    assert again.status_code == 409
    assert district.post(url, {"text": "x"}, content_type="application/json").status_code == 403
    assert AuditEvent.objects.filter(action="action_item.done", object_id=str(item.pk)).count() == 1


@pytest.mark.parametrize("path", ["/api/v1/meetings", "/api/v1/action-items"])
def test_a_huge_page_is_422_naming_it(cast: Any, path: str) -> None:
    response = cast.client("district").get(f"{path}?page=99999999999999999999")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"


def test_the_states_are_spelled_out_in_the_document(client: Any) -> None:
    # Named enums of two apps would share one component ("State") and one would lose.
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schemas["ItemOut"]["properties"]["state"]["enum"]) == set(ActionItem.State.values)
    assert set(schemas["MeetingOut"]["properties"]["state"]["enum"]) == set(Meeting.State.values)
