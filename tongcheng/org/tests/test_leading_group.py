"""The city leading group and its office by position."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.org.models import LeadingGroupPosition

pytestmark = pytest.mark.django_db

URL = "/org/leading-group/"


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_the_seats_by_position_with_units(cast) -> None:
    response = cast.client("community_a").get(URL)
    assert response.status_code == 200
    labels = [str(label) for label, _ in response.context["rows"]]
    assert len(labels) == 4
    body = response.content.decode()
    assert "市委常委、统战部长" in body
    assert 'href="/org/departments/city-ufwd/"' in body


def test_it_shows_holder_names_only_when_set(cast) -> None:
    seat = LeadingGroupPosition.objects.filter(area__level="city").first()
    seat.holder_name = "示例姓名"
    seat.save(update_fields=["holder_name"])
    body = cast.client("leader").get(URL).content.decode()
    assert "示例姓名" in body
    assert "—" in body


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    client = cast.client("street")
    client.get(URL)
    # 1 session, 2 user, 3 memberships, 4 savepoint, 5 seats with their units, 6 release.
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
