"""三必清 completeness per child area, aggregated in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/registry/completeness/"
COMMUNITY_A = "140403001001"
COMMUNITY_A2 = "140403001002"
COMMUNITY_B = "140403002001"


def complete(days_ago: int | None) -> dict[str, object]:
    day = timezone.localdate() - timedelta(days=days_ago) if days_ago is not None else None
    return {
        "origin_region": "640324",
        "occupation": "vendor",
        "address": "英雄路1号",
        "origin_verified_on": day,
        "address_verified_on": day,
        "occupation_verified_on": day,
    }


def test_it_sends_anonymous_visitors_to_login() -> None:
    assert Client().get(URL).status_code == 302


def test_it_refuses_the_leader(cast) -> None:
    assert cast.client("leader").get(URL).status_code == 403


def test_it_counts_per_community_of_the_street(cast) -> None:
    make_person(COMMUNITY_A, name="马一", **complete(10))  # known and verified
    make_person(COMMUNITY_A, name="马二", **complete(400))  # known, stale
    make_person(COMMUNITY_A, name="马三")  # gaps
    make_person(COMMUNITY_A, name="马四", status="moved_away", **complete(10))  # not counted
    make_person(COMMUNITY_A2, name="白一", **complete(10))
    make_person(COMMUNITY_B, name="杨一", **complete(10))  # another street
    response = cast.client("street").get(URL)
    assert response.status_code == 200
    rows = {row.area.code: (row, link) for row, link in response.context["rows"]}
    assert all(code.startswith("140403001") for code in rows)
    row, link = rows[COMMUNITY_A]
    assert (row.files, row.known, row.verified) == (3, 2, 1)
    assert row.known_percent == 66.7
    assert link == f"/registry/?gaps=1&area={COMMUNITY_A}"
    assert (rows[COMMUNITY_A2][0].files, rows[COMMUNITY_A2][0].verified) == (1, 1)


def test_it_shows_a_community_officer_its_own_community(cast) -> None:
    make_person(COMMUNITY_A, name="马一", **complete(10))
    rows = cast.client("community_a").get(URL).context["rows"]
    assert [(row.area.code, row.files) for row, _link in rows] == [(COMMUNITY_A, 1)]


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    for n in range(6):
        make_person(COMMUNITY_A if n % 2 else COMMUNITY_A2, name=f"马{n}", **complete(n * 100))
    client = cast.client("district")
    client.get(URL)
    # 1 session, 2 user, 3 memberships (middleware), 4 savepoint, 5 the district's streets,
    # 6 one GROUP BY over the files, 7 release savepoint.
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200
