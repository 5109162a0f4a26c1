"""Logout: POST ends the session (audited); GET only asks for confirmation."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_login() -> None:
    response = Client().get(reverse("logout"))
    assert response["Location"].startswith(reverse("login"))


def test_it_asks_before_logging_out(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("community_a")
    response = client.get(reverse("logout"))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert SESSION_KEY in client.session


def test_it_logs_out_on_post(cast) -> None:  # type: ignore[no-untyped-def]
    client = cast.client("community_a")
    old_key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    assert client.session.session_key != old_key
    event = AuditEvent.objects.get(action="logout")
    assert event.user_id == cast.community_a.pk
    # The old session cannot be reused.
    assert client.get(reverse("account:profile")).status_code == 302


def test_it_refuses_other_methods(cast) -> None:  # type: ignore[no-untyped-def]
    assert cast.client("community_a").put(reverse("logout")).status_code == 405
