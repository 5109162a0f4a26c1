"""GET /api/v1/areas and /api/v1/areas/{code}: scoped, paginated, filtered, strict query keys."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.org.models import Area

pytestmark = pytest.mark.django_db

LIST = reverse("api:area_list")


def detail(code: str) -> str:
    return reverse("api:area_detail", args=[code])


def test_it_refuses_anonymous_callers(cast) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(LIST).status_code == 401
    assert Client().get(detail(cast.areas["community_a"].code)).status_code == 401


def test_it_lists_only_the_callers_subtree(cast) -> None:  # type: ignore[no-untyped-def]
    body = cast.client("street").get(LIST, {"page_size": 100}).json()
    street = cast.areas["street"]
    expected = Area.objects.filter(code__startswith=street.prefix).count()
    assert body["count"] == expected
    assert all(item["code"].startswith(street.prefix) for item in body["items"])


def test_it_pages_by_fifty(cast, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("district")
    client.get(LIST)
    # session, user, memberships, savepoint, count, page of areas, release savepoint
    with django_assert_num_queries(7):
        body = client.get(LIST, {"page": 2}).json()
    assert len(body["items"]) == 50
    assert body["count"] > 100


def test_it_filters_by_parent_and_level(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("district")
    street = cast.areas["street"]
    children = client.get(LIST, {"parent": street.code, "page_size": 100}).json()
    assert children["count"] == street.children.count()
    assert {item["parent_code"] for item in children["items"]} == {street.code}
    streets = client.get(LIST, {"level": "street", "page_size": 100}).json()
    assert {item["level"] for item in streets["items"]} == {"street"}
    # A parent outside the scope gives nothing, not its children.
    other = client.get(LIST, {"parent": cast.areas["other_district"].code}).json()
    assert other["count"] == 0


def test_it_refuses_unknown_query_keys_with_400(cast) -> None:  # type: ignore[no-untyped-def]
    response = cast.client("district").get(LIST, {"parnet": "140403001000"})
    assert response.status_code == 400
    assert response.json()["unknown"] == ["parnet"]
    assert (
        cast.client("district").get(detail(cast.areas["street"].code), {"x": "1"}).status_code
        == 400
    )


def test_it_refuses_an_invalid_level(cast) -> None:  # type: ignore[no-untyped-def]
    assert cast.client("district").get(LIST, {"level": "planet"}).status_code == 422


def test_it_shows_an_area_in_scope(cast) -> None:  # type: ignore[no-untyped-def]
    community = cast.areas["community_a"]
    body = cast.client("community_a").get(detail(community.code)).json()
    assert body["code"] == community.code
    assert body["name"] == community.name
    assert body["parent_code"] == cast.areas["street"].code
    assert body["children_count"] == 0


def test_it_answers_404_outside_the_scope(cast) -> None:  # type: ignore[no-untyped-def]
    response = cast.client("community_b").get(detail(cast.areas["community_a"].code))
    assert response.status_code == 404
    assert cast.client("community_a").get(detail("999999999999")).status_code == 404


@pytest.mark.parametrize("username", ["inspector", "leader", "liaison", "hotline", "audit_admin"])
def test_it_serves_every_role(cast, username: str) -> None:  # type: ignore[no-untyped-def]
    assert cast.client(username).get(LIST).status_code == 200
