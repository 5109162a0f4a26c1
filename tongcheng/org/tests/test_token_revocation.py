"""An account's API tokens are revoked for good when it is disabled or its password changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.audit.services import Actor
from tongcheng.conftest import Cast
from tongcheng.lib.roles import Role
from tongcheng.org.actions.tokens import api_token_create
from tongcheng.org.models import ApiToken, Membership, User

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-Battery-9"
NEW_PASSWORD = "Purple-Monkey-Dishwasher-42"
ME = reverse("api:me")


@pytest.fixture(autouse=True)
def _fast_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def officer(cast: Cast) -> User:
    user = User.objects.create(username="officer1")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(user=user, role=Role.STREET_OFFICER, area=cast.areas["street"])
    return user


def token_for(user: User) -> str:
    _api_token, token = api_token_create(actor=Actor.system(), account=user, name="sync", days=90)
    return token


def works(token: str) -> bool:
    response = Client().get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")
    return response.status_code == 200


def set_active(cast: Cast, user: User, active: bool) -> None:
    response = cast.client("district").post(
        reverse("org:user_set_active", args=[user.pk]), {"active": "1" if active else "0"}
    )
    assert response.status_code == 302


def test_it_keeps_the_tokens_of_a_disabled_account_dead_after_it_is_enabled(cast: Cast) -> None:
    user = officer(cast)
    first, second = token_for(user), token_for(user)
    assert works(first)
    set_active(cast, user, False)
    set_active(cast, user, True)
    assert not works(first)
    assert not works(second)
    assert set(ApiToken.objects.values_list("revoked", flat=True)) == {True}
    events = AuditEvent.objects.filter(action="api_token.revoke")
    assert events.count() == 2
    assert {e.detail["cause"] for e in events} == {"user.disable"}
    assert {e.username for e in events} == {"district"}
    # A token made after the account is back works: only the old ones were revoked.
    assert works(token_for(user))


def test_it_revokes_the_tokens_when_the_password_changes(cast: Cast) -> None:
    user = officer(cast)
    token = token_for(user)
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("account:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not works(token)
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert (event.username, event.detail["cause"]) == ("officer1", "password.change")


def test_it_writes_no_revoke_event_for_an_account_without_tokens(cast: Cast) -> None:
    user = officer(cast)
    set_active(cast, user, False)
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()
