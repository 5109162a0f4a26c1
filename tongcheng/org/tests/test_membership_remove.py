"""Taking a role away: scope rules, one's own managing role, and the target's sessions end."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Membership

pytestmark = pytest.mark.django_db


def url(membership: Membership) -> str:
    return f"/org/users/{membership.user_id}/memberships/{membership.pk}/remove/"


@pytest.fixture
def extra(cast) -> Membership:
    """A second role of the street officer (an account keeps at least one)."""
    return Membership.objects.create(
        user=cast.street, role=Role.INSPECTOR, area=Area.objects.get(code="140403001000")
    )


def test_it_sends_anonymous_visitors_to_login(extra) -> None:
    response = Client().post(url(extra))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert Membership.objects.filter(pk=extra.pk).exists()


def test_it_hides_accounts_of_another_district(cast, extra) -> None:
    assert cast.client("other_district").post(url(extra)).status_code == 404


def test_it_refuses_read_only_roles(cast, extra) -> None:
    assert cast.client("inspector").post(url(extra)).status_code == 403


def test_it_answers_404_for_a_membership_of_another_account(cast, extra) -> None:
    wrong = f"/org/users/{cast.community_a.pk}/memberships/{extra.pk}/remove/"
    assert cast.client("district").post(wrong).status_code == 404
    assert Membership.objects.filter(pk=extra.pk).exists()


def test_it_removes_the_role_ends_sessions_and_audits(cast, extra) -> None:
    target_client = cast.client("street")
    assert target_client.get("/").status_code == 200
    response = cast.client("district").post(url(extra))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=extra.pk).exists()
    assert target_client.get("/").status_code == 302
    event = AuditEvent.objects.get(action="membership.revoke")
    assert event.detail == {"role": "inspector", "area": "140403001000", "department": None}


def test_it_keeps_the_last_role(cast) -> None:
    only = Membership.objects.get(user=cast.community_a)
    cast.client("district").post(url(only))
    assert Membership.objects.filter(pk=only.pk).exists()


def test_it_refuses_removing_ones_own_managing_role(cast) -> None:
    own = Membership.objects.get(user=cast.security_admin)
    Membership.objects.create(
        user=cast.security_admin, role=Role.INSPECTOR, area=Area.objects.get(code="140400000000")
    )
    response = cast.client("security_admin").post(url(own), follow=True)
    assert Membership.objects.filter(pk=own.pk).exists()
    assert response.context["messages"]
