"""Disabling and enabling accounts; disabling ends the account's sessions."""

from __future__ import annotations

import pytest
from django.test import Client

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db


def url(user) -> str:
    return f"/org/users/{user.pk}/active/"


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    response = Client().post(url(cast.street), {"active": "0"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert User.objects.get(username="street").is_active


def test_it_hides_accounts_of_another_district(cast) -> None:
    assert cast.client("other_district").post(url(cast.street), {"active": "0"}).status_code == 404


def test_it_refuses_read_only_roles(cast) -> None:
    assert cast.client("inspector").post(url(cast.street), {"active": "0"}).status_code == 403


def test_it_disables_the_account_and_ends_its_sessions(cast) -> None:
    target_client = cast.client("street")
    assert target_client.get("/").status_code == 200
    response = cast.client("district").post(url(cast.street), {"active": "0"})
    assert response.status_code == 302
    assert not User.objects.get(username="street").is_active
    after = target_client.get("/")
    assert after.status_code == 302
    assert after["Location"].startswith("/login/")
    assert AuditEvent.objects.filter(action="user.disable", object_id=str(cast.street.pk)).exists()


def test_it_enables_the_account_again(cast) -> None:
    client = cast.client("district")
    client.post(url(cast.street), {"active": "0"})
    client.post(url(cast.street), {"active": "1"})
    assert User.objects.get(username="street").is_active
    assert AuditEvent.objects.filter(action="user.enable").exists()


def test_it_refuses_to_disable_ones_own_account(cast) -> None:
    response = cast.client("security_admin").post(url(cast.security_admin), {"active": "0"})
    assert response.status_code == 302
    assert User.objects.get(username="security_admin").is_active


def test_it_refuses_get(cast) -> None:
    assert cast.client("district").get(url(cast.street)).status_code == 405
