"""The second login step: a TOTP code (±1 step), no replays, wrong codes count toward lockout."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.roles import Role
from tongcheng.org.actions.two_factor import two_factor_store_secret
from tongcheng.org.middleware import SESSION_PENDING_USER
from tongcheng.org.models import LoginThrottle, Membership, User

PASSWORD = "Correct-Horse-Battery-9"
SECRET = pyotp.random_base32()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def user(cast) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create(username="chief", display_name="Chief")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(user=user, role=Role.DISTRICT_OFFICE, area=cast.areas["district"])
    two_factor_store_secret(actor=user, account=user, secret=SECRET, confirmed=True)
    return user


def password_step(client: Client, next_url: str = "") -> None:
    data = {"username": "chief", "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response["Location"] == reverse("login_two_factor")


def code_at(offset_steps: int = 0) -> str:
    return pyotp.TOTP(SECRET).at(timezone.now() + timedelta(seconds=30 * offset_steps))


def test_it_asks_for_a_code_before_logging_in(user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    password_step(client)
    assert SESSION_KEY not in client.session
    assert client.session[SESSION_PENDING_USER]["user_id"] == user.pk
    # The pending account cannot open pages yet.
    assert client.get(reverse("account:profile")).status_code == 302
    assert client.get(reverse("login_two_factor")).status_code == 200


def test_it_logs_in_with_the_current_code(user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    password_step(client, next_url="/account/")
    response = client.post(reverse("login_two_factor"), {"code": code_at()})
    assert response["Location"] == "/account/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert SESSION_PENDING_USER not in client.session
    assert AuditEvent.objects.get(action="login.success").detail["second_factor"] is True


@pytest.mark.parametrize("offset", [-1, 1])
def test_it_accepts_one_step_of_clock_drift(user, offset: int) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    password_step(client)
    assert client.post(reverse("login_two_factor"), {"code": code_at(offset)}).status_code == 302
    assert SESSION_KEY in client.session


def test_it_refuses_a_code_two_steps_away(user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    password_step(client)
    response = client.post(reverse("login_two_factor"), {"code": code_at(-2)})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_it_refuses_a_replayed_code(user) -> None:  # type: ignore[no-untyped-def]
    code = code_at()
    first = Client()
    password_step(first)
    first.post(reverse("login_two_factor"), {"code": code})
    second = Client()
    password_step(second)
    response = second.post(reverse("login_two_factor"), {"code": code})
    assert response.status_code == 200
    assert "The code is wrong" in response.content.decode()
    assert SESSION_KEY not in second.session


def test_it_counts_wrong_codes_toward_the_lockout(user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    password_step(client)
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        response = client.post(reverse("login_two_factor"), {"code": "000000"})
        assert response.status_code == 200
    response = client.post(reverse("login_two_factor"), {"code": "000000"})
    # Locked: the pending login is dropped and the user is sent back to the login page.
    assert response["Location"] == reverse("login")
    assert LoginThrottle.objects.get().locked_until is not None
    assert AuditEvent.objects.filter(action="login.failure", reason="wrong code").count() == 4
    assert AuditEvent.objects.filter(action="login.locked").count() == 1
    # Even the right password and code are refused now.
    again = Client()
    response = again.post(reverse("login"), {"username": "chief", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_PENDING_USER not in again.session


def test_it_forgets_a_pending_login_after_five_minutes(user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    password_step(client)
    session = client.session
    session[SESSION_PENDING_USER] = {**session[SESSION_PENDING_USER], "at": 0}
    session.save()
    response = client.post(reverse("login_two_factor"), {"code": code_at()})
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


def test_it_sends_the_verify_page_to_login_without_a_password_step(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(reverse("login_two_factor"))
    assert response["Location"] == reverse("login")


def test_it_refuses_a_disabled_account_at_the_second_step(user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    password_step(client)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.post(reverse("login_two_factor"), {"code": code_at()})
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
