"""The home page: each role sees its own roles, areas, service points, unit duties and actions."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_the_community_officer_its_area_rollout_and_service_point(cast) -> None:
    response = cast.client("community_a").get("/")
    assert response.status_code == 200
    body = response.content.decode()
    # 和平社区 is a pilot community with a service centre (reference data).
    assert "和平社区" in body
    assert "和平社区少数民族便民服务中心" in body
    # Only its own community: the other street's centre is not listed.
    assert "上党门社区少数民族便民服务中心" not in body


def test_it_shows_a_liaison_its_department_duties_and_categories(cast) -> None:
    body = cast.client("liaison").get("/").content.decode()
    assert "市人社局" in body
    assert "公共就业服务" in body


def test_it_lists_my_recent_actions_without_personal_values(cast) -> None:
    AuditEvent.objects.create(
        user_id=cast.district.pk, username="district", action="test.own_action", outcome="allowed"
    )
    AuditEvent.objects.create(
        user_id=cast.street.pk, username="street", action="someone.else", outcome="allowed"
    )
    body = cast.client("district").get("/").content.decode()
    # Codes without a label are shown as they are.
    assert "test.own_action" in body
    assert "someone.else" not in body


def test_it_renders_for_every_role_of_the_cast(cast) -> None:
    from tongcheng.conftest import CAST

    for username in CAST:
        response = cast.client(username).get("/")
        assert response.status_code == 200, username


def test_it_shows_the_navigation_each_role_may_open(cast) -> None:
    leader = cast.client("leader").get("/").content.decode()
    admin = cast.client("city_admin").get("/").content.decode()
    assert 'href="/org/users/"' not in leader
    assert 'href="/org/users/"' in admin
    assert 'href="/audit/' not in admin


def test_it_serves_the_page_in_english_after_the_language_switch(cast) -> None:
    client = cast.client("street")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body


def test_it_has_no_inline_script_or_style(cast) -> None:
    body = cast.client("city_admin").get("/").content.decode()
    assert "<script>" not in body
    assert "style=" not in body
    assert "<style" not in body


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("district")
    client.get("/")
    # 1 session, 2 user, 3 memberships, 4 savepoint, 5 rollout stages of my areas (one query),
    # 6 service points, 7 my recent audit events, 8-13 the cases panel's six bounded counts
    # (the dispatch desk's sections: to dispatch, returns, extensions, supervised, 催办, 通报),
    # 14-17 the ledger panel's four (visits due, transfers to decide, duplicates to review,
    # permits expiring), 18-19 the hotline panel's two (follow-up calls due today, callers to
    # tell a new deadline), 20-21 the meetings panel's next meeting of the office (one query)
    # and overdue action items, 22-23 the engagement panel's two (representatives due this week
    # and this month), 24 release.
    with django_assert_num_queries(24):
        assert client.get("/").status_code == 200
