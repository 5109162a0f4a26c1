"""Changing my own password: the old one, the new one twice, the policy; this session stays."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.roles import Role
from tongcheng.org.models import Membership, User

OLD = "Correct-Horse-Battery-9"
NEW = "Purple-Monkey-Dishwasher-42"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    settings.TWO_FACTOR_REQUIRED = "sys_admin"


@pytest.fixture
def user(cast) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create(username="officer1", display_name="Officer")
    user.set_password(OLD)
    user.save()
    Membership.objects.create(user=user, role=Role.INSPECTOR, area=cast.areas["district"])
    return user


def logged_in() -> Client:
    client = Client()
    client.post(reverse("login"), {"username": "officer1", "password": OLD})
    assert SESSION_KEY in client.session
    return client


def change(client: Client, old: str, new1: str, new2: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("account:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
    )


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(reverse("account:password_change"))
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_form_even_to_read_only_roles(user) -> None:  # type: ignore[no-untyped-def]
    assert logged_in().get(reverse("account:password_change")).status_code == 200


def test_it_changes_the_password_and_keeps_this_session(user) -> None:  # type: ignore[no-untyped-def]
    client = logged_in()
    other = logged_in()
    response = change(client, OLD, NEW)
    assert response["Location"] == reverse("account:profile")
    assert User.objects.get(pk=user.pk).check_password(NEW)
    assert client.get(reverse("account:profile")).status_code == 200
    # Every other session of the account ends.
    assert other.get(reverse("account:profile")).status_code == 302
    assert AuditEvent.objects.get(action="password.change").user_id == user.pk


def test_it_needs_the_old_password(user) -> None:  # type: ignore[no-untyped-def]
    response = change(logged_in(), "not-the-old-one", NEW)
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).check_password(OLD)


def test_it_needs_the_new_password_twice(user) -> None:  # type: ignore[no-untyped-def]
    response = change(logged_in(), OLD, NEW, NEW + "x")
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).check_password(OLD)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Short-1a", "at least 12 characters"),
        ("onlylowercaseanddigits123", "kinds of character"),
        ("Woaini-Forever-2024", "must not contain a common word"),
        ("Officer1-Secret-Pass", "must not contain a common word"),
    ],
)
def test_it_applies_the_password_policy(user, new: str, message: str) -> None:  # type: ignore[no-untyped-def]
    response = change(logged_in(), OLD, new)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(pk=user.pk).check_password(OLD)
