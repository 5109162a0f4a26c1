"""Session limits: idle 30 min (15 for administrators), 12 h absolute; disabling or a changed
security stamp (roles changed) ends the session before its next request."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongcheng.audit.models import AuditEvent
from tongcheng.org.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from tongcheng.org.models import User

pytestmark = pytest.mark.django_db

PAGE = "account:profile"


@pytest.fixture(autouse=True)
def _english(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


def aged(client: Client, *, idle_minutes: float, age_minutes: float | None = None) -> Client:
    """Pretend the last request was `idle_minutes` ago and the login `age_minutes` ago."""
    now = timezone.now().timestamp()
    session = client.session
    session[SESSION_LAST_SEEN] = now - idle_minutes * 60
    session[SESSION_LOGIN_AT] = (
        now - (age_minutes if age_minutes is not None else idle_minutes) * 60
    )
    session.save()
    return client


def assert_logged_out(client: Client) -> None:
    response = client.get(reverse(PAGE), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Your session has ended; please log in again." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_it_keeps_an_active_session(cast) -> None:  # type: ignore[no-untyped-def]
    client = aged(cast.client("community_a"), idle_minutes=29, age_minutes=11 * 60)
    assert client.get(reverse(PAGE)).status_code == 200
    # The request counts as activity.
    assert client.session[SESSION_LAST_SEEN] == pytest.approx(timezone.now().timestamp(), abs=60)


def test_it_ends_a_session_idle_for_thirty_minutes(cast) -> None:  # type: ignore[no-untyped-def]
    assert_logged_out(aged(cast.client("community_a"), idle_minutes=31))
    event = AuditEvent.objects.get(action="session.expired")
    assert event.user_id == cast.community_a.pk


def test_it_ends_an_administrator_session_idle_for_fifteen_minutes(cast) -> None:  # type: ignore[no-untyped-def]
    assert_logged_out(aged(cast.client("sys_admin"), idle_minutes=16))
    assert cast.client("community_a").get(reverse(PAGE)).status_code == 200
    officer = aged(cast.client("community_a"), idle_minutes=16)
    assert officer.get(reverse(PAGE)).status_code == 200


def test_it_ends_a_session_after_twelve_hours(cast) -> None:  # type: ignore[no-untyped-def]
    assert_logged_out(aged(cast.client("community_a"), idle_minutes=1, age_minutes=12 * 60 + 1))


def test_it_ends_sessions_when_the_security_stamp_changes(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("community_a")
    assert client.get(reverse(PAGE)).status_code == 200
    user = User.objects.get(username="community_a")
    user.rotate_security_stamp()
    user.save(update_fields=["security_stamp"])
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_it_ends_sessions_when_the_account_is_disabled(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("community_a")
    assert client.get(reverse(PAGE)).status_code == 200
    User.objects.filter(username="community_a").update(is_active=False)
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
