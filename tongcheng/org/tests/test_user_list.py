"""Accounts a manager may see: a membership inside the managing scope, searchable, paginated."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/org/users/"


def usernames(response) -> set[str]:
    return {account.username for account in response.context["page"]}


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_roles_that_do_not_manage_accounts(cast) -> None:
    for username in ("inspector", "leader", "street", "community_a", "sys_admin", "audit_admin"):
        assert cast.client(username).get(URL).status_code == 403, username


def test_it_lists_the_accounts_of_the_district_only(cast) -> None:
    response = cast.client("district").get(URL)
    assert response.status_code == 200
    seen = usernames(response)
    assert {"community_a", "community_b", "street", "inspector", "volunteer", "district"} <= seen
    assert "other_district" not in seen
    assert "city_admin" not in seen
    assert "liaison" not in seen


def test_it_lists_every_account_for_the_security_administrator(cast) -> None:
    response = cast.client("security_admin").get(URL)
    assert response.status_code == 200
    assert {"other_district", "audit_admin", "city_admin"} <= usernames(response)


def test_it_searches_by_username_and_display_name(cast) -> None:
    user = cast.street
    user.display_name = "王测试"
    user.save(update_fields=["display_name"])
    client = cast.client("district")
    assert usernames(client.get(URL, {"q": "王测"})) == {"street"}
    assert usernames(client.get(URL, {"q": "community"})) == {"community_a", "community_b"}


def test_it_audits_the_list_with_counts_only(cast) -> None:
    cast.client("city_admin").get(URL, {"q": "street"})
    event = AuditEvent.objects.get(action="user.list", user_id=cast.city_admin.pk)
    assert event.detail == {"shown": 1, "searched": True}


def test_it_runs_a_fixed_number_of_queries(cast, django_assert_num_queries) -> None:
    client = cast.client("city_admin")
    client.get(URL)
    # 1 session, 2 user, 3 memberships (middleware), 4 savepoint (ATOMIC_REQUESTS), 5 count
    # (paginator), 6 the page of accounts, 7 their memberships with areas and units (one
    # prefetch), 8 audit event, 9 release savepoint.
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200
