"""The area browser's first page: the top of the user's scope with one level unfolded."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get("/org/areas/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_the_city_with_its_districts_and_counts(cast) -> None:
    response = cast.client("city_admin").get("/org/areas/")
    assert response.status_code == 200
    tree = response.context["tree"]
    assert [top.code for top, _ in tree] == ["140400000000"]
    districts = tree[0][1]
    assert len(districts) == 12
    luzhou = next(d for d in districts if d.code == "140403000000")
    # Sub-area counts come from the database (children and grandchildren).
    assert luzhou.n_children > 0
    assert luzhou.n_grandchildren > luzhou.n_children


def test_it_starts_at_the_users_own_area(cast) -> None:
    tree = cast.client("community_a").get("/org/areas/").context["tree"]
    assert [top.code for top, _ in tree] == ["140403001001"]
    assert tree[0][1] == []


def test_it_shows_a_street_officer_its_communities_only(cast) -> None:
    body = cast.client("street").get("/org/areas/").content.decode()
    assert "和平社区" in body
    assert "上党门社区" not in body


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    client = cast.client("city_admin")
    client.get("/org/areas/")
    # 1 session, 2 user, 3 memberships with areas and units (middleware), 4 savepoint
    # (ATOMIC_REQUESTS), 5 the children of the top areas with their counts, 6 release.
    with django_assert_num_queries(6):
        assert client.get("/org/areas/").status_code == 200
