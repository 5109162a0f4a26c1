"""The cases' REST API, reads and intake: the list, one case, opening one.

Through the HTTP client on the real database with the fixed cast: scope (404), roles (403), the
liaison's unit, masking (never the clear phone), one audit event per read, query counts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor
from tongcheng.cases.models import Case, State
from tongcheng.cases.tests.factories import open_case
from tongcheng.org.actions.tokens import api_token_create
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db
A = "140403001001"
CALLER_PHONE = "13812345678"
FILE_PHONE = "13987654321"


def post(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def dispatched(cast: Any, unit: str = "city-hrss", community: str = "community_a") -> Case:
    """A case of the community (a caller without a file), dispatched to `unit` by the API."""
    case = open_case(cast.city_admin, cast.areas[community], caller_phone=CALLER_PHONE)
    answer = post(
        cast.client("city_admin"), f"/api/v1/cases/{case.pk}/dispatch", {"lead": unit},
        **{"If-Match": f'"{case.version}"'},
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    return Case.objects.get(pk=case.pk)


def clear_phone_anywhere(*answers: Any) -> bool:
    return any(
        phone in answer.content.decode()
        for answer in answers
        for phone in (CALLER_PHONE, FILE_PHONE)
    )


def test_it_climbs_the_ladder_of_a_case(cast: Any) -> None:
    case = dispatched(cast)
    url = f"/api/v1/cases/{case.pk}"
    assert Client().get(url).status_code == 401
    assert cast.client("other_district").get(url).status_code == 404
    assert cast.client("community_b").get(url).status_code == 404
    assert cast.client("leader").get(url).status_code == 403
    assert cast.client("sys_admin").get(url).status_code == 403
    # The volunteer sees only the cases assigned to them; the inspector reads.
    assert cast.client("volunteer").get(url).status_code == 404
    answer = cast.client("inspector").get(url)
    assert answer.status_code == 200
    assert answer["ETag"] == f'"{case.version}"'
    assert answer.json()["number"] == case.number
    assert "no-store" in answer["Cache-Control"]


def test_it_shows_a_case_with_its_units_history_and_deadlines_masked(cast: Any) -> None:
    case = dispatched(cast)
    answer = cast.client("district").get(f"/api/v1/cases/{case.pk}")
    body = answer.json()
    assert body["state"] == "dispatched" and body["version"] == case.version
    assert body["lead_unit"] == {"code": "city-hrss", "name": case.lead_department.name}
    assert [(u["unit"]["code"], u["is_lead"], u["state"]) for u in body["units"]] == [
        ("city-hrss", True, "waiting")
    ]
    assert [step["action"] for step in body["history"]] == ["open", "dispatch"]
    assert body["history"][1]["unit"]["code"] == "city-hrss"
    assert body["deadlines"]["sign"] is not None and body["deadlines"]["due_at"] is not None
    # A caller without a file: the name masked, the phone masked, as the page shows them.
    assert body["name"] == "马*梅" and body["phone_masked"] == "138****5678"
    assert body["has_file"] is False
    assert "马晓梅" not in answer.content.decode() and not clear_phone_anywhere(answer)
    # The city office decides for a city unit (it may supervise); the district office does not.
    assert body["moves"] == []
    office_moves = cast.client("city_admin").get(f"/api/v1/cases/{case.pk}").json()["moves"]
    assert office_moves == ["supervise"]
    unit_moves = cast.client("liaison").get(f"/api/v1/cases/{case.pk}").json()["moves"]
    assert unit_moves == ["sign", "return", "extension"]


def test_it_shows_a_file_s_case_with_the_name_and_the_phone_masked(cast: Any) -> None:
    person = make_person(A, name="阿依古丽", phone=FILE_PHONE)
    case = open_case(cast.community_a, cast.areas["community_a"], person=person, caller_name="")
    answers = [
        cast.client("community_a").get(f"/api/v1/cases/{case.pk}"),
        cast.client("community_a").get("/api/v1/cases"),
    ]
    detail = answers[0].json()
    assert detail["name"] == "阿依古丽" and detail["has_file"] is True
    assert detail["phone_masked"] == "139****4321"
    assert answers[1].json()["items"][0]["name"] == "阿依古丽"
    assert not clear_phone_anywhere(*answers)


def test_it_writes_one_event_for_each_read(cast: Any) -> None:
    case = dispatched(cast)
    client = cast.client("community_a")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    client.get(f"/api/v1/cases/{case.pk}")
    client.get("/api/v1/cases")
    events = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))
    assert [(e.action, e.object_id) for e in events] == [
        ("case.view", str(case.pk)),
        ("case.list", ""),
    ]
    assert events[1].detail == {"page": "api", "ids": [case.pk]}
    assert events[0].username == "community_a"


def test_it_lists_only_the_liaison_s_unit_cases(cast: Any) -> None:
    ours = dispatched(cast, "city-hrss")
    theirs = dispatched(cast, "city-civil")
    undispatched = open_case(cast.city_admin, cast.areas["community_a"])
    listed = cast.client("liaison").get("/api/v1/cases").json()["items"]
    assert [row["id"] for row in listed] == [ours.pk]
    assert cast.client("liaison").get(f"/api/v1/cases/{theirs.pk}").status_code == 404
    assert cast.client("liaison").get(f"/api/v1/cases/{undispatched.pk}").status_code == 404
    district = {row["id"] for row in cast.client("district").get("/api/v1/cases").json()["items"]}
    assert district == {ours.pk, theirs.pk, undispatched.pk}


def test_it_keeps_other_districts_cases_out_of_the_list(cast: Any) -> None:
    mine = dispatched(cast)
    dispatched(cast, "city-hrss", "community_b")
    listed = cast.client("community_a").get("/api/v1/cases").json()["items"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert cast.client("other_district").get("/api/v1/cases").json()["items"] == []


def test_it_filters_as_the_case_list_page(cast: Any) -> None:
    hrss = dispatched(cast, "city-hrss")
    civil = dispatched(cast, "city-civil")
    received = open_case(
        cast.city_admin, cast.areas["community_a"], service_code="school-enrolment"
    )
    client = cast.client("district")

    def ids(**query: str) -> list[int]:
        answer = client.get("/api/v1/cases", query)
        assert answer.status_code == 200, answer.content
        return [row["id"] for row in answer.json()["items"]]

    assert ids(state="received") == [received.pk]
    assert ids(state="dispatched") == [civil.pk, hrss.pk]
    assert ids(service="school-enrolment") == [received.pk]
    assert ids(department="city-civil") == [civil.pk]
    assert ids(overdue="true") == []
    Case.objects.filter(pk=hrss.pk).update(due_at=hrss.received_at.replace(year=2020))
    assert ids(overdue="true") == [hrss.pk]
    assert ids(overdue="true", department="city-civil") == []


def test_it_refuses_unknown_filters_naming_them(cast: Any) -> None:
    client = cast.client("district")
    answer = client.get("/api/v1/cases", {"service": "no-such-service"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "service"
    answer = client.get("/api/v1/cases", {"department": "no-such-unit"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "department"
    answer = client.get("/api/v1/cases", {"state": "lost"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "state"
    answer = client.get("/api/v1/cases", {"stat": "received"})
    assert answer.status_code == 400 and answer.json()["unknown"] == ["stat"]
    assert client.get("/api/v1/cases", {"page": "0"}).status_code == 422


def test_it_pages_the_list_like_the_ledger(cast: Any) -> None:
    for _ in range(51):
        open_case(cast.community_a, cast.areas["community_a"])
    client = cast.client("community_a")
    first = client.get("/api/v1/cases").json()
    second = client.get("/api/v1/cases", {"page": "2"}).json()
    assert (len(first["items"]), first["page"], first["has_next"]) == (50, 1, True)
    assert (len(second["items"]), second["page"], second["has_next"]) == (1, 2, False)
    assert not {row["id"] for row in first["items"]} & {row["id"] for row in second["items"]}


@pytest.mark.parametrize("n", [1, 6])
def test_it_lists_cases_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        dispatched(cast)
    client = cast.client("community_a")
    client.get("/api/v1/cases")  # warm the session
    # session, account, memberships (the policy), savepoint, the service filter's check, the
    # unit filter's check, the page of cases with their joins, the audit event, release.
    with django_assert_num_queries(9):
        answer = client.get("/api/v1/cases", {"service": "job-seeking", "department": "city-hrss"})
    assert answer.status_code == 200 and len(answer.json()["items"]) == n


def test_it_opens_a_case_from_a_file(cast: Any) -> None:
    person = make_person(A, name="阿依古丽", phone=FILE_PHONE)
    answer = post(
        cast.client("community_a"), "/api/v1/cases",
        {"person": person.pk, "service": "job-seeking", "nature": "help", "channel": "community",
         "description": "需要找工作", "interpreter": "ug"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(person=person)
    body = answer.json()
    assert (body["id"], body["state"], body["interpreter"]) == (case.pk, "received", "ug")
    assert answer["ETag"] == f'"{case.version}"'
    assert case.area_code == A and case.created_by == cast.community_a
    assert AuditEvent.objects.filter(action="case.create", object_id=str(case.pk)).count() == 1
    assert not clear_phone_anywhere(answer)


def test_it_opens_a_case_for_a_caller_without_a_file_and_dispatches_it_at_once(cast: Any) -> None:
    answer = post(
        cast.client("hotline"), "/api/v1/cases",
        {"community": A, "caller_name": "马晓梅", "caller_phone": CALLER_PHONE,
         "service": "job-seeking", "nature": "help", "urgency": "urgent", "channel": "hotline",
         "description": "需要找工作", "lead": "140403-hrss", "co": ["city-civil"]},
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["state"] == "dispatched" and body["urgency"] == "urgent"
    assert [(u["unit"]["code"], u["is_lead"]) for u in body["units"]] == [
        ("140403-hrss", True),
        ("city-civil", False),
    ]
    assert body["name"] == "马*梅" and body["phone_masked"] == "138****5678"
    assert "马晓梅" not in answer.content.decode() and not clear_phone_anywhere(answer)
    case = Case.objects.get(pk=body["id"])
    assert case.caller_phone_last4 == "5678" and CALLER_PHONE not in case.caller_phone_enc
    assert list(
        AuditEvent.objects.filter(object_id=str(case.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "case.create",
        "case.dispatch",
    ]


def test_it_refuses_to_dispatch_at_once_for_a_non_dispatcher_and_opens_nothing(cast: Any) -> None:
    before = Case.objects.count()
    answer = post(
        cast.client("community_a"), "/api/v1/cases",
        {"community": A, "caller_name": "马晓梅", "service": "job-seeking", "nature": "help",
         "channel": "community", "description": "需要找工作", "lead": "140403-hrss"},
    )  # fmt: skip
    assert answer.status_code == 409
    assert answer.json()["detail"] == "您无权对该诉求派单。"
    assert Case.objects.count() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["service"]),
        (
            {"service": "job-seeking"},
            ["caller_name", "community", "nature", "channel", "description"],
        ),
        (
            {
                "service": "job-seeking",
                "community": A,
                "caller_name": "马",
                "nature": "help",
                "channel": "hotline",
                "description": "x",
                "caller_phone": "12",
            },
            ["caller_phone"],
        ),
        ({"service": "job-seeking", "community": A, "lead": "no-such-unit"}, ["lead"]),
        ({"service": "job-seeking", "community": A, "co": ["city-civil"]}, ["lead"]),
        ({"service": "job-seeking", "nature": "help?"}, ["nature"]),
        ({"service": "job-seeking", "description": "\u202e"}, ["description"]),
        ({"servcie": "job-seeking"}, ["servcie"]),
    ],
)
def test_it_refuses_bad_input_naming_the_field(
    cast: Any, body: dict[str, Any], fields: list[str]
) -> None:
    answer = post(cast.client("hotline"), "/api/v1/cases", body)
    assert answer.status_code == 400, answer.content
    assert sorted(error["field"] for error in answer.json()["errors"]) == sorted(fields)
    assert all(error["message"] for error in answer.json()["errors"])
    assert Case.objects.count() == 0


def test_it_refuses_a_caller_s_fields_on_a_file_s_case(cast: Any) -> None:
    person = make_person(A)
    answer = post(
        cast.client("community_a"), "/api/v1/cases",
        {"person": person.pk, "caller_phone": CALLER_PHONE, "service": "job-seeking"},
    )  # fmt: skip
    assert answer.status_code == 400
    assert [error["field"] for error in answer.json()["errors"]] == ["caller_phone"]


def test_it_keeps_files_and_communities_outside_the_caller_s_area(cast: Any) -> None:
    other = make_person("140404001001")
    body = {"person": other.pk, "service": "job-seeking", "nature": "help", "channel": "community",
            "description": "x"}  # fmt: skip
    assert post(cast.client("community_a"), "/api/v1/cases", body).status_code == 404
    # The hotline never sees files.
    mine = make_person(A)
    assert (
        post(cast.client("hotline"), "/api/v1/cases", {**body, "person": mine.pk}).status_code
        == 404
    )
    answer = post(
        cast.client("community_a"), "/api/v1/cases",
        {"community": "140403002001", "caller_name": "马", "service": "job-seeking",
         "nature": "help", "channel": "community", "description": "x"},
    )  # fmt: skip
    assert answer.status_code == 409 and answer.json()["detail"]
    assert Case.objects.count() == 0


def test_it_refuses_writes_to_read_only_and_other_roles(cast: Any) -> None:
    case = dispatched(cast)
    body = {"community": A, "caller_name": "马", "service": "job-seeking"}
    for username in ("inspector", "leader", "liaison", "volunteer"):
        assert post(cast.client(username), "/api/v1/cases", body).status_code == 403, username
    answer = post(
        cast.client("inspector"), f"/api/v1/cases/{case.pk}/supervise", {"instruction": "尽快"},
        **{"If-Match": f'"{case.version}"'},
    )  # fmt: skip
    assert answer.status_code == 403
    assert Case.objects.get(pk=case.pk).version == case.version


def test_it_serves_a_token_caller_through_the_same_policy(cast: Any) -> None:
    case = dispatched(cast)
    _record, token = api_token_create(
        actor=Actor.system(), account=cast.liaison, name="unit", days=1
    )
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    other = dispatched(cast, "city-civil")
    assert client.get(f"/api/v1/cases/{other.pk}").status_code == 404
    answer = post(client, f"/api/v1/cases/{case.pk}/sign", {}, **{"If-Match": f'"{case.version}"'})
    assert answer.status_code == 200 and answer.json()["state"] == State.IN_PROGRESS
    assert AuditEvent.objects.filter(action="case.sign", username="liaison").count() == 1
