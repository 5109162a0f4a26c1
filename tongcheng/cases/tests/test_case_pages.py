"""The case pages through the HTTP client: the ladder, the moves on the web, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.cases.models import Case, CaseUnit, State
from tongcheng.cases.tests.factories import liaison, open_case, service
from tongcheng.org.models import Department
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db
A = "140403001001"


def _case(cast: Any, community: str = "community_a") -> Case:
    return open_case(cast.community_a if community == "community_a" else cast.city_admin,
                     cast.areas[community])  # fmt: skip


def _move(client: Any, case: Case, move: str, **data: Any) -> Any:
    fresh = Case.objects.get(pk=case.pk)
    url = reverse("cases:case_move", args=[case.pk, move])
    return client.post(url, {"version": fresh.version, **data})


def test_it_climbs_the_ladder_of_a_case_page(cast: Any, client: Any) -> None:
    case = _case(cast)
    url = reverse("cases:case_detail", args=[case.pk])
    assert client.get(url).status_code == 302
    assert cast.client("other_district").get(url).status_code == 404
    assert cast.client("community_b").get(url).status_code == 404
    assert cast.client("leader").get(url).status_code == 403
    assert cast.client("inspector").get(url).status_code == 200
    assert _move(cast.client("inspector"), case, "dispatch").status_code == 403
    response = cast.client("community_a").get(url)
    assert response.status_code == 200 and case.number in response.content.decode()
    assert "马晓梅" not in response.content.decode()  # a caller without a file: masked
    # Two reads, two events: the inspector's and the officer's.
    assert AuditEvent.objects.filter(action="case.view", object_id=str(case.pk)).count() == 2


def test_it_walks_a_case_from_a_file_to_closure_on_the_web(cast: Any) -> None:
    person = make_person(A, name="阿依古丽")
    officer = cast.client("community_a")
    url = reverse("cases:case_create", args=[person.pk])
    assert officer.get(url).status_code == 200
    response = officer.post(
        url, {"service": service().pk, "nature": "help", "urgency": "normal",
              "description": "需要找工作"},
    )  # fmt: skip
    case = Case.objects.get(person=person)
    assert response.status_code == 302 and case.state == State.RECEIVED
    lead = Department.objects.get(code="140403-hrss")
    # The dispatch form suggests the service's unit of the district.
    page = cast.client("district").get(reverse("cases:case_detail", args=[case.pk])).content
    assert f'<option value="{lead.pk}" selected>' in page.decode()
    assert _move(cast.client("district"), case, "dispatch", lead=lead.pk).status_code == 302
    unit = cast.client("liaison")  # city 人社局: not this case's unit
    assert unit.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    district_unit = _client_of(liaison("140403-hrss"))
    inbox = district_unit.get(reverse("cases:inbox")).content.decode()
    assert case.number in inbox
    assert _move(district_unit, case, "sign").status_code == 302
    reply = {"outcome": "resolved", "reply": "已推荐岗位"}
    assert _move(district_unit, case, "reply", **reply).status_code == 302
    done = _move(cast.client("hotline"), case, "follow_up", result="satisfied", comment="")
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.CLOSED


def _client_of(user: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client


def test_it_tells_the_second_of_two_signs_that_the_case_changed(cast: Any) -> None:
    case = _case(cast)
    lead = Department.objects.get(code="140403-hrss")
    _move(cast.client("district"), case, "dispatch", lead=lead.pk)
    seen = Case.objects.get(pk=case.pk).version
    first = _client_of(liaison("140403-hrss", "liaison.first"))
    second = _client_of(liaison("140403-hrss", "liaison.second"))
    url = reverse("cases:case_move", args=[case.pk, "sign"])
    assert first.post(url, {"version": seen}).status_code == 302
    late = second.post(url, {"version": seen})
    assert late.status_code == 409
    assert "Someone else acted" in late.content.decode() or "刚刚" in late.content.decode()
    assert CaseUnit.objects.get(case=case, is_lead=True).state == CaseUnit.State.SIGNED


def test_it_refuses_a_bad_form_naming_nothing_saved(cast: Any) -> None:
    case = _case(cast)
    before = Case.objects.get(pk=case.pk).version
    assert _move(cast.client("district"), case, "dispatch").status_code == 400
    assert _move(cast.client("district"), case, "no-such-move").status_code == 404
    assert Case.objects.get(pk=case.pk).version == before
    person = make_person(A, name="阿依古丽")
    url = reverse("cases:case_create", args=[person.pk])
    form = {"service": service().pk, "nature": "help", "urgency": "normal", "description": "\x00"}
    bad = cast.client("community_a").post(url, form)
    assert bad.status_code == 400 and not Case.objects.filter(person=person).exists()


@pytest.mark.parametrize("n", [1, 6])
def test_it_lists_cases_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        _case(cast)
    client = cast.client("community_a")
    client.get(reverse("cases:case_list"))  # warm the session and the calendar
    # session, account, memberships (the shell), savepoint, the service filter's check, the
    # page of cases with their joins, the audit event, the services of the filter, release.
    with django_assert_num_queries(9):
        response = client.get(reverse("cases:case_list"), {"service": "job-seeking"})
    assert response.status_code == 200
    assert response.content.decode().count('class="fw-semibold tc-tap" href="/cases/') == n
    body = response.content.decode()
    assert '<option value="received">' in body and '<option value="job-seeking" selected>' in body


@pytest.mark.parametrize("n", [1, 6])
def test_it_shows_the_inbox_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    lead = Department.objects.get(code="city-hrss")
    for _ in range(n):
        case = _case(cast)
        _move(cast.client("district"), case, "dispatch", lead=lead.pk)
    client = cast.client("liaison")
    client.get(reverse("cases:inbox"))
    # session, account, memberships (the shell), savepoint, the calendar's version check, the
    # unit's rows with their cases, the audit event, release.
    with django_assert_num_queries(8):
        response = client.get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert response.content.decode().count('class="fw-semibold tc-tap" href="/cases/') == n


def test_it_hides_a_case_from_a_unit_once_the_unit_returned_it(cast: Any) -> None:
    case = _case(cast)
    _move(
        cast.client("district"), case, "dispatch", lead=Department.objects.get(code="city-hrss").pk
    )
    url = reverse("cases:case_detail", args=[case.pk])
    unit = cast.client("liaison")
    assert unit.get(url).status_code == 200
    returned = _move(unit, case, "return", reason="other_area", basis="应由区级办理")
    assert returned.status_code == 302 and returned["Location"] == reverse("cases:inbox")
    assert unit.get(url).status_code == 404


def test_it_keeps_what_was_typed_under_a_refusal(cast: Any) -> None:
    case = _case(cast)
    _move(
        cast.client("district"), case, "dispatch", lead=Department.objects.get(code="city-hrss").pk
    )
    unit = cast.client("liaison")
    _move(unit, case, "sign")
    refused = _move(unit, case, "reply", outcome="", reply="已联系用人单位三次")
    assert refused.status_code == 409
    assert "已联系用人单位三次" in refused.content.decode()
    assert refused.content.decode().count('id="id_reply_version"') == 1
    # Its panel is open, so the reason and what was typed are in sight.
    body = refused.content.decode()
    panel = body[: body.index('id="id_reply_version"')].rsplit("<details", 1)[1]
    assert panel.startswith(' class="card mb-2" open>')


def test_it_lists_a_files_cases_on_the_file_page_with_a_way_to_open_one(cast: Any) -> None:
    person = make_person(A, name="阿依古丽")
    case = open_case(cast.community_a, cast.areas["community_a"], person=person, caller_name="")
    page = cast.client("community_a").get(reverse("registry:person_detail", args=[person.pk]))
    body = page.content.decode()
    assert reverse("cases:case_detail", args=[case.pk]) in body
    assert reverse("cases:case_create", args=[person.pk]) in body
    read_only = cast.client("inspector").get(reverse("registry:person_detail", args=[person.pk]))
    assert reverse("cases:case_detail", args=[case.pk]) in read_only.content.decode()
    assert reverse("cases:case_create", args=[person.pk]) not in read_only.content.decode()
