"""Granting a role: the grant rules, and the target's sessions end."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.roles import Role
from tongcheng.org.models import Area, Membership

pytestmark = pytest.mark.django_db


def url(user) -> str:
    return f"/org/users/{user.pk}/memberships/"


def grant(client: Client, user, role: str, area: str, department: str = ""):
    return client.post(
        url(user), {"role": role, "area": area, "department": department}, follow=True
    )


def roles_of(user) -> set[tuple[str, str]]:
    return {(m.role, m.area.code) for m in Membership.objects.filter(user=user)}


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    response = Client().post(url(cast.street), {"role": "inspector", "area": "140403001000"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_hides_accounts_of_another_district(cast) -> None:
    response = cast.client("other_district").post(
        url(cast.street), {"role": "inspector", "area": "140404000000"}
    )
    assert response.status_code == 404


def test_it_refuses_read_only_roles(cast) -> None:
    response = cast.client("inspector").post(
        url(cast.street), {"role": "inspector", "area": "140403001000"}
    )
    assert response.status_code == 403


def test_it_grants_a_role_ends_the_targets_sessions_and_audits(cast) -> None:
    target_client = cast.client("community_a")
    assert target_client.get("/").status_code == 200
    response = grant(cast.client("district"), cast.community_a, "representative", "140403001001")
    assert response.status_code == 200
    assert ("representative", "140403001001") in roles_of(cast.community_a)
    # The target's open session ended with the change of its roles.
    after = target_client.get("/")
    assert after.status_code == 302
    assert after["Location"].startswith("/login/")
    event = AuditEvent.objects.get(action="membership.grant", object_id=str(cast.community_a.pk))
    assert event.detail == {"role": "representative", "area": "140403001001", "department": None}
    assert event.user_id == cast.district.pk


def test_it_refuses_a_role_above_the_actors_own(cast) -> None:
    response = grant(cast.client("district"), cast.street, "city_admin", "140400000000")
    assert ("city_admin", "140400000000") not in roles_of(cast.street)
    # The city is outside the district office's scope: the area code is refused.
    assert response.context["messages"]
    # district_office is not among the roles a district office grants: refused as a choice.
    response = grant(cast.client("district"), cast.street, "district_office", "140403000000")
    assert ("district_office", "140403000000") not in roles_of(cast.street)
    assert response.context["messages"]
    assert not AuditEvent.objects.filter(action="membership.grant").exists()


def test_it_grants_only_inside_the_managing_membership_even_with_a_wider_read_scope(cast) -> None:
    # A district officer who also inspects the whole city reads the other district, but on
    # this page only its managing membership (the district office) acts: the area is refused.
    Membership.objects.create(
        user=cast.district, role=Role.INSPECTOR, area=Area.objects.get(code="140400000000")
    )
    response = grant(cast.client("district"), cast.street, "street_officer", "140404001000")
    assert ("street_officer", "140404001000") not in roles_of(cast.street)
    assert [str(m) for m in response.context["messages"]]
    assert not AuditEvent.objects.filter(action="membership.grant").exists()


def test_it_refuses_an_area_in_another_district(cast) -> None:
    grant(cast.client("district"), cast.street, "inspector", "140404000000")
    assert ("inspector", "140404000000") not in roles_of(cast.street)


def test_it_keeps_the_administrator_roles_apart(cast) -> None:
    response = grant(cast.client("security_admin"), cast.sys_admin, "audit_admin", "140400000000")
    assert ("audit_admin", "140400000000") not in roles_of(cast.sys_admin)
    messages = [str(m) for m in response.context["messages"]]
    assert any("三员" in m or "kept apart" in m or "分" in m for m in messages), messages
    assert not AuditEvent.objects.filter(action="membership.grant").exists()


def test_it_needs_a_unit_of_the_area_for_a_liaison(cast) -> None:
    client = cast.client("city_admin")
    grant(client, cast.hotline, "dept_liaison", "140400000000")
    assert ("dept_liaison", "140400000000") not in roles_of(cast.hotline)
    grant(client, cast.hotline, "dept_liaison", "140400000000", "city-edu")
    assert ("dept_liaison", "140400000000") in roles_of(cast.hotline)


def test_it_refuses_a_duplicate(cast) -> None:
    client = cast.client("district")
    grant(client, cast.street, "street_officer", "140403001000")
    assert Membership.objects.filter(user=cast.street).count() == 1
