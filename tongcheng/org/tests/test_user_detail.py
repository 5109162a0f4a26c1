"""One account: memberships, status, two-factor enrolment and last login."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def url(user) -> str:
    return f"/org/users/{user.pk}/"


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    response = Client().get(url(cast.street))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_hides_accounts_of_another_district(cast) -> None:
    assert cast.client("other_district").get(url(cast.street)).status_code == 404
    assert cast.client("district").get(url(cast.city_admin)).status_code == 404


def test_it_answers_404_for_an_unknown_account(cast) -> None:
    assert cast.client("city_admin").get("/org/users/999999/").status_code == 404


def test_it_refuses_the_read_only_inspector(cast) -> None:
    assert cast.client("inspector").get(url(cast.street)).status_code == 403


def test_it_shows_the_account_and_audits_the_view(cast) -> None:
    response = cast.client("district").get(url(cast.community_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "和平社区" in body
    assert response.context["can_write"] is True
    assert AuditEvent.objects.filter(
        action="user.view", object_id=str(cast.community_a.pk), user_id=cast.district.pk
    ).exists()


def test_it_offers_no_changes_for_an_account_with_roles_the_actor_cannot_grant(cast) -> None:
    response = cast.client("district").get(url(cast.district))
    assert response.status_code == 200
    assert response.context["can_write"] is False
    assert "/memberships/" not in response.content.decode()


def test_it_runs_the_same_queries_however_many_roles_the_account_holds(  # type: ignore[no-untyped-def]
    cast, django_assert_num_queries
) -> None:
    from tongcheng.lib.roles import Role
    from tongcheng.org.models import Area, Membership

    client = cast.client("city_admin")
    url = f"/org/users/{cast.community_a.pk}/"
    client.get(url)
    # 1 session, 2 user, 3 memberships, 4 savepoint, 5-6 the account and its memberships (access
    # helper), 7 audit event, 8-9 the account and memberships for the page, 10 areas offered in the
    # grant form, 11 units offered, 12 release savepoint.
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    for code in ("140403001002", "140403001003"):
        Membership.objects.create(
            user=cast.community_a, role=Role.COMMUNITY_OFFICER, area=Area.objects.get(code=code)
        )
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
