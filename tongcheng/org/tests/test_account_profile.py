"""My account page: my roles, two-factor state, link to the password change."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(reverse("account:profile"))
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_my_roles_and_security(cast) -> None:  # type: ignore[no-untyped-def]
    response = cast.client("community_a").get(reverse("account:profile"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Community centre officer" in body
    assert cast.areas["community_a"].code in body
    assert reverse("account:password_change") in body
    assert reverse("account:two_factor_setup") in body


def test_it_is_open_to_read_only_roles(cast) -> None:  # type: ignore[no-untyped-def]
    for username in ("inspector", "leader", "audit_admin"):
        assert cast.client(username).get(reverse("account:profile")).status_code == 200


def test_it_shows_only_my_own_account(cast) -> None:  # type: ignore[no-untyped-def]
    body = cast.client("community_a").get(reverse("account:profile")).content.decode()
    assert cast.areas["community_b"].code not in body
