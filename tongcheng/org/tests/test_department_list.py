"""The directory of member units: duties and service categories, filtered by level and category."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/org/departments/"


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_lists_city_units_with_duties_and_categories(cast) -> None:
    response = cast.client("hotline").get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "市人社局" in body
    assert "公共就业服务" in body
    assert "市民政局" in body


def test_it_shows_a_community_officer_the_units_of_its_own_district_only(cast) -> None:
    departments = list(cast.client("community_a").get(URL).context["departments"])
    levels = {d.area.code for d in departments}
    assert "140400000000" in levels
    assert "140403000000" in levels
    assert "140404000000" not in levels


def test_it_filters_by_city_level(cast) -> None:
    departments = cast.client("district").get(URL, {"level": "city"}).context["departments"]
    assert {d.area.level for d in departments} == {"city"}


def test_it_filters_by_my_district(cast) -> None:
    departments = list(
        cast.client("district").get(URL, {"level": "140403000000"}).context["departments"]
    )
    assert departments
    assert {d.area.code for d in departments} == {"140403000000"}


def test_it_filters_by_category(cast) -> None:
    departments = list(
        cast.client("city_admin")
        .get(URL, {"level": "city", "category": "legal-aid"})
        .context["departments"]
    )
    assert [d.name for d in departments] == ["市司法局"]


def test_it_ignores_a_district_outside_the_users_choices(cast) -> None:
    response = cast.client("district").get(URL, {"level": "140404000000"})
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert "140404000000" not in {d.area.code for d in response.context["departments"]}


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    client = cast.client("city_admin")
    client.get(URL)
    # 1 session, 2 user, 3 memberships, 4 savepoint, 5 districts for the level filter,
    # 6 categories for the filter, 7 departments with their areas, 8 their categories
    # (prefetch), 9 release savepoint.
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200
