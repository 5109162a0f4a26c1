"""The registry dashboard: counts per level, small-cell suppression for leaders, query count."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.registry.actions.summary import summary_rebuild
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
    assert areas["潞州区"] == "9" and areas["上党区"] == "<5"
    assert cells(response, "ethnicity") == {"回族": "7", "维吾尔族": "<5", "蒙古族": "<5"}
    body = response.content.decode()
    assert "&lt;5" in body
    # The chart data sent to the browser carries no suppressed value either.
    island = re.search(r'<script id="registry-stats-data"[^>]*>(.*?)</script>', body, re.S)
    assert island is not None
    charts = json.loads(island.group(1))
    ethnicity = next(c for c in charts if c["id"] == "ethnicity")
    assert ethnicity["values"] == [7, None, None]


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
