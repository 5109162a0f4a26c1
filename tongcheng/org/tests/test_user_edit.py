"""Changing an account's display name."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db


def url(user) -> str:
    return f"/org/users/{user.pk}/edit/"


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    response = Client().get(url(cast.street))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_hides_accounts_of_another_district(cast) -> None:
    assert cast.client("other_district").get(url(cast.street)).status_code == 404


def test_it_refuses_read_only_roles(cast) -> None:
    assert cast.client("inspector").post(url(cast.street), {"display_name": "x"}).status_code == 403


def test_it_refuses_an_account_holding_roles_the_actor_cannot_grant(cast) -> None:
    # The district office cannot grant district_office, so it cannot edit a district officer.
    assert cast.client("district").get(url(cast.district)).status_code == 403


def test_it_changes_the_display_name_and_audits_the_field_name(cast) -> None:
    client = cast.client("district")
    assert client.get(url(cast.street)).status_code == 200
    response = client.post(url(cast.street), {"display_name": "街道干部"})
    assert response.status_code == 302
    assert User.objects.get(username="street").display_name == "街道干部"
    event = AuditEvent.objects.get(action="user.update", object_id=str(cast.street.pk))
    assert event.detail == {"fields": ["display_name"]}
