"""The visits-due list: 三必清 gaps and stale verifications, by street, community and address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db

URL = "/registry/visits/due/"
COMMUNITY_A = "140403001001"
COMMUNITY_B = "140403002001"


def verified(days_ago: int) -> dict[str, object]:
    day = timezone.localdate() - timedelta(days=days_ago)
    return {
        "origin_region": "640324",
        "occupation": "vendor",
        "origin_verified_on": day,
        "address_verified_on": day,
        "occupation_verified_on": day,
    }


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_the_leader(cast) -> None:
    assert cast.client("leader").get(URL).status_code == 403


def test_it_lets_the_read_only_inspector_read(cast) -> None:
    assert cast.client("inspector").get(URL).status_code == 200


def test_it_lists_gaps_and_stale_files_in_address_order(cast) -> None:
    far = make_person(COMMUNITY_A, name="马十二", address="英雄路12号", **verified(400))
    near = make_person(COMMUNITY_A, name="马二", address="英雄路2号", **verified(300))
    gap = make_person(COMMUNITY_A, name="白无址", address="", **verified(1))
    make_person(COMMUNITY_A, name="丁新", address="英雄路1号", **verified(10))  # not due
    make_person(COMMUNITY_A, name="海走", address="英雄路3号", status="moved_away")  # not active
    response = cast.client("community_a").get(URL)
    assert response.status_code == 200
    shown = [row["person"].pk for row in response.context["rows"]]
    # 2号 before 12号 (natural order); a file without an address last.
    assert shown == [near.pk, far.pk, gap.pk]
    assert response.context["fully_sorted"] is True
    event = AuditEvent.objects.get(action="person.list", user_id=cast.community_a.pk)
    assert event.detail == {"page": "visits_due", "ids": shown}


def test_it_shows_only_files_in_scope(cast) -> None:
    mine = make_person(COMMUNITY_A, name="马甲")
    make_person(COMMUNITY_B, name="马乙")
    rows = cast.client("community_a").get(URL).context["rows"]
    assert [row["person"].pk for row in rows] == [mine.pk]
    street_rows = cast.client("district").get(URL).context["rows"]
    assert len(street_rows) == 2


def test_it_follows_the_configured_months(cast, settings) -> None:
    person = make_person(COMMUNITY_A, address="英雄路5号", **verified(100))
    settings.VISIT_DUE_MONTHS = 6
    assert cast.client("community_a").get(URL).context["rows"] == []
    settings.VISIT_DUE_MONTHS = 2
    rows = cast.client("community_a").get(URL).context["rows"]
    assert [row["person"].pk for row in rows] == [person.pk]


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    for n in range(5):
        make_person(COMMUNITY_A, name=f"马{n}", address=f"英雄路{n}号")
    client = cast.client("community_a")
    client.get(URL)
    # 1 session, 2 user, 3 memberships (middleware), 4 savepoint, 5 ids and encrypted
    # addresses of the due files, 6 the page's files with community, street and origin,
    # 7 audit event, 8 release savepoint, 9 the communities of the filter (rendered).
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200
