"""A POST without a valid CSRF token is refused with 403 and leaves one audit event."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tongcheng.audit.models import AuditEvent
from tongcheng.conftest import Cast
from tongcheng.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id"))


def test_it_refuses_a_post_without_a_token_and_audits_it_with_the_user(cast: Cast) -> None:
    person = make_person(cast.areas["community_a"].code)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.community_a)
    url = reverse("registry:consent_add", args=[person.pk])
    response = client.post(url, {"kind": "legal_aid_sharing", "given_on": "2026-01-05"})
    assert response.status_code == 403
    assert "表单已失效" in response.content.decode()
    [event] = _events()
    assert event.action == "security.csrf_refused"
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert event.username == "community_a"
    assert event.detail == {"path": url, "method": "POST"}
    assert not person.consents.exists()


def test_it_audits_an_anonymous_refusal_without_the_query_string(cast: Cast) -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("login") + "?next=/registry/?q=622924", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    [event] = _events()
    assert event.action == "security.csrf_refused"
    assert event.user_id is None
    assert event.ip_address == "127.0.0.1"
    assert event.detail["path"] == reverse("login")


def test_it_lets_a_post_with_its_token_through(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("login"), {"username": "x", "password": "y", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="security.csrf_refused").exists()
