"""The KPI dashboard through the HTTP client: the ladder, the scopes, suppression for leaders,
the figures against the cases' own moves, and a fixed number of queries."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.cases.actions import workflow as moves
from tongcheng.cases.kpi.protect import Kind, RateCell, protect_rate
from tongcheng.cases.models import Case
from tongcheng.cases.tests.factories import liaison, open_case
from tongcheng.cases.workflow import FollowUp
from tongcheng.org.models import Area, Department

pytestmark = pytest.mark.django_db
URL = reverse("cases:kpi")


def _closed(cast: Any, community: str = "community_a", unit: str = "140403-hrss",
            result: FollowUp = FollowUp.SATISFIED) -> Case:  # fmt: skip
    area = cast.areas[community] if community in cast.areas else Area.objects.get(code=community)
    case = open_case(cast.hotline, area)
    lead = Department.objects.get(code=unit)
    officer = liaison(unit)
    case = moves.case_dispatch(actor=cast.hotline, case_id=case.pk,
                               expected_version=case.version, lead=lead)  # fmt: skip
    case = moves.case_sign(actor=officer, case_id=case.pk, expected_version=case.version)
    reply = moves.ReplyInput(outcome=Case.Outcome.RESOLVED, reply="已办")
    case = moves.case_reply(actor=officer, case_id=case.pk, expected_version=case.version,
                            data=reply)  # fmt: skip
    return moves.case_follow_up(
        actor=cast.hotline,
        case_id=case.pk,
        expected_version=case.version,
        result=result,
        comment="意见",
    )


def _overview(response: Any) -> dict[str, str]:
    return {str(title): shown for title, shown in response.context["dashboard"].overview}


def test_it_climbs_the_ladder(cast: Any) -> None:
    assert Client().get(URL)["Location"].startswith("/login/")
    for refused in ("community_a", "street", "hotline", "sys_admin", "volunteer"):
        assert cast.client(refused).get(URL).status_code == 403, refused
    for allowed in ("district", "inspector", "leader", "city_admin", "liaison"):
        assert cast.client(allowed).get(URL).status_code == 200, allowed


def test_it_counts_the_moves_of_the_own_district_only(cast: Any) -> None:
    for _ in range(6):
        _closed(cast)
    _closed(cast, "140404001001", "140404-hrss", FollowUp.BASIC)
    response = cast.client("district").get(URL)
    figures = _overview(response)
    assert figures["已派单"] == "6" and figures["回访后办结"] == "6"
    assert figures["满意率"] == "100.0%" and figures["响应率"] == "100.0%"
    other = _overview(cast.client("other_district").get(URL))
    assert other["已派单"] == "1" and other["满意率"] == "100.0%"
    # The inspector reads its district read-only; the city office the whole city.
    assert _overview(cast.client("inspector").get(URL))["已派单"] == "6"
    city = cast.client("city_admin").get(URL)
    assert _overview(city)["已派单"] == "7"
    units = next(t for t in city.context["dashboard"].tables if t.key == "unit")
    assert [(str(r.label), r.rank) for r in units.rows] == [
        ("潞州区人社局", 1),
        ("上党区人社局", None),
    ]
    # Another district's code is not among a district office's choices: refused, own shown.
    refused = cast.client("district").get(URL, {"district": "140404000000"})
    assert _overview(refused)["已派单"] == "6" and "district" in refused.context["form"].errors


def test_it_shows_a_liaison_its_own_unit_only(cast: Any) -> None:
    _closed(cast, unit="city-hrss")
    _closed(cast, unit="140403-hrss")
    response = cast.client("liaison").get(URL)
    units = next(t for t in response.context["dashboard"].tables if t.key == "unit")
    assert [str(r.label) for r in units.rows] == ["市人社局"]
    assert _overview(response)["已派单"] == "1"


def test_it_suppresses_small_counts_and_rates_for_the_leader(cast: Any) -> None:
    for _ in range(6):
        _closed(cast)
    _closed(cast, result=FollowUp.UNSATISFIED)  # reopened: still replied, not closed
    _closed(cast, "140404001001", "140404-hrss")
    response = cast.client("leader").get(URL)
    dashboard = response.context["dashboard"]
    assert dashboard.suppressed is True
    districts = next(t for t in dashboard.tables if t.key == "district")
    shown = {str(r.label): [text for _title, text in r.cells] for r in districts.rows}
    columns = [key for key, _title in districts.columns]
    dispatched = columns.index("dispatched")
    assert shown["上党区"][dispatched] == "<5"
    assert shown["潞州区"][dispatched] == "已隐去"  # 8 − 1 would give 上党区's count back
    satisfaction = columns.index("satisfaction")
    assert shown["上党区"][satisfaction] == "已隐去"
    body = response.content.decode()
    assert "&lt;5" in body
    island = re.search(r'<script id="cases-kpi-data"[^>]*>(.*?)</script>', body, re.S)
    assert island is not None and json.loads(island.group(1))["series"]
    # The district office sees the same figures exactly.
    exact = cast.client("district").get(URL).context["dashboard"]
    assert exact.suppressed is False


def test_it_hides_a_rate_that_would_give_a_small_count_back() -> None:
    cells = {
        "total": RateCell(48, 50, True, 50),  # 2 late in all: the total shows a bound
        "a": RateCell(30, 30, True, 30),
        "b": RateCell(18, 20, True, 20),
    }
    kinds = protect_rate("total", cells, [["a", "b"]])
    assert kinds["total"] is Kind.ABOVE and kinds["b"] is Kind.ABOVE and kinds["a"] is Kind.EXACT
    # An exact total of 40: b's 2 could be worked out from it and the other rows …
    cells = {
        "total": RateCell(40, 70, True, 70),
        "a": RateCell(10, 20, True, 20),
        "b": RateCell(2, 10, True, 10),
        "c": RateCell(28, 40, True, 40),
    }
    kinds = protect_rate("total", cells, [["a", "b", "c"]])
    assert kinds["b"] is Kind.BELOW
    assert kinds["a"] is Kind.HIDDEN  # … so the smallest exact row is hidden too


@pytest.mark.parametrize("n", [1, 6])
def test_it_answers_in_a_fixed_number_of_queries(
    cast: Any, n: int, django_assert_num_queries: Any
) -> None:
    for _ in range(n):
        _closed(cast)
    client = cast.client("city_admin")
    client.get(URL)  # warm the session
    # session, account, memberships (the shell), savepoint, the districts of the filter, the
    # sums by unit, by month and by district and service, the units' names, the services'
    # names, the districts' names, release.
    with django_assert_num_queries(12):
        response = client.get(URL, {"group": "employment"})
    assert response.status_code == 200
    assert _overview(response)["已派单"] == str(n)


def test_a_leader_sees_whole_years_only_so_no_two_views_subtract(cast: Any) -> None:
    for _ in range(6):
        _closed(cast)
    _closed(cast, "140404001001", "140404-hrss")
    client = cast.client("leader")
    plain = client.get(URL).context["dashboard"]
    # A district, a month range and a service group are the filters of the offices: a leader's
    # page ignores them and shows the same (suppressed) view.
    for query in ({"district": "140403000000"}, {"start": "2026-12", "end": "2026-12"},
                  {"group": "employment"}):  # fmt: skip
        again = client.get(URL, query).context["dashboard"]
        assert [t.rows for t in again.tables] == [t.rows for t in plain.tables], query
    assert "year" in client.get(URL).context["form"].fields


@pytest.mark.parametrize("query", ["end=0001-01", "end=9999-12", "start=0000-01&end=0000-01"])
def test_it_refuses_a_month_it_cannot_count(cast: Any, query: str) -> None:
    response = cast.client("district").get(f"{URL}?{query}")
    assert response.status_code == 200 and response.context["form"].errors
