"""Creating an account with its first role: only roles and areas the actor may grant."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import Membership, User

pytestmark = pytest.mark.django_db

URL = "/org/users/new/"
PASSWORD = "Blue-Ridge-walk-4821"


def data(**overrides: str) -> dict[str, str]:
    return {
        "username": "new_officer",
        "display_name": "新同事",
        "password": PASSWORD,
        "role": "community_officer",
        "area": "140403001002",
        "department": "",
    } | overrides


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_read_only_and_other_roles(cast) -> None:
    assert cast.client("inspector").post(URL, data()).status_code == 403
    assert cast.client("street").post(URL, data()).status_code == 403
    assert not User.objects.filter(username="new_officer").exists()


def test_it_shows_the_form_with_grantable_roles_only(cast) -> None:
    response = cast.client("district").get(URL)
    assert response.status_code == 200
    roles = {value for value, _ in response.context["form"].fields["role"].choices}
    assert "community_officer" in roles
    assert "city_admin" not in roles
    assert "district_office" not in roles


def test_it_creates_the_account_and_its_membership(cast) -> None:
    response = cast.client("district").post(URL, data())
    user = User.objects.get(username="new_officer")
    assert response.status_code == 302
    assert response["Location"] == f"/org/users/{user.pk}/"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.area.code) == ("community_officer", "140403001002")
    assert membership.granted_by == cast.district
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.detail == {"role": "community_officer", "area": "140403001002", "department": None}
    assert "新同事" not in str(event.detail) and PASSWORD not in str(event.detail)


def test_it_refuses_a_role_above_the_actors_own(cast) -> None:
    response = cast.client("district").post(URL, data(role="city_admin", area="140400000000"))
    assert response.status_code == 400
    assert not User.objects.filter(username="new_officer").exists()


def test_it_refuses_an_area_in_another_district(cast) -> None:
    response = cast.client("district").post(URL, data(area="140404001001"))
    assert response.status_code == 400
    assert not User.objects.filter(username="new_officer").exists()


def test_it_refuses_a_weak_password(cast) -> None:
    response = cast.client("city_admin").post(URL, data(password="12345678"))
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="new_officer").exists()


def test_it_refuses_a_taken_username(cast) -> None:
    response = cast.client("city_admin").post(URL, data(username="Street"))
    assert response.status_code == 400
    assert "username" in response.context["form"].errors


def test_it_needs_a_member_unit_of_the_area_for_a_liaison(cast) -> None:
    client = cast.client("city_admin")
    missing = client.post(URL, data(role="dept_liaison", area="140400000000"))
    assert missing.status_code == 400
    assert "department" in missing.context["form"].errors
    response = client.post(
        URL, data(role="dept_liaison", area="140400000000", department="city-civil")
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__username="new_officer").department.code == "city-civil"


def test_it_lets_only_the_security_administrator_create_administrators(cast) -> None:
    admin = data(role="audit_admin", area="140400000000", username="auditor2")
    assert cast.client("city_admin").post(URL, admin).status_code == 400
    assert cast.client("security_admin").post(URL, admin).status_code == 302
