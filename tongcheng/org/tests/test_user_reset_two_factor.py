"""Resetting an account's two-factor enrolment: it enrols again, its sessions end."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db


def url(user) -> str:
    return f"/org/users/{user.pk}/two-factor/reset/"


def enrol(user: User) -> None:
    user.totp_secret = "encrypted-secret-placeholder"
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = 42
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])


def test_it_sends_anonymous_visitors_to_login(cast) -> None:
    response = Client().post(url(cast.street))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_hides_accounts_of_another_district(cast) -> None:
    assert cast.client("other_district").post(url(cast.street)).status_code == 404


def test_it_refuses_read_only_roles(cast) -> None:
    assert cast.client("inspector").post(url(cast.street)).status_code == 403


def test_it_clears_the_authenticator_and_ends_sessions(cast) -> None:
    enrol(cast.street)
    target_client = cast.client("street")
    response = cast.client("district").post(url(cast.street))
    assert response.status_code == 302
    user = User.objects.get(username="street")
    assert (user.totp_secret, user.totp_confirmed_at, user.totp_last_step) == ("", None, 0)
    assert target_client.get("/").status_code == 302
    event = AuditEvent.objects.get(action="user.reset_two_factor")
    assert event.detail == {"was_enrolled": True}
