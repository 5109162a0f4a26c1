"""The cases' REST API, the moves: each operation makes the page's move through its action, with
the version the client saw in If-Match (428 without, 412 when stale), a refused move 409 with
the reason, bad input 400 naming the field; and two clients at once (both engines).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from tongcheng.api import api
from tongcheng.audit.models import AuditEvent
from tongcheng.cases.models import Case, CaseEvent, CaseUnit, Extension, State
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.conftest import run_concurrently
from tongcheng.org.models import User

CALLER_PHONE = "13812345678"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def move(client: Client, case: Case, name: str, version: int | None = None, **body: Any) -> Any:
    """POST the move with the case's current version (or `version`) in If-Match."""
    seen = Case.objects.get(pk=case.pk).version if version is None else version
    return client.post(
        f"/api/v1/cases/{case.pk}/{name}", json.dumps(body), content_type="application/json",
        headers={"If-Match": f'"{seen}"'},
    )  # fmt: skip


def received(cast: Any) -> Case:
    return open_case(cast.community_a, cast.areas["community_a"], caller_phone=CALLER_PHONE)


def state_of(case: Case) -> str:
    return Case.objects.get(pk=case.pk).state


@pytest.mark.django_db
def test_it_walks_a_case_to_closure_through_the_api(cast: Any) -> None:
    case = received(cast)
    unit = client_of(liaison("140403-hrss"))
    office = cast.client("district")
    answers = [move(office, case, "dispatch", lead="140403-hrss", note="请尽快办理")]
    assert answers[-1].status_code == 200, answers[-1].content
    body = answers[-1].json()
    assert (body["state"], body["version"]) == ("dispatched", case.version + 1)
    assert answers[-1]["ETag"] == f'"{case.version + 1}"'
    answers.append(move(unit, case, "sign"))
    assert answers[-1].json()["state"] == "in_progress"
    answers.append(move(unit, case, "reply", outcome="resolved", reply="已推荐岗位"))
    assert answers[-1].json()["state"] == "replied"
    answers.append(move(cast.client("hotline"), case, "follow-up", result="satisfied"))
    assert answers[-1].json()["state"] == "closed"
    assert all(answer.status_code == 200 for answer in answers)
    assert not any(CALLER_PHONE in answer.content.decode() for answer in answers)
    steps = CaseEvent.objects.filter(case=case).order_by("pk").values_list("action", flat=True)
    assert list(steps) == ["open", "dispatch", "sign", "reply", "follow_up"]
    audited = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk))
    assert list(audited.order_by("id").values_list("action", flat=True)) == [
        "case.create", "case.dispatch", "case.sign", "case.reply", "case.follow_up",
    ]  # fmt: skip
    closed = Case.objects.get(pk=case.pk)
    assert (closed.satisfaction, closed.closure) == ("satisfied", "followed_up")


@pytest.mark.django_db
def test_it_returns_and_adjudicates_a_case(cast: Any) -> None:
    case = received(cast)
    office = cast.client("district")
    move(office, case, "dispatch", lead="140403-hrss")
    unit = client_of(liaison("140403-hrss"))
    answer = move(unit, case, "return", reason="not_our_duty", basis="不属本单位职责")
    assert answer.status_code == 200 and answer.json()["state"] == "returned"
    # The unit that returned it no longer sees it.
    assert unit.get(f"/api/v1/cases/{case.pk}").status_code == 404
    answer = move(office, case, "adjudicate", lead="140403-civil")
    assert answer.status_code == 200 and answer.json()["state"] == "dispatched"
    assert CaseEvent.objects.filter(case=case).latest("pk").action == "redispatch"
    lead = CaseUnit.objects.get(case=case, is_lead=True, state=CaseUnit.State.WAITING)
    assert lead.department.code == "140403-civil"


@pytest.mark.django_db
def test_it_asks_for_and_decides_more_time_and_supervises(cast: Any) -> None:
    case = received(cast)
    office = cast.client("district")
    move(office, case, "dispatch", lead="140403-hrss")
    unit = client_of(liaison("140403-hrss"))
    move(unit, case, "sign")
    handle_due = Case.objects.get(pk=case.pk).handle_due
    assert handle_due is not None
    new_due = (handle_due + timedelta(days=10)).date().isoformat()
    answer = move(unit, case, "extension", new_due=new_due, reason="需要补充材料")
    assert answer.status_code == 200, answer.content
    assert Extension.objects.get(case=case).state == Extension.State.PENDING
    detail = office.get(f"/api/v1/cases/{case.pk}").json()
    assert detail["pending_extension"]["new_due"] == new_due
    assert "extension/decision" in detail["moves"]
    answer = move(office, case, "extension/decision", decision="approve", note="同意")
    assert answer.status_code == 200, answer.content
    assert Extension.objects.get(case=case).state == Extension.State.APPROVED
    assert Case.objects.get(pk=case.pk).handle_due.date().isoformat() == new_due
    answer = move(office, case, "supervise", instruction="请本周内办结")
    assert answer.status_code == 200 and Case.objects.get(pk=case.pk).supervised


