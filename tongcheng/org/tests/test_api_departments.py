"""GET /api/v1/departments: the member units the caller can see, by level and category."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.org.models import Department

pytestmark = pytest.mark.django_db

LIST = reverse("api:department_list")


def test_it_refuses_anonymous_callers() -> None:
    assert Client().get(LIST).status_code == 401


def test_it_lists_the_visible_units(cast, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("district")
    client.get(LIST)
    # session, user, memberships, savepoint, count, page of units, their categories, release
    with django_assert_num_queries(8):
        body = client.get(LIST, {"page_size": 100}).json()
    user = cast.district
    assert body["count"] == Department.objects.visible_to(user).count()
    codes = {item["code"] for item in body["items"]}
    assert "city-hrss" in codes
    other = Department.objects.filter(area=cast.areas["other_district"]).first()
    if other is not None:
        assert other.code not in codes


def test_it_filters_by_level_and_category(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("district")
    city = client.get(LIST, {"level": "city", "page_size": 100}).json()
    assert city["count"] > 0
    assert all(item["area_code"] == cast.areas["city"].code for item in city["items"])
    hrss = Department.objects.get(code="city-hrss")
    category = hrss.categories.first()
    assert category is not None
    found = client.get(LIST, {"category": category.code, "page_size": 100}).json()
    assert "city-hrss" in {item["code"] for item in found["items"]}
    assert all(category.code in item["categories"] for item in found["items"])


def test_it_refuses_unknown_query_keys(cast) -> None:  # type: ignore[no-untyped-def]
    assert cast.client("district").get(LIST, {"dept": "x"}).status_code == 400
