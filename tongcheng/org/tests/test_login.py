"""The password step of login: Argon2, lockout, one message for every refusal, audit events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.lib.crypto import keyed_hash
from tongcheng.lib.roles import Role
from tongcheng.org.middleware import SESSION_ENROL_REQUIRED, SESSION_LAST_SEEN, SESSION_LOGIN_AT
from tongcheng.org.models import LoginThrottle, Membership, User

PASSWORD = "Correct-Horse-Battery-9"
MESSAGE = "The username or password is wrong, or the account is temporarily locked."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_no_required_two_factor(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    settings.TWO_FACTOR_REQUIRED = "sys_admin"


def make_user(cast, username: str = "officer1", **fields: object) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create(username=username, display_name="Officer", **fields)
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(
        user=user, role=Role.COMMUNITY_OFFICER, area=cast.areas["community_a"]
    )
    return user


def post_login(client: Client, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_it_shows_the_login_form() -> None:
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_it_hashes_passwords_with_argon2(cast) -> None:  # type: ignore[no-untyped-def]
    assert make_user(cast).password.startswith("argon2")


def test_it_logs_in_and_starts_the_session_clocks(cast) -> None:  # type: ignore[no-untyped-def]
    user = make_user(cast)
    client = Client()
    response = post_login(client, "officer1", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    session = client.session
    assert session[SESSION_KEY] == str(user.pk)
    assert session[SESSION_LOGIN_AT] == pytest.approx(timezone.now().timestamp(), abs=60)
    assert session[SESSION_LAST_SEEN] == session[SESSION_LOGIN_AT]
    event = AuditEvent.objects.get(action="login.success")
    assert (event.user_id, event.outcome) == (user.pk, "allowed")


def test_it_gives_a_new_session_id_at_login(cast) -> None:  # type: ignore[no-untyped-def]
    make_user(cast)
    client = Client()
    before = client.session
    before["probe"] = 1
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    post_login(client, "officer1", PASSWORD)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert not before.exists(before.session_key)


def test_it_refuses_a_wrong_password_and_counts_it(cast) -> None:  # type: ignore[no-untyped-def]
    user = make_user(cast)
    client = Client()
    response = post_login(client, "officer1", "wrong-password")
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert SESSION_KEY not in client.session
    assert LoginThrottle.objects.get().failures == 1
    event = AuditEvent.objects.get(action="login.failure")
    assert (event.user_id, event.username, event.outcome) == (user.pk, "officer1", "denied")
    assert event.reason == "wrong password"


def test_it_gives_the_same_answer_for_an_unknown_account(cast) -> None:  # type: ignore[no-untyped-def]
    make_user(cast)
    known = post_login(Client(), "officer1", "wrong-password")
    unknown = post_login(Client(), "nobody-here", "wrong-password")
    assert unknown.status_code == known.status_code == 200
    assert MESSAGE in unknown.content.decode()
    event = AuditEvent.objects.get(action="login.failure", reason="unknown account")
    # Nothing typed is stored: no username, only a short keyed hash of it.
    assert (event.user_id, event.username) == (None, "")
    assert event.detail["account_hash"] == keyed_hash("nobody-here", context="login")[:16]
    assert "nobody-here" not in str(event.detail)
    assert not LoginThrottle.objects.filter(username__icontains="nobody").exists()


def test_it_locks_after_five_failures_with_the_same_message(cast) -> None:  # type: ignore[no-untyped-def]
    make_user(cast)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        post_login(client, "officer1", "wrong-password")
    assert AuditEvent.objects.filter(action="login.failure").count() == 4
    assert AuditEvent.objects.filter(action="login.locked").count() == 1
    # The right password no longer helps, and the answer is the same.
    response = post_login(client, "officer1", PASSWORD)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="login.failure", reason="locked").count() == 1
    throttle = LoginThrottle.objects.get()
    assert throttle.locked_until is not None
    assert throttle.locked_until - timezone.now() > timedelta(minutes=29)


def test_it_locks_unknown_names_too(cast) -> None:  # type: ignore[no-untyped-def]
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        post_login(Client(), "ghost", "wrong-password")
    assert LoginThrottle.objects.get().locked_until is not None


def test_it_lets_the_account_in_again_after_the_lockout(cast) -> None:  # type: ignore[no-untyped-def]
    make_user(cast)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        post_login(Client(), "officer1", "wrong-password")
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert post_login(Client(), "officer1", PASSWORD).status_code == 302


def test_it_starts_a_fresh_count_after_the_lockout(cast) -> None:  # type: ignore[no-untyped-def]
    make_user(cast)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        post_login(Client(), "officer1", "wrong-password")
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    post_login(Client(), "officer1", "wrong-password")
    throttle = LoginThrottle.objects.get()
    assert (throttle.failures, throttle.locked_until) == (1, None)


def test_it_resets_the_count_after_a_success(cast) -> None:  # type: ignore[no-untyped-def]
    make_user(cast)
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        post_login(Client(), "officer1", "wrong-password")
    assert post_login(Client(), "officer1", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.exists()


def test_it_refuses_a_disabled_account_with_the_same_message(cast) -> None:  # type: ignore[no-untyped-def]
    make_user(cast, is_active=False)
    response = post_login(Client(), "officer1", PASSWORD)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert AuditEvent.objects.get(action="login.failure").reason == "disabled"


def test_it_refuses_demo_accounts_when_they_are_not_allowed(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO_ACCOUNTS_ALLOWED = False
    make_user(cast, is_demo=True)
    client = Client()
    response = post_login(client, "officer1", PASSWORD)
    assert response.status_code == 200
    assert "Demo accounts cannot log in on this server." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.get(action="login.refused_demo").outcome == "denied"


def test_it_lets_demo_accounts_in_during_development(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO_ACCOUNTS_ALLOWED = True
    make_user(cast, is_demo=True)
    assert post_login(Client(), "officer1", PASSWORD).status_code == 302


def test_it_asks_for_enrolment_when_two_factor_is_required(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TWO_FACTOR_REQUIRED = "all"
    make_user(cast)
    client = Client()
    response = post_login(client, "officer1", PASSWORD)
    assert response["Location"] == reverse("account:two_factor_setup")
    assert client.session[SESSION_ENROL_REQUIRED] is True
    # Every other page sends the account back to the enrolment.
    assert client.get(reverse("account:password_change"))["Location"] == reverse(
        "account:two_factor_setup"
    )
    assert client.get(reverse("account:two_factor_setup")).status_code == 200


def test_it_follows_a_local_next_but_not_a_foreign_one(cast) -> None:  # type: ignore[no-untyped-def]
    make_user(cast)
    local = post_login(Client(), "officer1", PASSWORD, next="/account/")
    assert local["Location"] == "/account/"
    foreign = post_login(Client(), "officer1", PASSWORD, next="https://evil.example/")
    assert foreign["Location"] == reverse("home")


def test_it_sends_a_logged_in_user_home(cast) -> None:  # type: ignore[no-untyped-def]
    response = cast.client("community_a").get(reverse("login"))
    assert response.status_code == 302
