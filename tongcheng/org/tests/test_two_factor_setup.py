"""Enrolment in two-factor login: QR code and typed key, confirmed by a current code."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.org import twofactor
from tongcheng.org.actions.two_factor import two_factor_store_secret
from tongcheng.org.middleware import SESSION_ENROL_REQUIRED
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(reverse("account:two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_a_qr_code_and_the_key(cast) -> None:  # type: ignore[no-untyped-def]
    response = cast.client("street").get(reverse("account:two_factor_setup"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<svg width="' in body
    user = User.objects.get(username="street")
    secret = twofactor.secret_of(user)
    assert twofactor.grouped(secret) in body
    assert user.totp_confirmed_at is None
    # The secret is stored encrypted, never in clear.
    assert secret not in user.totp_secret
    # A reload shows the same secret, so a half-done enrolment can be finished.
    cast.client("street").get(reverse("account:two_factor_setup"))
    assert twofactor.secret_of(User.objects.get(username="street")) == secret


def test_it_turns_two_factor_on_with_a_current_code(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("street")
    session = client.session
    session[SESSION_ENROL_REQUIRED] = True
    session.save()
    client.get(reverse("account:two_factor_setup"))
    secret = twofactor.secret_of(User.objects.get(username="street"))
    response = client.post(reverse("account:two_factor_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert twofactor.has_two_factor(User.objects.get(username="street"))
    assert SESSION_ENROL_REQUIRED not in client.session
    event = AuditEvent.objects.get(action="two_factor.enrol")
    assert event.user_id == cast.street.pk


def test_it_refuses_a_wrong_code(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("street")
    client.get(reverse("account:two_factor_setup"))
    response = client.post(reverse("account:two_factor_setup"), {"code": "123456x"})
    assert response.status_code == 200
    assert "The code is wrong" in response.content.decode()
    assert not twofactor.has_two_factor(User.objects.get(username="street"))
    assert not AuditEvent.objects.filter(action="two_factor.enrol").exists()


def test_it_does_not_replace_a_confirmed_secret(cast) -> None:  # type: ignore[no-untyped-def]
    user = cast.street
    two_factor_store_secret(actor=user, account=user, secret=pyotp.random_base32(), confirmed=True)
    before = User.objects.get(pk=user.pk).totp_secret
    response = cast.client("street").get(reverse("account:two_factor_setup"))
    assert response.status_code == 200
    assert b"<svg" not in response.content
    assert User.objects.get(pk=user.pk).totp_secret == before


def test_it_is_open_to_every_role(cast) -> None:  # type: ignore[no-untyped-def]
    for username in ("community_a", "inspector", "leader", "audit_admin"):
        assert cast.client(username).get(reverse("account:two_factor_setup")).status_code == 200
