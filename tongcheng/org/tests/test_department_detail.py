"""One member unit: its duties, categories, leading-group seats and sibling units."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get("/org/departments/city-hrss/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_a_city_unit_to_everyone(cast) -> None:
    response = cast.client("community_b").get("/org/departments/city-hrss/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "公共就业服务" in body
    assert "同等的公共就业服务" in body


def test_it_hides_the_units_of_another_district(cast) -> None:
    from tongcheng.org.models import Department

    other = Department.objects.filter(area__code="140404000000").first()
    assert other is not None
    assert cast.client("community_a").get(f"/org/departments/{other.code}/").status_code == 404
    assert cast.client("district").get(f"/org/departments/{other.code}/").status_code == 404
    assert cast.client("other_district").get(f"/org/departments/{other.code}/").status_code == 200


def test_it_lists_the_other_units_of_a_district(cast) -> None:
    from tongcheng.org.models import Department

    unit = Department.objects.filter(area__code="140403000000").first()
    response = cast.client("district").get(f"/org/departments/{unit.code}/")
    assert response.status_code == 200
    assert len(response.context["units_of_area"]) > 0


def test_it_answers_404_for_an_unknown_unit(cast) -> None:
    assert cast.client("city_admin").get("/org/departments/no-such-unit/").status_code == 404
