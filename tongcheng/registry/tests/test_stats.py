"""The registry dashboard: counts per level, small-cell suppression for leaders, query count."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.registry.actions.summary import summary_rebuild
from tongcheng.registry.panels import ledger_todos
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/registry/stats/"
COMMUNITY_A = "140403001001"
COMMUNITY_B = "140403002001"
OTHER_DISTRICT_COMMUNITY = "140404001001"


def cells(response, key: str) -> dict[str, str]:
    breakdown = next(b for b in response.context["dashboard"].breakdowns if b.key == key)
    return {str(c.label): c.shown for c in breakdown.cells}


def populate() -> None:
    recent = timezone.localdate() - timedelta(days=40)
    for n in range(7):
        make_person(
            COMMUNITY_A,
            name=f"马{n}",
            origin_region="640324",
            occupation="vendor",
            arrived_on=recent,
        )
    for n in range(2):
        make_person(COMMUNITY_B, name=f"艾力·{n}", ethnicity="05", origin_region="653101")
    make_person(OTHER_DISTRICT_COMMUNITY, name="巴特尔", ethnicity="02", origin_region="150502")
    # The factory writes files directly, past the actions that keep the summary current.
    summary_rebuild()


def test_it_sends_anonymous_visitors_to_login() -> None:
    assert Client().get(URL)["Location"].startswith("/login/")


def test_it_refuses_roles_without_statistics(cast) -> None:
    assert cast.client("hotline").get(URL).status_code == 403
    assert cast.client("sys_admin").get(URL).status_code == 403


def test_it_shows_the_district_office_exact_counts_by_street(cast) -> None:
    populate()
    response = cast.client("district").get(URL)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.suppressed is False
    assert dashboard.total.shown == "9"  # the other district's file is not counted
    areas = cells(response, "area")
    assert areas["东街街道"] == "7" and areas["西街街道"] == "2"
    assert cells(response, "ethnicity") == {"回族": "7", "维吾尔族": "2"}
    assert cells(response, "origin") == {"宁夏回族自治区": "7", "新疆维吾尔自治区": "2"}
    assert "<5" not in response.content.decode()


def test_it_suppresses_small_counts_for_the_leader(cast) -> None:
    populate()
    response = cast.client("leader").get(URL)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.suppressed is True
    assert dashboard.total.shown == "10"
    areas = cells(response, "area")  # the city: by district
    # 上党区's 1 file would be 10 - 9: 潞州区 is withheld too. Empty districts show 0.
    assert areas["上党区"] == "<5" and areas["潞州区"] == "已隐去"
    assert areas["襄垣县"] == "0"
    assert cells(response, "ethnicity") == {"回族": "7", "维吾尔族": "<5", "蒙古族": "<5"}
    body = response.content.decode()
    assert "&lt;5" in body
    # The chart data sent to the browser carries no suppressed value or percentage either.
    island = re.search(r'<script id="registry-stats-data"[^>]*>(.*?)</script>', body, re.S)
    assert island is not None
    charts = json.loads(island.group(1))
    ethnicity = next(c for c in charts if c["id"] == "ethnicity")
    assert ethnicity["values"] == [7, None, None]
    assert ethnicity["percents"] == ["70.0%", "", ""]
    assert ethnicity["shown"] == ["7", "<5", "<5"]
    # Hidden rows come after the shown ones by code, not by size (维吾尔族 has 2, 蒙古族 1).
    assert ethnicity["labels"] == ["回族", "蒙古族", "维吾尔族"]
    area = next(c for c in charts if c["id"] == "area")
    assert area["values"][area["labels"].index("潞州区")] is None


def test_it_gives_percentages_beside_counts(cast) -> None:
    populate()
    response = cast.client("district").get(URL)
    ethnicity = next(b for b in response.context["dashboard"].breakdowns if b.key == "ethnicity")
    assert [(c.shown, c.percent) for c in ethnicity.cells] == [("7", "77.8%"), ("2", "22.2%")]
    assert "77.8%" in response.content.decode()


def test_it_shows_a_community_officer_no_one_bar_chart_of_the_own_community(cast) -> None:
    populate()
    response = cast.client("community_a").get(URL)
    dashboard = response.context["dashboard"]
    assert "area" not in [b.key for b in dashboard.breakdowns]
    # The 三必清 view instead, with its shares: 7 active files, none with all three known.
    assert [(c.shown, c.percent) for c in dashboard.completeness.cells] == [
        ("7", "100.0%"),
        ("0", "0.0%"),
        ("0", "0.0%"),
    ]
    assert 'id="chart-completeness"' in response.content.decode()


def test_it_marks_the_partial_month_and_labels_months_for_a_phone(cast) -> None:
    populate()
    today = timezone.localdate()
    response = cast.client("street").get(URL)
    body = response.content.decode()
    island = re.search(r'<script id="registry-stats-data"[^>]*>(.*?)</script>', body, re.S)
    assert island is not None
    arrivals = next(c for c in json.loads(island.group(1)) if c["id"] == "arrivals")
    assert arrivals["partial"] == 23
    assert arrivals["labels"][-1] == f"{today.year}年{today.month}月"
    assert arrivals["axisLabels"][-1].startswith(f"{today.month}月")
    # The year stands under the first month and under every January, not under the others.
    for label, full in zip(arrivals["axisLabels"], arrivals["labels"], strict=True):
        with_year = "\n" in label
        assert with_year == (label is arrivals["axisLabels"][0] or full.endswith("年1月")), label
    assert f"本月截至{today.day}日" in body


@pytest.mark.parametrize(("query", "months"), [("", 24), ("?months=6", 6), ("?months=36", 36)])
def test_it_filters_the_arrivals_by_period(cast, query: str, months: int) -> None:
    populate()
    response = cast.client("leader").get(URL + query)
    assert response.status_code == 200
    arrivals = next(b for b in response.context["dashboard"].breakdowns if b.key == "arrivals")
    assert len(arrivals.cells) == months
    assert response.context["dashboard"].months == months


@pytest.mark.parametrize("value", ["7", "abc", "-1", "99999999999999999999", "6%00"])
def test_it_names_the_period_field_for_bad_input_and_shows_the_default(cast, value) -> None:
    response = cast.client("district").get(URL, {"months": value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "统计期间：请选择近6个月、12个月、24个月或36个月。" in body
    arrivals = next(b for b in response.context["dashboard"].breakdowns if b.key == "arrivals")
    assert len(arrivals.cells) == 24


def test_it_counts_arrivals_of_the_last_24_months(cast) -> None:
    populate()
    response = cast.client("street").get(URL)
    arrivals = next(b for b in response.context["dashboard"].breakdowns if b.key == "arrivals")
    assert len(arrivals.cells) == 24
    assert sum(c.count for c in arrivals.cells) == 7
    # The street breaks down by community.
    assert cells(response, "area")["和平社区居委会"] == "7"


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    populate()
    client = cast.client("leader")
    client.get(URL)
    # 1 session, 2 user, 3 memberships (middleware), 4 savepoint, 5 child areas, summary sums:
    # 6 by child area, 7 plain dimensions, 8 arrivals, 9 verification; names: 10 ethnic groups,
    # 11 provinces; 12 release.
    with django_assert_num_queries(12):
        assert client.get(URL).status_code == 200
    populate()
    with django_assert_num_queries(12):
        assert client.get(URL).status_code == 200


def test_it_gives_the_leader_no_count_on_the_home_page(cast) -> None:
    """The statistics page is the only place a leader sees counts (docs/security.md)."""
    populate()
    assert ledger_todos(cast.leader) == []
    assert ledger_todos(cast.district) != []