@pytest.mark.django_db
def test_it_closes_a_case_answered_during_the_call(cast: Any) -> None:
    case = received(cast)
    answer = move(cast.client("hotline"), case, "close-direct", answer="已告知办理地点")
    assert answer.status_code == 200 and answer.json()["state"] == "closed"
    assert Case.objects.get(pk=case.pk).closure == Case.Closure.DIRECT


@pytest.mark.django_db
def test_it_refuses_a_move_with_the_reason_in_words(cast: Any) -> None:
    case = received(cast)
    # The community centre may act on its cases, but signing is a unit's move.
    answer = move(cast.client("community_a"), case, "sign")
    assert answer.status_code == 409
    assert answer.json()["detail"] == "本单位未承办该诉求。"
    # A move the state does not allow now.
    assert move(cast.client("district"), case, "close-direct", answer="已答复").status_code == 200
    answer = move(cast.client("district"), case, "dispatch", lead="140403-hrss")
    assert answer.status_code == 409 and "已办结" in answer.json()["detail"]
    assert state_of(case) == State.CLOSED


@pytest.mark.django_db
def test_it_needs_the_version_the_client_saw(cast: Any) -> None:
    case = received(cast)
    office = cast.client("district")
    url = f"/api/v1/cases/{case.pk}/dispatch"
    body = json.dumps({"lead": "140403-hrss"})
    missing = office.post(url, body, content_type="application/json")
    assert missing.status_code == 428
    for sent in ('"0"', "v1", '"²"', '"1234567890"'):
        answer = office.post(url, body, content_type="application/json", headers={"If-Match": sent})
        assert answer.status_code == 412, sent
    assert move(office, case, "dispatch", lead="140403-hrss").status_code == 200
    # Another client, still on the version it read before the dispatch.
    answer = move(cast.client("hotline"), case, "close-direct", version=case.version, answer="x")
    assert answer.status_code == 412
    assert "已派单" in answer.json()["detail"]
    assert state_of(case) == State.DISPATCHED
    assert AuditEvent.objects.filter(action="case.close_direct").count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "body", "fields"),
    [
        ("dispatch", {}, ["lead"]),
        ("dispatch", {"lead": "city-nowhere"}, ["lead"]),
        ("dispatch", {"lead": "140404-hrss"}, ["lead"]),  # another district's unit
        ("dispatch", {"lead": "140403-hrss", "co": ["x"]}, ["co"]),
        ("dispatch", {"lead": "140403-hrss", "note": "x" * 201}, ["note"]),
        ("close-direct", {}, ["answer"]),
        ("close-direct", {"answer": "a\u0000b"}, ["answer"]),
        ("close-direct", {"answer": "x", "extra": 1}, ["extra"]),
        ("follow-up", {"result": "happy"}, ["result"]),
        ("extension", {"new_due": "tomorrow", "reason": "x"}, ["new_due"]),
        ("extension/decision", {}, ["decision"]),
    ],
)
def test_it_refuses_bad_input_naming_the_field(
    cast: Any, name: str, body: dict[str, Any], fields: list[str]
) -> None:
    case = received(cast)
    answer = move(cast.client("district"), case, name, **body)
    assert answer.status_code == 400, answer.content
    assert sorted(error["field"] for error in answer.json()["errors"]) == fields
    assert all(error["message"] for error in answer.json()["errors"])
    assert Case.objects.get(pk=case.pk).version == case.version


@pytest.mark.django_db
def test_it_keeps_moves_inside_the_caller_s_scope(cast: Any) -> None:
    case = received(cast)
    assert (
        move(cast.client("other_district"), case, "supervise", instruction="x").status_code == 404
    )
    assert move(cast.client("community_b"), case, "close-direct", answer="x").status_code == 404
    assert move(cast.client("liaison"), case, "sign").status_code == 404  # not its unit's
    assert move(cast.client("inspector"), case, "supervise", instruction="x").status_code == 403
    assert move(cast.client("leader"), case, "sign").status_code == 403
    assert Case.objects.get(pk=case.pk).version == case.version


@pytest.mark.django_db(transaction=True)
def test_two_clients_dispatching_at_once_get_one_dispatch_and_one_412(committed_cast: Any) -> None:
    case = open_case(committed_cast.community_a, committed_cast.areas["community_a"])
    people = [committed_cast.district.pk, committed_cast.city_admin.pk]

    def dispatch(index: int) -> int:
        client = client_of(User.objects.get(pk=people[index]))
        unit = ("140403-hrss", "city-hrss")[index]
        return move(client, case, "dispatch", version=case.version, lead=unit).status_code

    results = run_concurrently(dispatch, 2)
    assert sorted(results) == [200, 412]  # type: ignore[type-var]
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1
    assert CaseUnit.objects.filter(case=case).count() == 1


def test_it_shows_the_if_match_header_on_every_move() -> None:
    paths = api.get_openapi_schema()["paths"]
    # The attachments' operations are not moves: they change no version (no If-Match).
    moves = [
        path
        for path in paths
        if path.startswith("/api/v1/cases/{pk}/") and "/attachments" not in path
    ]
    assert len(moves) == 10
    for path in moves:
        parameters = paths[path]["post"]["parameters"]
        headers = [(p["name"], p["required"]) for p in parameters if p["in"] == "header"]
        assert headers == [("If-Match", True)], path
